// The engine's front door: Model (import + passes + compile + decoder, shared by streams) and
// Stream (pre-processing, per-stream executor state, decoding, tracking).
#include "engine/api/deltacnn.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <new>
#include <sstream>

#include "engine/config/delta_settings.h"
#include "engine/core/error.h"
#include "engine/core/memory_budget.h"
#include "engine/decode/input_size_rules.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/cuda_backend.h"
#include "engine/stabilize/input_stabilizer.h"
#include "engine/zones/mask_raster.h"
#include "engine/zones/object_filter.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"
#include "engine/ir/shape_inference.h"


namespace dcnn {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// `fallback` gets why backend auto runs on the CPU ("" when it runs on the GPU or was not auto).
Backend choose_backend(const ModelOptions& options, const std::string& model_name,
                       std::string* fallback) {
  std::string why;
  switch (options.backend) {
    case BackendChoice::Cpu: return Backend::Cpu;
    case BackendChoice::Auto:
      if (cuda_available(&why)) return Backend::Cuda;
      *fallback = why;
      return Backend::Cpu;
    case BackendChoice::Cuda:
      if (!cuda_available(&why)) {
        throw Error(ErrorKind::Device, "model '" + model_name + "': backend 'cuda' was requested but " +
                                           why + "; expected a usable NVIDIA GPU, or backend cpu/auto");
      }
      return Backend::Cuda;
  }
  return Backend::Cpu;
}

}  // namespace

bool cuda_available(std::string* why_not) {
  const cuda_exec::CudaBackendApi* cuda = cuda_exec::cuda_backend(why_not);
  return cuda && cuda->device_available(why_not);
}

std::shared_ptr<Model> Model::load(const DeploymentConfig& cfg, const ModelOptions& options) {
  std::shared_ptr<Model> model(new Model());
  model->config_ = cfg;
  std::string fallback;
  model->backend_ = choose_backend(options, cfg.name, &fallback);

  ir::ImportOptions import;
  import.input_width = cfg.input.width;
  import.input_height = cfg.input.height;
  // What a process short of memory hears instead of a bare std::bad_alloc: the model, its
  // size, the step and the memory left.
  const auto out_of_memory = [&cfg](const char* doing) {
    const MemoryBudget budget = memory_budget();
    return Error(ErrorKind::Memory, "model '" + cfg.name + "' (" + cfg.model_path + ") at " +
                                        std::to_string(cfg.input.width) + "x" + std::to_string(cfg.input.height) +
                                        ": out of memory while " + doing + " it (" + megabytes(budget.bytes) +
                                        " more may be taken, " + budget.limit + ")");
  };
  ir::Graph graph;
  try {
    graph = ir::import_onnx(cfg.model_path, import);
  } catch (const Error& e) {
    try {
      rethrow_import_error(cfg, e);  // a size off the grid or too large: named by its keys
    } catch (const Error& named) {
      // The model file's own errors name that file and its node; which deployment asked for
      // it is the YAML's (the file may come from its model.onnx or the element's model property).
      const std::string what = named.what();
      if (cfg.source.empty() || what.rfind(cfg.source, 0) == 0) throw;
      throw Error(named.kind(), cfg.source + " (model '" + cfg.name + "'): " + what);
    }
  } catch (const std::bad_alloc&) {  // the protobuf and the graph
    throw out_of_memory("importing");
  }
  try {
    ir::run_default_passes(graph);
    ir::infer_shapes(graph);
  } catch (const std::bad_alloc&) {  // folded constants, fused weights
    throw out_of_memory("importing");
  }

  // An image model takes three channels (the frame is converted to RGB or BGR for it). Said
  // here, with the files and the input's name: the executor's own check knows neither.
  const ir::Tensor& image = graph.tensor(graph.input);
  if (image.shape.c != 3)
    throw Error(ErrorKind::Unsupported,
                (cfg.source.empty() ? std::string() : cfg.source + " (model '" + cfg.name + "'): ") + cfg.model_path +
                    ": input '" + image.name + "' has " + std::to_string(image.shape.c) +
                    " channel" + (image.shape.c == 1 ? "" : "s") +
                    "; expected 3 (an RGB or BGR image: frames are converted to three channels for the model)");

  // The decoder checks its heads before the (slower) compile, so a config naming the wrong
  // decoder fails fast with the list of outputs the model really has.
  std::vector<std::string> heads;
  for (int id : graph.outputs) heads.push_back(graph.tensor(id).name);
  try {
    model->decoder_ = make_decoder(cfg.decoder, heads);
  } catch (const Error& e) {
    // Which file says which decoder, and which model lacks its heads: the usual cause is a
    // config copied from another model's, or model.onnx pointing at the wrong file.
    throw Error(e.kind(), (cfg.source.empty() ? "model '" + cfg.name + "'" : cfg.source) +
                              ": decoder.type " + decoder_name(cfg.decoder.kind) + " on " +
                              cfg.model_path + ": " + e.what());
  }
  // The right decoder, so its size rules apply: a size off the grid may import cleanly and
  // still decode every point a little off (MoveNet at 193: 48 head cells read as 193 px).
  const std::string size_warning = check_graph_fits_config(cfg, graph);
  if (!size_warning.empty()) model->warnings_.push_back(size_warning);

  InputNormalization norm;
  for (int c = 0; c < 3; ++c) {
    norm.mean[c] = cfg.input.mean[c];
    norm.std[c] = cfg.input.std[c];
  }
  const Precision wanted = options.precision.value_or(cfg.precision);
  // Asked for explicitly where it cannot run: an error. Else (auto without a GPU for fp16; the
  // YAML's bf16, which a fleet's shared config names for its newer CPU boxes, on a GPU or an older
  // CPU) fp32 runs, said once.
  if (wanted == Precision::F16 && model->backend_ == Backend::Cpu && options.backend == BackendChoice::Cpu)
    throw Error(ErrorKind::Config, "model '" + cfg.name + "': precision 'fp16' needs backend 'cuda' "
                                   "(the CPU backend stores fp32); expected precision fp32 or bf16, or "
                                   "backend cuda/auto");
  if (wanted == Precision::BF16 && model->backend_ == Backend::Cuda && options.precision)
    throw Error(ErrorKind::Config, "model '" + cfg.name + "': precision 'bf16' is the CPU backend's "
                                   "(AVX-512 BF16 GEMMs); expected fp32 or fp16 on backend cuda, or "
                                   "backend cpu");
  std::string why;
  const Precision precision = runnable_precision(wanted, model->backend_, &why);
  if (!why.empty() && wanted != Precision::F16)
    model->warnings_.push_back("model '" + cfg.name + "': precision bf16 runs as fp32: " + why);
  if (!fallback.empty()) {
    // Said once at load: a CPU run is several times slower than the GPU the user may expect.
    model->warnings_.push_back("model '" + cfg.name + "': backend auto runs on the CPU: " + fallback +
                               (wanted == Precision::F16 ? "; precision fp16 runs as fp32 there" : ""));
  }
  try {
    model->compiled_ =
        compile_model(std::move(graph), model->backend_, norm, options.device_id, precision);
  } catch (const std::bad_alloc&) {  // the weights in their kernel layouts, oneDNN's primitives
    throw out_of_memory("compiling");
  }

#ifdef __GLIBC__
  // The import's protobuf, the graph's copies and the fp32 weights a bf16 model repacks are
  // free now, in glibc's heap: give them back. The streams' maps are mappings of their own
  // (AlignedBuffer) and never reuse that heap, so without this it stayed resident (MultiPose
  // bf16, 30 frames: a delta element's peak 343 -> 293 MB, a dense one's 214 -> 168 MB).
  malloc_trim(0);
#endif

  model->info_ = model->decoder_->info();
  model->info_.name = cfg.name;
  model->info_.input_width = cfg.input.width;
  model->info_.input_height = cfg.input.height;
  model->info_.heads = heads;
  return model;
}

Precision Model::precision() const { return compiled_->precision(); }

StreamOptions StreamOptions::from(const DeploymentConfig& cfg) {
  StreamOptions o;
  o.mode = ExecMode::Delta;
  o.delta = to_delta_settings(cfg.delta);
  o.score_threshold = cfg.decoder.score_threshold;
  o.tracker = cfg.tracker;
  o.stabilize = cfg.stabilize;
  o.zones = cfg.zones;
  return o;
}

namespace {

DeltaSettings settings_of(const StreamOptions& options, Backend backend) {
  DeltaSettings s = options.delta;
  s.time_layers = s.time_layers || options.time_layers;
  // A stabilised input changes its sub-pixel phase on every frame it is moved
  // (docs/stabilize.md); Stream::process_input switches the test per frame.
  if (options.stabilize.shift && backend == Backend::Cpu) s.input_phase_tolerant = true;
  return s;
}

// The executor checks the delta settings against the model (layer_thresholds names, values);
// its messages name the key and the model, and the YAML they came from is added here, as every
// other error of a deployment file names it.
std::unique_ptr<Executor> make_executor(const Model& model, const StreamOptions& options) {
  try {
    return std::make_unique<Executor>(model.compiled(), options.mode, settings_of(options, model.backend()));
  } catch (const Error& e) {
    const std::string& yaml = model.config().source;
    if (e.kind() != ErrorKind::Config || yaml.empty() || std::string(e.what()).find(yaml) != std::string::npos)
      throw;
    throw Error(ErrorKind::Config, yaml + ": " + e.what());
  }
}

}  // namespace

Stream::Stream(std::shared_ptr<const Model> model, StreamOptions options)
    : model_(std::move(model)),
      options_(std::move(options)),
      preprocessor_(model_->config().input),
      executor_(make_executor(*model_, options_)),
      tracker_(tracker_settings()),
      input_(size_t(model_->config().input.width) * model_->config().input.height * 3),
      zone_membership_(options_.zones.zones) {
  // Blank masks are applied to the pre-processed frame on the host (apply_blank_masks); the CUDA
  // backend pre-processes on the GPU. Refused here, at start, rather than at the first frame.
  const bool blank_masks = std::any_of(options_.zones.masks.begin(), options_.zones.masks.end(),
                                       [](const zones::MaskSettings& m) { return m.fill == zones::MaskFill::Blank; });
  if (blank_masks && executor_->takes_frames())
    throw Error(ErrorKind::Config, options_.zones.source + ": masks with fill: blank need the CPU backend's "
                                   "pre-processing (the CUDA backend pre-processes on the GPU); expected "
                                   "fill: last on the CUDA backend, or backend cpu");
  // A zone's labels against the model's: the YAML check sees only decoder.labels when the file
  // lists them, and a pose model's "person" or CenterNet's COCO names are the decoder's own. A
  // typo ("Person") made the zone silently match nothing.
  const std::vector<std::string>& labels = model_->info().labels;
  for (const zones::ZoneSettings& zone : options_.zones.zones)
    for (const std::string& label : zone.labels)
      if (std::find(labels.begin(), labels.end(), label) == labels.end())
        throw Error(ErrorKind::Config,
                    options_.zones.source + ": zone '" + zone.name + "': labels: '" + label +
                        "' is not a label of model '" + model_->info().name + "'; expected one of its " +
                        std::to_string(labels.size()) + " labels (e.g. '" +
                        (labels.empty() ? std::string() : labels.front()) + "')");
  query_cell_heads(model_->decoder(), *executor_);
  warnings_ = executor_->warnings();
  if (options_.stabilize.enabled()) {
    if (executor_->takes_frames()) {
      // Not an error: one YAML serves CPU and GPU boxes (backend auto), and an unstabilised
      // stream is still correct, only busier on a shaking camera. Silent only where the YAML's
      // `auto` asked for it (docs/stabilize.md); asked for explicitly, a warning.
      if (!options_.stabilize.only_where_supported)
        warnings_.push_back("model '" + model_->config().name +
                          "': stabilize (shift/exposure) is not applied on the CUDA backend, which "
                          "pre-processes the frame on the GPU; the stream runs unstabilised "
                          "(expected backend cpu for stabilisation, or stabilize off)");
    } else {
      stabilizer_ = std::make_unique<InputStabilizer>(options_.stabilize, model_->config().input.width,
                                                      model_->config().input.height);
    }
  }
}

Stream::~Stream() = default;

FrameResult Stream::process(const ImageView& frame, int64_t pts) {
  if (executor_->takes_frames()) {
    // The CUDA backend pre-processes on the GPU: the frame goes to the executor as it is.
    check_image_view(frame);
    const FramePlacement placement = preprocessor_.placement(frame.width, frame.height);
    double staging_ms = 0.0;
    const auto submit = [&] {
      const auto t0 = Clock::now();
      executor_->submit_frame(frame, placement);
      staging_ms += ms_since(t0);
      executor_->finish();
    };
    FrameResult r = run_and_decode(frame.width, frame.height, pts, submit, [&] {
      executor_->repeat_as_keyframe();
      submit();
    });
    r.stats.preprocess_ms = staging_ms;  // host part: packing the planes; the rest is in infer_ms
    return r;
  }
  const auto t0 = Clock::now();
  preprocessor_.run(frame, input_.data());
  const double preprocess_ms = ms_since(t0);
  FrameResult r = process_input(input_.data(), frame.width, frame.height, pts);
  r.stats.preprocess_ms = preprocess_ms;
  return r;
}

FrameResult Stream::process_input(const float* model_input, int frame_width, int frame_height,
                                  int64_t pts) {
  if (!model_input) throw Error(ErrorKind::Input, "stream: model input is null; expected H*W*3 floats");
  StabilizeResult shift;
  const float* fed = nullptr;  // what the executor ran on: a refined frame runs it again
  return run_and_decode(
      frame_width, frame_height, pts,
      [&] {
        // No stabiliser on the CUDA backend (the constructor's warning), so none runs there.
        if (!stabilizer_ || options_.mode != ExecMode::Delta) {
          fed = apply_blank_masks(model_input);
          return executor_->run(fed);
        }
        const auto t0 = Clock::now();
        // A frame that runs dense anyway may renew a moved camera's reference (input_stabilizer.h).
        // The stabiliser sees the picture as it came: a blanked mask is an edge that never moves,
        // and it pulled the shift toward none (vtest shaken by 0-3 px with the example's
        // right-third mask: errors up to 3.75 px, against 0.74 without the mask).
        shift = stabilizer_->apply(model_input, executor_->next_frame_dense());
        // A new reference (first frame, a pan, a scene cut, a moved camera's dense frame): the
        // delta state refers to the old one. The stream goes on (frame index, tracks).
        if (shift.new_reference) executor_->force_keyframe();
        // The phase-tolerant test only where the stabiliser resampled or re-mapped the frame: on a
        // frame left as it came (a still, steady camera) a change within the local contrast is
        // real (vtest, 795 frames: kpt_agree 0.985 with the tolerant test on every frame, 0.990
        // without; docs/stabilize.md).
        if (options_.stabilize.shift) executor_->set_input_phase_tolerant(shift.applied());
        stabilize_ms_ = ms_since(t0);
        // Blanked after the move, so a mask stays where the YAML put it in the model input.
        fed = apply_blank_masks(shift.frame);
        executor_->run(fed);
      },
      [&] {
        executor_->repeat_as_keyframe();
        executor_->run(fed);
      },
      &shift);
}

FrameResult Stream::run_and_decode(int frame_width, int frame_height, int64_t pts,
                                   const std::function<void()>& run,
                                   const std::function<void()>& run_again_dense,
                                   const StabilizeResult* shift) {
  // Validates the size (Error(Input) for zero sizes) before any state changes.
  FrameGeometry geometry = preprocessor_.geometry(frame_width, frame_height);
  if (last_width_ != 0 && (frame_width != last_width_ || frame_height != last_height_)) {
    // New geometry: every delta state refers to a different image, and ids to other boxes.
    reset();
  }
  place_zones_for(geometry);
  last_width_ = frame_width;
  last_height_ = frame_height;

  stabilize_ms_ = 0.0;
  const auto t0 = Clock::now();
  run();
  const double infer_ms = ms_since(t0) - stabilize_ms_;
  if (shift) {
    // The network saw frame(x + d) at x: what it found at x is at x + d in the model input.
    geometry.pad_x -= float(shift->dx);
    geometry.pad_y -= float(shift->dy);
  }

  const auto t1 = Clock::now();
  double refine_ms = 0.0;
  bool refined = false;
  FrameResult r;
  if (options_.tracker.enabled) {
    // Candidates down to score_off: the tracker keeps a track alive on them and publishes.
    // Delta frames whose decisions hang on a few hundredths of score (about what delta
    // differs from dense by) run again dense, as keyframes for the frames after them too.
    const bool ran_dense = options_.mode != ExecMode::Delta || executor_->stats().keyframe;
    const std::vector<Detection> candidates = refined_candidates(
        tracker_, ran_dense, refine_budget_,
        [&](float lowest) {
          std::vector<Detection> found = model_->decoder().decode(heads(), geometry, lowest);
          if (frame_zones_) zones::drop_masked_objects(found, options_.zones, *frame_zones_);
          return found;
        },
        [&] {
          const auto t_refine = Clock::now();
          run_again_dense();
          refine_ms = ms_since(t_refine);
        },
        refined, pts);
    r.objects = tracker_.update(candidates, pts);
    zone_membership_.assign(r.objects, tracker_.tracks());
  } else {
    r.objects = model_->decoder().decode(heads(), geometry, score_threshold());
    if (frame_zones_) zones::drop_masked_objects(r.objects, options_.zones, *frame_zones_);
    ids_.assign(r.objects);
    zone_membership_.assign(r.objects, {});
  }
  const double decode_ms = ms_since(t1) - refine_ms;

  r.stats = executor_->stats();
  r.stats.infer_ms = infer_ms + refine_ms;
  r.stats.refined = refined;
  r.stats.decode_ms = decode_ms;
  if (shift) {
    r.stats.stabilize_ms = stabilize_ms_;
    r.stats.shift_x = float(shift->dx);
    r.stats.shift_y = float(shift->dy);
    // As a gain and offset the network's input was divided out of (frame ~ gain * fed + offset):
    // the fit against the reference, relative to the settled target exposure.
    const double gain = shift->gain / shift->target_gain;
    const double offset = shift->offset - shift->target_offset * gain;
    r.stats.exposure_gain = shift->exposure_compensated ? float(gain) : 1.f;
    r.stats.exposure_offset = shift->exposure_compensated ? float(offset) : 0.f;
    r.stats.shift_confidence = float(shift->confidence);
    r.stats.new_reference = shift->new_reference;
  }
  r.stats.input_masked = input_masked_;
  r.stats.backend = to_string(model_->backend());
  r.stats.mode = options_.mode == ExecMode::Dense ? "dense" : "delta";
  return r;
}

void Stream::prepare_frame_size(int frame_width, int frame_height) {
  place_zones_for(preprocessor_.geometry(frame_width, frame_height));
}

void Stream::place_zones_for(const FrameGeometry& geometry) {
  if (!frame_zones_ || frame_zones_->frame_width != geometry.frame_width ||
      frame_zones_->frame_height != geometry.frame_height)
    place_zones(geometry);
}

void Stream::place_zones(const FrameGeometry& geometry) {
  if (options_.zones.empty()) return;
  auto placed = std::make_unique<zones::FrameZones>(
      zones::FrameZones::make(options_.zones, geometry.frame_width, geometry.frame_height));
  if (!placed->masks.empty()) {
    const std::vector<uint8_t> ignore = zones::rasterize(placed->masks, geometry);
    executor_->set_input_ignore_mask(ignore);
    const auto masked = std::count(ignore.begin(), ignore.end(), uint8_t{1});
    input_masked_ = ignore.empty() ? 0.f : float(double(masked) / double(ignore.size()));
    // Masked objects are dropped: masks over the whole picture find nothing, for ever, and
    // without this nothing says why (a mask drawn on a larger camera's picture, or in pixels
    // of a smaller one).
    // (Compared with the frame's own pixels in the model input: letterbox padding is never
    // masked.)
    const double w = geometry.frame_width, h = geometry.frame_height;
    const std::vector<uint8_t> frame = zones::rasterize({{{0, 0}, {w, 0}, {w, h}, {0, h}}}, geometry);
    size_t frame_only = 0;  // frame pixels the masks leave free
    for (size_t p = 0; p < frame.size() && p < ignore.size(); ++p) frame_only += frame[p] && !ignore[p];
    if (masked > 0 && frame_only == 0) {
      const std::string warning =
          "model '" + model_->config().name + "': the masks cover the whole " +
          std::to_string(geometry.frame_width) + "x" + std::to_string(geometry.frame_height) +
          " frame, so no object can be found; expected masks over part of the picture (YAML "
          "masks:, in frame pixels, or 0..1 with units: normalized)";
      if (std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end())
        warnings_.push_back(warning);
    }
    std::vector<zones::Polygon> blank;
    for (size_t i = 0; i < placed->masks.size(); ++i)
      if (options_.zones.masks[i].fill == zones::MaskFill::Blank) blank.push_back(placed->masks[i]);
    blank_pixels_.clear();
    if (!blank.empty()) {
      const std::vector<uint8_t> raster = zones::rasterize(blank, geometry);
      for (size_t p = 0; p < raster.size(); ++p)
        if (raster[p]) blank_pixels_.push_back(int32_t(p));
    }
  }
  zone_membership_.set_frame(*placed);
  frame_zones_ = std::move(placed);
}

const float* Stream::apply_blank_masks(const float* model_input) {
  if (blank_pixels_.empty()) return model_input;
  float* out = input_.data();
  if (model_input != out) {  // an input the caller owns (process_input): blank a copy
    blanked_.assign(model_input, model_input + input_.size());
    out = blanked_.data();
  }
  const float pad = model_->config().input.pad_value;
  for (int32_t p : blank_pixels_) std::fill_n(out + int64_t{p} * 3, 3, pad);
  return out;
}

void Stream::reset() {
  executor_->reset();
  zone_membership_.reset();
  if (stabilizer_) stabilizer_->reset();
  ids_.reset();
  tracker_.reset();
  refine_budget_.reset();
}

float Stream::score_threshold() const {
  return options_.score_threshold >= 0.f ? options_.score_threshold
                                         : model_->config().decoder.score_threshold;
}

TrackerSettings Stream::tracker_settings() const {
  TrackerSettings s = options_.tracker;
  s.score_on = score_threshold();
  return s;
}

void Stream::set_mode(ExecMode mode) {
  // Back in delta mode the stabiliser starts a new reference with the keyframe: the camera may
  // have moved while the stream ran dense, and frames need not be resampled into the geometry
  // of a reference from before.
  executor_->set_mode(mode);  // first: a refused change (Error(Memory)) leaves the stream as it was
  if (stabilizer_ && mode != options_.mode) stabilizer_->reset();
  options_.mode = mode;
}

void Stream::set_threshold_scale(float scale) {
  if (!(scale >= 0.f)) {
    throw Error(ErrorKind::Config, "stream: threshold scale " + std::to_string(scale) +
                                       "; expected a number >= 0");
  }
  options_.delta.threshold_scale = scale;
  executor_->set_threshold_scale(scale);
}

void Stream::set_keyframe_interval(int interval) {
  if (interval < 0) {
    throw Error(ErrorKind::Config, "stream: keyframe interval " + std::to_string(interval) +
                                       "; expected an integer >= 0 (0 = never)");
  }
  options_.delta.keyframe_interval = interval;
  executor_->set_keyframe_interval(interval);
}

void Stream::set_score_threshold(float threshold) {
  if (!(threshold <= 1.f)) {
    throw Error(ErrorKind::Config, "stream: score threshold " + std::to_string(threshold) +
                                       "; expected a number <= 1 (negative: the config's)");
  }
  options_.score_threshold = threshold;
  tracker_.set_settings(tracker_settings());
}

void Stream::set_tracker_value(float TrackerSettings::*field, float value, float most, const char* key) {
  if (!(value >= 0.f && value <= most)) {
    std::ostringstream m;
    m << "stream: tracker." << key << ": value " << value << " is out of range; expected a number in [0, "
      << most << "]";
    throw Error(ErrorKind::Config, m.str());
  }
  options_.tracker.*field = value;
  tracker_.set_settings(tracker_settings());
}

void Stream::set_track_score_off(float score_off) {
  set_tracker_value(&TrackerSettings::score_off, score_off, 1.f, "score_off");
}

void Stream::set_refine_margin(float margin) {
  set_tracker_value(&TrackerSettings::refine_margin, margin, 0.5f, "refine_margin");
}

std::vector<HeadView> Stream::heads() const { return head_views(*executor_, cell_cache_); }

}  // namespace dcnn
