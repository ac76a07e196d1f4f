#include "gst/elements/element_settings.h"

#include <sstream>

#include "engine/core/error.h"
#include "engine/core/file_check.h"
#include "gst/elements/gstdeltacnnenums.h"

namespace deltacnn_gst {

const char* backend_name(BackendSetting backend) {
  switch (backend) {
    case BackendSetting::Cuda: return "cuda";
    case BackendSetting::Cpu: return "cpu";
    case BackendSetting::Auto: break;
  }
  return "auto";
}

const char* precision_name(PrecisionSetting precision) {
  switch (precision) {
    case PrecisionSetting::Fp32: return "fp32";
    case PrecisionSetting::Fp16: return "fp16";
    case PrecisionSetting::Bf16: return "bf16";
    case PrecisionSetting::Config: break;
  }
  return "config";
}

PrecisionSetting precision_setting(int gst_enum_value) {
  switch (gst_enum_value) {
    case GST_DELTACNN_PRECISION_FP32: return PrecisionSetting::Fp32;
    case GST_DELTACNN_PRECISION_FP16: return PrecisionSetting::Fp16;
    case GST_DELTACNN_PRECISION_BF16: return PrecisionSetting::Bf16;
    default: return PrecisionSetting::Config;
  }
}

int precision_enum(PrecisionSetting precision) {
  switch (precision) {
    case PrecisionSetting::Fp32: return GST_DELTACNN_PRECISION_FP32;
    case PrecisionSetting::Fp16: return GST_DELTACNN_PRECISION_FP16;
    case PrecisionSetting::Bf16: return GST_DELTACNN_PRECISION_BF16;
    case PrecisionSetting::Config: break;
  }
  return GST_DELTACNN_PRECISION_CONFIG;
}

StabilizeSetting stabilize_setting(int gst_enum_value) {
  switch (gst_enum_value) {
    case GST_DELTACNN_STABILIZE_OFF: return StabilizeSetting::Off;
    case GST_DELTACNN_STABILIZE_SHIFT: return StabilizeSetting::Shift;
    case GST_DELTACNN_STABILIZE_EXPOSURE: return StabilizeSetting::Exposure;
    case GST_DELTACNN_STABILIZE_BOTH: return StabilizeSetting::Both;
    default: return StabilizeSetting::Config;
  }
}

int stabilize_enum(StabilizeSetting stabilize) {
  switch (stabilize) {
    case StabilizeSetting::Off: return GST_DELTACNN_STABILIZE_OFF;
    case StabilizeSetting::Shift: return GST_DELTACNN_STABILIZE_SHIFT;
    case StabilizeSetting::Exposure: return GST_DELTACNN_STABILIZE_EXPOSURE;
    case StabilizeSetting::Both: return GST_DELTACNN_STABILIZE_BOTH;
    case StabilizeSetting::Config: break;
  }
  return GST_DELTACNN_STABILIZE_CONFIG;
}

dcnn::DeploymentConfig resolve_config(const ElementSettings& settings) {
  if (settings.config_file_path.empty())
    throw dcnn::Error(dcnn::ErrorKind::Config,
                      "property config-file-path is not set: deltacnn needs a YAML deployment "
                      "file (e.g. configs/movenet-multipose.yaml)");
  dcnn::DeploymentConfig config = dcnn::load_config(settings.config_file_path);
  if (!settings.model.empty()) {
    // Checked here so that the message names the property, not only the engine's import.
    dcnn::require_regular_file(settings.model, "property model: file", "an ONNX model file");
    config.model_path = settings.model;
  }
  return config;
}

dcnn::ModelOptions model_options(const ElementSettings& settings) {
  dcnn::ModelOptions options;
  switch (settings.backend) {
    case BackendSetting::Auto: options.backend = dcnn::BackendChoice::Auto; break;
    case BackendSetting::Cuda: options.backend = dcnn::BackendChoice::Cuda; break;
    case BackendSetting::Cpu: options.backend = dcnn::BackendChoice::Cpu; break;
  }
  options.device_id = settings.device_id;
  switch (settings.precision) {
    case PrecisionSetting::Config: break;  // Model::load takes the YAML's
    case PrecisionSetting::Fp32: options.precision = dcnn::Precision::F32; break;
    case PrecisionSetting::Fp16: options.precision = dcnn::Precision::F16; break;
    case PrecisionSetting::Bf16: options.precision = dcnn::Precision::BF16; break;
  }
  return options;
}

dcnn::StreamOptions stream_options(const dcnn::DeploymentConfig& config,
                                   const ElementSettings& settings) {
  dcnn::StreamOptions options = dcnn::StreamOptions::from(config);
  options.mode = settings.mode;
  options.delta.threshold_scale = effective_threshold_scale(config, settings);
  options.delta.keyframe_interval = effective_keyframe_interval(config, settings);
  options.score_threshold = effective_score_threshold(config, settings);
  if (settings.tracker != TrackerSetting::Config)
    options.tracker.enabled = settings.tracker == TrackerSetting::On;
  options.tracker.score_off = effective_track_score_off(config, settings);
  options.tracker.refine_margin = effective_refine_margin(config, settings);
  if (settings.stabilize != StabilizeSetting::Config) {
    const StabilizeSetting st = settings.stabilize;
    options.stabilize.shift = st == StabilizeSetting::Shift || st == StabilizeSetting::Both;
    options.stabilize.exposure = st == StabilizeSetting::Exposure || st == StabilizeSetting::Both;
    options.stabilize.only_where_supported = false;  // asked for on the element: warn on CUDA
  }
  return options;
}

float effective_threshold_scale(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings) {
  return settings.delta_threshold >= 0.0 ? static_cast<float>(settings.delta_threshold)
                                         : config.delta.threshold_scale;
}

int effective_keyframe_interval(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings) {
  return settings.keyframe_interval >= 0 ? settings.keyframe_interval
                                         : config.delta.keyframe_interval;
}

float effective_score_threshold(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings) {
  return settings.score_threshold >= 0.0 ? static_cast<float>(settings.score_threshold)
                                         : config.decoder.score_threshold;
}

float effective_track_score_off(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings) {
  return settings.track_score_off >= 0.0 ? static_cast<float>(settings.track_score_off)
                                         : config.tracker.score_off;
}

float effective_refine_margin(const dcnn::DeploymentConfig& config,
                              const ElementSettings& settings) {
  return settings.refine_margin >= 0.0 ? static_cast<float>(settings.refine_margin)
                                       : config.tracker.refine_margin;
}

std::vector<std::string> ignored_setting_warnings(const dcnn::DeploymentConfig& config,
                                                  const ElementSettings& settings) {
  const bool tracker_on = settings.tracker == TrackerSetting::Config
                              ? config.tracker.enabled
                              : settings.tracker == TrackerSetting::On;
  if (tracker_on) return {};
  const bool off_by_property = settings.tracker == TrackerSetting::Off;
  const std::string why = off_by_property
                              ? "the tracker is off (property tracker=off)"
                              : "the tracker is off (" + config.source + ": tracker.enabled: false)";
  const std::string expected = off_by_property
                                   ? "; expected tracker=on"
                                   : "; expected tracker.enabled: true (or property tracker=on)";
  std::vector<std::string> warnings;
  auto number = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  if (settings.refine_margin > 0.0)
    warnings.push_back("property refine-margin=" + number(settings.refine_margin) +
                       " has no effect: " + why + expected + ", or refine-margin unset");
  else if (settings.refine_margin < 0.0 && settings.tracker == TrackerSetting::Config &&
           config.tracker.refine_margin > 0.f)
    warnings.push_back(config.source + ": tracker.refine_margin: " +
                       number(config.tracker.refine_margin) + " has no effect: " + why +
                       expected + ", or no refine_margin");
  if (settings.track_score_off >= 0.0)
    warnings.push_back("property track-score-off=" + number(settings.track_score_off) +
                       " has no effect: " + why + expected + ", or track-score-off unset");
  return warnings;
}

}  // namespace deltacnn_gst
