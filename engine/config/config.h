// A deployment: one YAML file per model (configs/*.yaml), parsed into this validated struct.
// Schema and defaults are documented in the README ("YAML deployment files"). Every error
// names the file, the key path (e.g. "delta.layer_thresholds.conv_3") and the expected value.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/precision.h"
#include "engine/stabilize/stabilize_settings.h"
#include "engine/track/tracker_settings.h"
#include "engine/zones/zone_settings.h"

namespace dcnn {

enum class ColorOrder { RGB, BGR };
enum class ResizeKind { Stretch, Letterbox };
enum class DecoderKind { MoveNetMultiPose, MoveNetSinglePose, PoseNet, CenterNet };

struct InputConfig {
  int width = 0;   // model input size (pixels)
  int height = 0;
  ColorOrder color = ColorOrder::RGB;
  // The engine feeds the model (pixel - mean) / std per channel, pixels in 0..255. Identity
  // (mean 0, std 1) for models that normalise inside the graph (MoveNet) or want raw 0..255.
  float mean[3] = {0.f, 0.f, 0.f};
  float std[3] = {1.f, 1.f, 1.f};
  ResizeKind resize = ResizeKind::Stretch;
  float pad_value = 0.f;  // letterbox border, in 0..255 pixel units
};

struct DecoderConfig {
  DecoderKind kind = DecoderKind::CenterNet;
  float score_threshold = 0.3f;     // objects below are dropped
  float keypoint_threshold = 0.3f;  // pose: keypoints below are reported with their score but not drawn
  int max_objects = 100;
  float nms_iou = 0.5f;             // 0 disables NMS
  int output_stride = 4;            // heads' stride relative to the model input
  std::vector<std::string> labels;  // label_id -> name (inline list or labels_file)
};

struct DeltaConfig {
  float input_threshold = 8.f;  // max-over-channels |pixel change| (0..255 units) to mark a pixel active
  int input_dilation = 0;       // grow the input mask by this many pixels (sensor-noise recipe)
  int input_block = 0;          // tile size of the block-mean change test, 0 = off
  float input_block_threshold = 2.f;  // mean |change| over a tile (0..255 units) that activates it
  float threshold = 0.05f;      // default per-layer truncation threshold eps
  float threshold_scale = 1.f;  // global multiplier of every eps (element property delta-threshold)
  std::map<std::string, float> layer_thresholds;  // ONNX node name -> eps (before scaling)
  int keyframe_interval = 300;  // dense refresh every N frames; 0 = never
  // Busy scenes: a delta frame above this MAC-weighted active fraction is followed by dense
  // keyframes until a probe finds the scene calm (engine/exec/keyframe_policy.h); 1 = never.
  float keyframe_break_even = 1.f;
  float dense_break_even = 0.4f;  // per layer: run dense when the active fraction is above this
  // delta.path_choice: "break_even" (dense_break_even decides for every layer) or "measured"
  // (each layer by the measured cost of its two forms; recompute form only).
  bool measured_path_choice = false;
  // Truncate the outputs of linear layers (convs, adds, affines without activation) too, as
  // pure truncation layers (identity g): stops masks from growing through projection convs and
  // residual adds. Exact bookkeeping is kept either way.
  bool truncate_linear = false;
  // Output heads run dense on their accumulated input above this changed fraction (1 = never).
  float head_dense_break_even = 0.25f;
  // delta.form: how the CPU backend keeps delta state (DeltaSettings::form): false =
  // "propagate" (accumulators and residuals), true = "recompute" (stored maps).
  bool recompute = false;
};

struct DeploymentConfig {
  std::string source;      // absolute path of the YAML file ("" when built in code)
  std::string name;        // model.name
  std::string model_path;  // model.onnx, resolved relative to the YAML file
  // model.precision: what Model::load compiles unless ModelOptions names one (fp32 default).
  Precision precision = Precision::F32;
  InputConfig input;
  DecoderConfig decoder;
  DeltaConfig delta;
  // tracker: block. score_on is decoder.score_threshold and keypoint_score
  // decoder.keypoint_threshold (one source for each); score_off defaults to score_on.
  TrackerSettings tracker;
  // stabilize: block (docs/stabilize.md); both off by default.
  StabilizeSettings stabilize;
  // zones: and masks: blocks (engine/zones; README "Zones and masks"); empty when absent.
  zones::ZonesConfig zones;
};

// Parses and validates; throws dcnn::Error (NotFound for a missing file, Config otherwise).
DeploymentConfig load_config(const std::string& yaml_path);
// Same from text; relative paths resolve against base_dir.
DeploymentConfig parse_config(const std::string& yaml_text, const std::string& source_name,
                              const std::string& base_dir);

}  // namespace dcnn
