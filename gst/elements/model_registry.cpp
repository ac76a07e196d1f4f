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

// Why `e`'s model cannot serve `config` / `options`, or "" when it can.
std::string incompatibility(const std::string& instance_id, const Entry& e,
                            const dcnn::DeploymentConfig& config, const dcnn::ModelOptions& options,
                            dcnn::Precision wanted) {
  if (e.config.model_path != config.model_path || e.backend != options.backend ||
      e.device_id != options.device_id || e.precision != wanted)
    return "model-instance-id '" + instance_id + "' is already in use by model '" + e.config.model_path +
           "' (config '" + e.config.source + "', backend " + backend_name(e.backend) + ", device-id " +
           std::to_string(e.device_id) + ", precision " + dcnn::to_string(e.precision) +
           "); this element asks for model '" + config.model_path + "' (config '" + config.source +
           "', backend " + backend_name(options.backend) + ", device-id " + std::to_string(options.device_id) +
           ", precision " + dcnn::to_string(wanted) + ")";
  // The input size, pre-processing and decoder are built into the model too: a stream
  // configured otherwise would run silently with the first element's.
  const std::string differs = dcnn::model_settings_difference(config, e.config);
  if (!differs.empty())
    return "model-instance-id '" + instance_id + "' is already in use by a model loaded from config '" +
           e.config.source + "'; this element's config '" + config.source + "' builds another model: " +
           differs +
           " (this element's against the loaded one's); the input, model and decoder sections must agree "
           "(delta, tracker, zones and the score threshold may differ)";
  return "";
}

// A deployment's hold on a registered model. The registry keeps its models weakly and every
// acquire_model hands out a lease of its own holding one strong reference, so a model's
// use_count is the number of deployments (running or loaded) that hold it.
std::shared_ptr<const dcnn::Model> lease(std::shared_ptr<const dcnn::Model> model) {
  const dcnn::Model* raw = model.get();
  return std::shared_ptr<const dcnn::Model>(raw, [held = std::move(model)](const dcnn::Model*) mutable {
    held.reset();
  });
}

}  // namespace

std::shared_ptr<const dcnn::Model> acquire_model(const std::string& instance_id,
                                                 const dcnn::DeploymentConfig& config,
                                                 const dcnn::ModelOptions& options,
                                                 const dcnn::Model* replacing) {
  if (instance_id.empty()) return dcnn::Model::load(config, options);
  const dcnn::Precision wanted = options.precision.value_or(config.precision);  // as Model::load

  std::lock_guard<std::mutex> lock(registry_lock);
  auto& entries = registry();
  // Ids nobody holds any more go (deltacnn-cameras moves to a new id at every reload).
  for (auto it = entries.begin(); it != entries.end();) {
    std::vector<Entry>& stack = it->second;
    stack.erase(std::remove_if(stack.begin(), stack.end(), [](const Entry& e) { return e.model.expired(); }),
                stack.end());
    it = stack.empty() ? entries.erase(it) : std::next(it);
  }
  std::vector<Entry>& stack = entries[instance_id];
  std::shared_ptr<const dcnn::Model> live = stack.empty() ? nullptr : stack.back().model.lock();
  if (live) {
    const std::string conflict = incompatibility(instance_id, stack.back(), config, options, wanted);
    if (live.get() != replacing) {
      if (!conflict.empty())
        throw dcnn::Error(dcnn::ErrorKind::Config,
                          conflict + ": use another model-instance-id or the same model settings");
      return lease(std::move(live));
    }
    // This element's reload re-reads the id's files (below). Another model in their place would
    // take the id from the elements still running it: their reloads and restarts with their own
    // unchanged configs would be refused. Every live model of the id counts (after a rolling
    // reload the others may still run an older one), less `live` and this element's lease on
    // it. (An element that also runs an older model of the id while its newest is not taken
    // yet counts itself once: refused, on the safe side.)
    long others = -2;
    for (const Entry& e : stack) others += e.model.use_count();
    if (!conflict.empty() && others > 0)
      throw dcnn::Error(dcnn::ErrorKind::Config,
                        conflict + "; " + std::to_string(others) + " other deployment" +
                            (others == 1 ? "" : "s") +
                            " of the id run it: set model-instance-id to a new id together with "
                            "config-file-path (one g_object_set) to move this element alone");
  }
  // Loaded before the entry changes: a reload that fails leaves the id's model registered.
  std::shared_ptr<const dcnn::Model> model = dcnn::Model::load(config, options);
  stack.push_back(Entry{model, config, options.backend, options.device_id, wanted});
  return lease(std::move(model));
}

}  // namespace deltacnn_gst
