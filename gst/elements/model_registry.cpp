#include "gst/elements/model_registry.h"

#include <algorithm>
#include <map>
#include <vector>
#include <mutex>

#include "engine/config/model_settings.h"
#include "engine/core/error.h"

namespace deltacnn_gst {

namespace {

struct Entry {
  std::weak_ptr<const dcnn::Model> model;
  dcnn::DeploymentConfig config;  // what the model was loaded with (its file, input, decoder)
  dcnn::BackendChoice backend = dcnn::BackendChoice::Auto;
  int device_id = 0;
  dcnn::Precision precision = dcnn::Precision::F32;
};

const char* backend_name(dcnn::BackendChoice backend) {
  switch (backend) {
    case dcnn::BackendChoice::Auto: return "auto";
    case dcnn::BackendChoice::Cuda: return "cuda";
    case dcnn::BackendChoice::Cpu: return "cpu";
  }
  return "?";
}

// One lock for lookups and loads: two elements starting together with the same id must not
// both load the model. Loads of different ids are serialised too, which only slows start-up.
std::mutex registry_lock;
// Per id, the models registered under it, oldest first: the newest live one is the id's. A
// reload pushes its model on top; when that one dies unused (its stream failed, the element
// stopped before taking it, a newer load won) the id falls back to the model its other
// elements still run, instead of losing it.
std::map<std::string, std::vector<Entry>>& registry() {
  static std::map<std::string, std::vector<Entry>> entries;
  return entries;
}

}  // namespace

std::shared_ptr<const dcnn::Model> acquire_model(const std::string& instance_id,
                                                 const dcnn::DeploymentConfig& config,
                                                 const dcnn::ModelOptions& options,
                                                 const dcnn::Model* replacing) {
  if (instance_id.empty()) return dcnn::Model::load(config, options);
  const dcnn::Precision wanted = options.precision.value_or(config.precision);  // as Model::load

  std::lock_guard<std::mutex> lock(registry_lock);
  std::vector<Entry>& stack = registry()[instance_id];
  stack.erase(std::remove_if(stack.begin(), stack.end(),
                             [](const Entry& e) { return e.model.expired(); }),
              stack.end());
  std::shared_ptr<const dcnn::Model> live = stack.empty() ? nullptr : stack.back().model.lock();
  if (live) {
    if (live.get() != replacing) {
      const Entry& e = stack.back();
      if (e.config.model_path != config.model_path || e.backend != options.backend ||
          e.device_id != options.device_id || e.precision != wanted)
        throw dcnn::Error(
            dcnn::ErrorKind::Config,
            "model-instance-id '" + instance_id + "' is already in use by model '" +
                e.config.model_path + "' (config '" + e.config.source + "', backend " +
                backend_name(e.backend) + ", device-id " + std::to_string(e.device_id) +
                ", precision " + dcnn::to_string(e.precision) +
                "); this element asks for model '" + config.model_path + "' (config '" +
                config.source + "', backend " + backend_name(options.backend) +
                ", device-id " + std::to_string(options.device_id) +
                ", precision " + dcnn::to_string(wanted) +
                "): use another model-instance-id or the same model settings");
      // The input size, pre-processing and decoder are built into the model too: a stream
      // configured otherwise would run silently with the first element's.
      const std::string differs = dcnn::model_settings_difference(config, e.config);
      if (!differs.empty())
        throw dcnn::Error(dcnn::ErrorKind::Config,
                          "model-instance-id '" + instance_id + "' is already in use by a model loaded from config '" +
                              e.config.source + "'; this element's config '" + config.source +
                              "' builds another model: " + differs +
                              " (this element's against the loaded one's); the input, model and decoder "
                              "sections must agree (delta, tracker, zones and the score threshold may differ): "
                              "use another model-instance-id or the same sections");
      return live;
    }
  }
  // Loaded before the entry changes: a reload that fails leaves the id's model registered.
  std::shared_ptr<const dcnn::Model> model = dcnn::Model::load(config, options);
  stack.push_back(Entry{model, config, options.backend, options.device_id, wanted});
  return model;
}

}  // namespace deltacnn_gst
