// What one processed frame yields: objects in frame pixel coordinates plus the engine's
// numbers. The GStreamer element turns these into metas; tools compare them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dcnn {

struct Keypoint {
  float x = 0.f;  // frame pixels
  float y = 0.f;
  float score = 0.f;
};

struct Detection {
  int id = -1;  // stable across frames: the track id (or IoU-matched id, tracker off); -1 before
  int label_id = 0;
  std::string label;
  float confidence = 0.f;
  float x_min = 0.f, y_min = 0.f, x_max = 0.f, y_max = 0.f;  // frame pixels
  std::vector<Keypoint> keypoints;  // empty for detection models
  // Frames since the object's track was first seen, 1 on its first frame (engine/track);
  // 0 when the tracker is off and `id` comes from previous-frame IoU matching only.
  int track_age = 0;
  // Names of the zones (YAML `zones:`, engine/zones) the object is in, in the order the file
  // lists them; empty without zones.
  std::vector<std::string> zones;
};

struct LayerStat {
  std::string name;  // ONNX node name
  std::string op;    // engine op ("Conv", "Activation", ...)
  float active = 1.f;  // fraction of output pixels updated this frame
  bool dense = true;   // ran dense (keyframe, dense mode, or above break-even)
  double ms = 0.0;     // wall time of the node, 0 when per-layer timing is off
  // CPU, recompute form, delta frames: the index of the layer whose kernel computes this one's
  // output where it needs it (a fused pair or chain: the output has no map), so that layer's
  // `ms` includes this one's work and this one's is near 0. -1: computed by its own kernel.
  int computed_in = -1;
  // CPU recompute form: fraction of output pixels computed (the candidates: pixels whose inputs'
  // footprint changed), >= active; the ones that did not fire were computed for nothing.
  float computed = 1.f;
};

struct FrameStats {
  int64_t frame_index = 0;   // frames since the last reset
  bool keyframe = true;      // dense pass (first frame, reset, periodic keyframe, busy scene, dense mode)
  float input_active = 1.f;  // fraction of input pixels above the input threshold
  float mean_active = 1.f;   // mean over layers of the active fraction, weighted by layer cost
  float input_masked = 0.f;  // fraction of input pixels under the YAML's masks (never active)
  std::vector<LayerStat> layers;
  double preprocess_ms = 0.0;
  double infer_ms = 0.0;  // Executor::submit() to finish(): with streams stepped together, their GPU time overlaps
  double decode_ms = 0.0;
  // Stabilised delta input (docs/stabilize.md): time spent, the camera shift the network's
  // input was moved back by (model pixels) and the exposure map applied (1, 0: none): frame ~
  // exposure_gain * what the network saw + exposure_offset.
  double stabilize_ms = 0.0;
  float shift_x = 0.f, shift_y = 0.f;
  float exposure_gain = 1.f, exposure_offset = 0.f;
  float shift_confidence = 1.f;  // the shift estimate's phase-correlation peak
  // The stabiliser started a new reference here, or settled the exposure the network is fed
  // (stabilize.exposure_settle): either way a keyframe.
  bool new_reference = false;
  // A delta frame run again dense because a track decision hung on a score within
  // tracker.refine_margin of a cut-off (keyframe is then true; infer_ms holds both runs).
  bool refined = false;
  // CUDA: graphs this stream has recorded so far (0 on the CPU or with graphs off). It should
  // stop growing after a few frames; if it keeps growing the per-frame choices keep changing and
  // every frame pays a capture and instantiation.
  int64_t graphs_recorded = 0;
  // CUDA: nodes (kernels, copies, memsets) of this frame's graph; 0 when it launched directly.
  int64_t graph_nodes = 0;
  std::string backend;  // "cpu" or "cuda"
  std::string mode;     // "delta" or "dense"
};

enum class Task { Pose, Detection };

// Static facts about a loaded model that metadata and overlays need.
struct ModelInfo {
  std::string name;
  Task task = Task::Detection;
  int input_width = 0, input_height = 0;
  std::vector<std::string> labels;                // label_id -> name
  std::vector<std::string> keypoint_names;        // pose only
  std::vector<std::pair<int, int>> skeleton;      // pose only: keypoint index pairs
  std::vector<std::string> heads;                 // head tensor names
};

struct FrameResult {
  std::vector<Detection> objects;
  FrameStats stats;
};

}  // namespace dcnn
