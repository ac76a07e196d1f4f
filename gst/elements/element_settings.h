// The deltacnn element's properties as plain C++ values, and how they combine with the YAML
// deployment file. Rule (as nvinfer): a property set on the element overrides the YAML; the
// "unset" value (-1, empty string) means "take the YAML's".
#pragma once

#include <string>
#include <vector>

#include "engine/api/deltacnn.h"
#include "engine/config/config.h"

namespace deltacnn_gst {

enum class BackendSetting { Auto, Cuda, Cpu };
enum class TrackerSetting { Config, On, Off };  // Config: the YAML's tracker.enabled
// Which stabilize features run; Config: the YAML's stabilize.shift and stabilize.exposure. The
// block's other keys (max_offset, ...) always come from the YAML.
enum class StabilizeSetting { Config, Off, Shift, Exposure, Both };
enum class PrecisionSetting { Config, Fp32, Fp16, Bf16 };  // Config: the YAML's model.precision

// "auto", "cuda" or "cpu": the property's nick, as the frame meta's requested_backend says it.
const char* backend_name(BackendSetting backend);
// The precision property: its nick ("config", "fp32", "fp16", "bf16"), and the GEnum value
// (GstDeltaCnnPrecision) to and from the setting.
const char* precision_name(PrecisionSetting precision);
PrecisionSetting precision_setting(int gst_enum_value);
int precision_enum(PrecisionSetting precision);
// The stabilize property: the GEnum value (GstDeltaCnnStabilize) to and from the setting.
StabilizeSetting stabilize_setting(int gst_enum_value);
int stabilize_enum(StabilizeSetting stabilize);

struct ElementSettings {
  std::string config_file_path;  // YAML deployment file (required)
  std::string model;             // ONNX path; empty: the YAML's model.onnx
  BackendSetting backend = BackendSetting::Auto;
  int device_id = 0;
  PrecisionSetting precision = PrecisionSetting::Config;
  double delta_threshold = -1.0;  // global eps scale; < 0: the YAML's delta.threshold_scale
  int keyframe_interval = -1;     // < 0: the YAML's delta.keyframe_interval; 0 = never
  dcnn::ExecMode mode = dcnn::ExecMode::Delta;
  double score_threshold = -1.0;  // < 0: the YAML's decoder.score_threshold
  TrackerSetting tracker = TrackerSetting::Config;
  double track_score_off = -1.0;  // < 0: the YAML's tracker.score_off
  double refine_margin = -1.0;    // < 0: the YAML's tracker.refine_margin
  StabilizeSetting stabilize = StabilizeSetting::Config;
  unsigned unique_id = 0;
  std::string model_instance_id;  // empty: this element loads its own model
  std::string camera_id;          // in every track event; empty: the element's name
  double event_update_interval = 1.0;  // seconds of running time between a track's updates
};

// Loads the YAML and applies the model-level override (model path); per-stream overrides stay
// out of the returned config so that resetting a property to "unset" while playing can return
// to the YAML's value (see stream_options / effective_*). Throws dcnn::Error
// (Config when config_file_path is empty, NotFound when the file or the model is missing).
dcnn::DeploymentConfig resolve_config(const ElementSettings& settings);

dcnn::ModelOptions model_options(const ElementSettings& settings);

// Stream options of `config` with the element's per-stream overrides applied.
dcnn::StreamOptions stream_options(const dcnn::DeploymentConfig& config,
                                   const ElementSettings& settings);

// The effective values (override or YAML), for properties that can change while playing.
float effective_threshold_scale(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings);
int effective_keyframe_interval(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings);
float effective_score_threshold(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings);
float effective_track_score_off(const dcnn::DeploymentConfig& config,
                                const ElementSettings& settings);
float effective_refine_margin(const dcnn::DeploymentConfig& config,
                              const ElementSettings& settings);

// Settings asked for that do nothing in this deployment (a tracker setting with the tracker off),
// as warnings naming the property or YAML key and what would make it count. Only what was set on
// purpose: a shipped YAML's tracker.refine_margin under tracker=off is no mistake, the property
// refine-margin under it is.
std::vector<std::string> ignored_setting_warnings(const dcnn::DeploymentConfig& config,
                                                  const ElementSettings& settings);

}  // namespace deltacnn_gst
