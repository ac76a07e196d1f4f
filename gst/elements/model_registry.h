// Process-wide registry behind the model-instance-id property: elements that name the same
// instance share one loaded dcnn::Model (one copy of the weights); each keeps its own Stream
// (delta state is per camera). The registry holds weak references, so a model is freed when
// the last element using it stops.
#pragma once

#include <memory>
#include <string>

#include "engine/api/deltacnn.h"

namespace deltacnn_gst {

// An empty instance_id loads a private model. Otherwise returns the live model registered
// under instance_id, loading and registering it on first use. Throws dcnn::Error: whatever
// Model::load throws, or Config when the instance is alive but was loaded from a different
// model file / backend / device than this request (sharing it would silently run another
// network than the one asked for).
//
// `replacing`: a reload (config-file-path set while playing) of an element that runs this
// model. When the id's registered model is that one, this element is the first of the id's
// elements to reload: the model is loaded afresh from its files (a reload re-reads them) and
// replaces the registered one, so the id's other elements share the new model when they reload
// and elements that start later get it; elements that have not reloaded keep running theirs.
// A reload to another model (file, backend, device, precision or model sections) is refused
// (Config) while other deployments hold the id's model: it would take the id from them. When
// the id already holds another model (an element of the id reloaded first), it is shared
// under the same rules as at start.
std::shared_ptr<const dcnn::Model> acquire_model(const std::string& instance_id,
                                                 const dcnn::DeploymentConfig& config,
                                                 const dcnn::ModelOptions& options,
                                                 const dcnn::Model* replacing = nullptr);

}  // namespace deltacnn_gst
