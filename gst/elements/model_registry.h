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
std::shared_ptr<const dcnn::Model> acquire_model(const std::string& instance_id,
                                                 const dcnn::DeploymentConfig& config,
                                                 const dcnn::ModelOptions& options);

}  // namespace deltacnn_gst
