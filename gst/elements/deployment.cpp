#include "gst/elements/deployment.h"

#include "gst/elements/model_registry.h"

namespace deltacnn_gst {

Deployment load_deployment(const ElementSettings& settings, const dcnn::Model* replacing) {
  Deployment d;
  d.settings = settings;
  d.config = resolve_config(settings);
  d.model = acquire_model(settings.model_instance_id, d.config, model_options(settings), replacing);
  d.stream = std::make_unique<dcnn::Stream>(d.model, stream_options(d.config, settings));
  return d;
}

}  // namespace deltacnn_gst
