// The engine's front door, used by the GStreamer element, the tools and the end-to-end tests:
// a Model (loaded once, shareable between streams: one copy of the weights) and a Stream (one
// camera: pre-processing, per-stream delta state, decoding, tracking).
//
//   auto cfg = dcnn::load_config("configs/movenet-multipose.yaml");
//   auto model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Auto, 0});
//   dcnn::Stream stream(model, dcnn::StreamOptions::from(cfg));
//   dcnn::FrameResult r = stream.process(image_view);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/head_views.h"
#include "engine/api/results.h"
#include "engine/config/config.h"
#include "engine/decode/decoder.h"
#include "engine/exec/executor.h"
#include "engine/pre/preprocess.h"
#include "engine/stabilize/stabilize_settings.h"
#include "engine/track/decision_margin.h"
#include "engine/track/tracker.h"
#include "engine/zones/frame_zones.h"
#include "engine/zones/zone_membership.h"

namespace dcnn {

enum class BackendChoice { Auto, Cpu, Cuda };

struct ModelOptions {
  BackendChoice backend = BackendChoice::Auto;  // Auto: CUDA when a usable GPU is present
  int device_id = 0;
  // Precision (engine/core/precision.h); unset: the YAML's model.precision. F16 applies to the
  // CUDA backend: with backend Auto on a machine without a usable GPU the CPU runs fp32; with
  // backend Cpu it is a Config error. BF16 applies to the CPU backend: asked for here on CUDA it
  // is a Config error, from the YAML CUDA runs fp32; a CPU without AVX-512 BF16 runs fp32. Each
  // fallback is said in Model::warnings().
  std::optional<Precision> precision;
};

// True when the engine was built with CUDA and a usable GPU is present (never throws).
bool cuda_available(std::string* why_not = nullptr);

class Model {
 public:
  // Imports cfg.model_path at cfg.input size, runs the graph passes, compiles the ops and checks
  // that the decoder's heads exist. Throws dcnn::Error naming the file / node / head at fault;
  // backend Cuda without a usable GPU is Error(Device).
  static std::shared_ptr<Model> load(const DeploymentConfig& cfg, const ModelOptions& options);

  const DeploymentConfig& config() const { return config_; }
  const ModelInfo& info() const { return info_; }
  Backend backend() const { return backend_; }
  Precision precision() const;  // what the model was compiled with (fp32 or bf16 on the CPU)
  const std::shared_ptr<const CompiledModel>& compiled() const { return compiled_; }
  const Decoder& decoder() const { return *decoder_; }
  // What the loader did not do as asked, for the caller to tell the user once (the element
  // posts each as a GST_ELEMENT_WARNING, the tools print them): backend auto running on the CPU
  // and why, an input size the model was not made for. Empty when everything is as asked.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Model() = default;
  DeploymentConfig config_;
  ModelInfo info_;
  Backend backend_ = Backend::Cpu;
  std::shared_ptr<const CompiledModel> compiled_;
  std::unique_ptr<Decoder> decoder_;
  std::vector<std::string> warnings_;
};

class InputStabilizer;   // engine/stabilize/input_stabilizer.h (keeps OpenCV out of this header)
struct StabilizeResult;

struct StreamOptions {
  ExecMode mode = ExecMode::Delta;
  DeltaSettings delta;
  float score_threshold = -1.f;  // < 0: the config's decoder.score_threshold
  bool time_layers = false;
  // The config's tracker block. Its score_on is replaced by the stream's score threshold (the
  // line above), so there is one cut-off where objects start; score_off above it acts as it.
  TrackerSettings tracker;
  // The config's stabilize block (docs/stabilize.md): applied to delta-mode streams only.
  StabilizeSettings stabilize;
  // The config's zones and masks (engine/zones): rasterised into the model input and mapped to
  // the frame's pixels on the first frame and on every new frame size.
  zones::ZonesConfig zones;

  static StreamOptions from(const DeploymentConfig& cfg);
};

class Stream {
 public:
  Stream(std::shared_ptr<const Model> model, StreamOptions options);
  ~Stream();

  // Pre-process, run (dense or delta), decode, track (or assign ids, tracker off). Results are
  // in frame pixels. A frame size different from the previous one resets the delta state
  // first. On the CUDA backend the pre-processing runs on the GPU (Executor::submit_frame); on
  // the CPU, engine/pre. `pts`: the frame's stream time in ns (-1: unknown), kept in the
  // tracks' first/last seen.
  FrameResult process(const ImageView& frame, int64_t pts = -1);
  // Same, from an already pre-processed model input (H*W*3 floats, 0..255) of a frame of the
  // given size: used by tools and tests that share one pre-processed input between streams.
  FrameResult process_input(const float* model_input, int frame_width, int frame_height,
                            int64_t pts = -1);

  void reset();  // next frame runs dense and re-initialises every state (flush, discont, caps)
  // Readies the stream for frames of this size before the first one comes: checks the size and
  // places the zones and masks in its pixels, throwing what that frame would (Error(Config) for
  // a zone outside the frame, Error(Input) for a size of 0). The element calls it when caps are
  // set and on a reloaded deployment, so a YAML that does not fit the running video is refused
  // there and not at a frame.
  void prepare_frame_size(int frame_width, int frame_height);
  void set_mode(ExecMode mode);  // Error(Memory), stream unchanged, when the mode's buffers do not fit
  void set_threshold_scale(float scale);
  void set_keyframe_interval(int interval);
  // With the tracker on, the threshold is where tracks start (score_on).
  void set_score_threshold(float threshold);
  void set_track_score_off(float score_off);  // [0, 1]; tracker on only
  void set_refine_margin(float margin);        // [0, 0.5]; tracker on, delta mode only

  const Model& model() const { return *model_; }
  const Executor& executor() const { return *executor_; }
  // The stream's tracker (its live and ended tracks); nullptr when the tracker is off.
  const Tracker* tracker() const { return options_.tracker.enabled ? &tracker_ : nullptr; }
  // The tracker's settings as they apply now (score_on = the stream's score threshold).
  TrackerSettings tracker_settings() const;
  // The zones each live tracked object is in (after inertia), by track id: what track events
  // carry (TrackEventBuilder). Empty without zones or with the tracker off.
  const std::map<int, std::vector<std::string>>& track_zones() const {
    return zone_membership_.zones_by_track();
  }
  // The heads of the last frame, valid until the next frame or heads() call: whole maps, or
  // for a head the decoder reads at a few cells (Decoder::cell_heads) in a delta frame,
  // computed at the cells it asks for (HeadView::at).
  std::vector<HeadView> heads() const;
  // What the stream does not do as asked, for the caller to tell the user once (the element
  // posts each as a GST_ELEMENT_WARNING): stabilize on the CUDA backend, whose executor takes
  // the frame itself, so no host-side stabiliser can move it; layer thresholds the recompute
  // form does not read (Executor::warnings); and, from the first frame of a size on, masks that
  // cover the whole frame (it grows then: callers check again after a frame). Empty when
  // everything is as asked.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  // Sets one of the tracker's numbers after checking it is in [0, most].
  void set_tracker_value(float TrackerSettings::*field, float value, float most, const char* key);
  // Resets on a new frame size, runs `run` (which runs the executor on this frame), decodes.
  // `run_again_dense`: runs the executor once more on the same input as a keyframe, for a delta
  // frame whose track decisions hang on tracker.refine_margin. `shift` (model pixels): where
  // the network saw the frame's content (a stabilised input), read after `run`; objects are
  // moved back by it.
  FrameResult run_and_decode(int frame_width, int frame_height, int64_t pts,
                             const std::function<void()>& run,
                             const std::function<void()>& run_again_dense,
                             const StabilizeResult* shift = nullptr);
  float score_threshold() const;  // the option, or the config's when unset
  // A new frame size: zones and masks in its pixels, the masks rasterised into the model input
  // (geometry) and handed to the executor's change test. Throws Error(Config) for pixel
  // coordinates outside this frame.
  void place_zones(const FrameGeometry& geometry);
  // place_zones unless they are placed for this frame size already.
  void place_zones_for(const FrameGeometry& geometry);

  std::shared_ptr<const Model> model_;
  StreamOptions options_;
  Preprocessor preprocessor_;
  std::unique_ptr<Executor> executor_;
  // heads(): per output, the cells computed on demand this frame.
  mutable HeadCellCache cell_cache_;
  IdAssigner ids_;     // tracker off
  Tracker tracker_;    // tracker on
  RefineBudget refine_budget_;  // tracker.refine_margin: how many recent frames were refined
  std::vector<float> input_;
  // Delta mode with stabilize on: moves the input into the reference's geometry and exposure
  // (into a buffer of its own, which the executor then reads).
  std::unique_ptr<InputStabilizer> stabilizer_;
  double stabilize_ms_ = 0.0;
  std::vector<std::string> warnings_;
  int last_width_ = 0, last_height_ = 0;
  std::unique_ptr<zones::FrameZones> frame_zones_;  // null until a frame came, or without zones
  zones::ZoneMembership zone_membership_;
  float input_masked_ = 0.f;
  // Model-input pixels (y * width + x) of the masks with fill: blank, set to the pad value in
  // every frame before the executor reads it (place_zones; CPU pre-processing only).
  std::vector<int32_t> blank_pixels_;
  std::vector<float> blanked_;  // the blanked copy of an input the stream does not own
  // The input the executor reads: model_input with the blank masks applied.
  const float* apply_blank_masks(const float* model_input);
};

}  // namespace dcnn
