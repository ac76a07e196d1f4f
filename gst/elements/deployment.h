// What a deltacnn element runs: the resolved YAML, the model (private or shared through
// model-instance-id) and the element's own stream. Built at start, and again in the background
// when config-file-path or model is set while the element runs (deployment_reloader.h).
#pragma once

#include <memory>

#include "engine/api/deltacnn.h"
#include "gst/elements/element_settings.h"

namespace deltacnn_gst {

struct Deployment {
  ElementSettings settings;  // the element's settings it was built with
  dcnn::DeploymentConfig config;
  std::shared_ptr<const dcnn::Model> model;
  std::unique_ptr<dcnn::Stream> stream;
};

// Loads the YAML, the model and builds the stream. `replacing`: the model the element runs
// now, when this is a reload (see acquire_model). Throws dcnn::Error naming the file, key or
// node that is wrong (and what the engine throws: std::bad_alloc, ...).
Deployment load_deployment(const ElementSettings& settings,
                           const dcnn::Model* replacing = nullptr);

}  // namespace deltacnn_gst
