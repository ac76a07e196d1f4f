// deltacnn-bench: dense vs delta vs OpenCV DNN on the same pre-processed frames, in one run.
//
//   deltacnn-bench --config configs/movenet-multipose.yaml --video data/vtest.avi --frames 100
//                  --reference onnxruntime [--threshold 1.0] [--backend cpu] [--json] [--csv F]
//   deltacnn-bench --model models/x.onnx --size 512x512 --synthetic
//
// Prints dense and delta ms/frame, speedup, the reference's ms/frame, input and per-layer active
// fractions, and how far the delta heads are from the dense heads (relative to the head scale).
// References: `opencv` (OpenCV DNN, every frame) or `onnxruntime` (onnxruntime-node CPU, the
// runtime a CPU user would pick instead: the median of runs over the first frames, taken before
// and after ours; tools/bench/ort_reference.h). --csv writes one line per frame (our dense and
// delta ms, keyframe flag, active fractions) for scripts/plot-bench.py.
// The first frame (a dense keyframe) is reported but left out of the delta average; the first
// OpenCV forward (its one-time initialisation) likewise. Every number is measured, none assumed.
// With --backend cuda it then times cuDNN dense vs our dense vs our delta (and the eps=inf
// overhead bound) at 1, 8 and 32 streams (tools/bench/cuda_streams.h); --json adds those
// numbers under "cuda_streams" to the final line, whose other keys stay as they are.
// The YAML's masks (zones: / masks:, engine/zones) apply to the delta stream as the element
// applies them; --compare-masks also runs a delta stream with the masks cleared on the same
// frames (the two delta streams alternate which goes first), so one run measures what the
// masks save.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/api/head_views.h"
#include "engine/config/config.h"
#include "engine/config/delta_settings.h"
#include "engine/core/error.h"
#include "engine/decode/decoder.h"
#include "engine/decode/input_size_rules.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/executor.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"
#include "engine/ir/shape_inference.h"
#include "engine/track/decision_margin.h"
#include "tools/bench/bench_frames.h"
#include "tools/bench/bench_masks.h"
#include "tools/bench/opencv_reference.h"
#include "tools/bench/ort_reference.h"
#include "tools/bench/settings_line.h"
#include "tools/common/command_line.h"
#include "tools/common/output_file.h"
#include "tools/common/tool_main.h"
#include "tools/common/video_file.h"
#if DCNN_BENCH_CUDA
#include "tools/bench/cuda_streams.h"
#endif

namespace {

using namespace dcnn;

struct Args {
  std::string model, config, video, backend = "cpu", reference, precision, csv, form, layers_csv;
  bool synthetic = false, json = false, layers = false, truncate_linear = false, compare_masks = false;
  float input_threshold = -1.f;  // < 0: the config's (or the default)
  int frames = 100, width = 0, height = 0;
  int ort_runs = 10;  // onnxruntime runs before and after ours (each)
  int ort_every = 10; // and 2 more runs after every this many of our frames (0: none)
  float threshold_scale = -1.f;  // < 0: the config's delta.threshold_scale (or 1)
};

const char* const kUsage =
    "usage: deltacnn-bench (--model X.onnx [--size WxH] | --config Y.yaml)\n"
    "                      (--video PATH | --synthetic) [--frames N] [--backend cpu|cuda]\n"
    "                      [--threshold SCALE] [--input-threshold PIXELS]\n"
    "                      [--reference opencv|onnxruntime] [--ort-runs N] [--ort-every N]\n"
    "                      [--csv FILE]\n"
    "                      [--layers] [--truncate-linear] [--precision fp32|fp16|bf16] [--json]\n"
    "                      [--form propagate|recompute] [--layers-csv FILE] [--compare-masks]\n"
    "  --threshold 0 --input-threshold 0 makes delta exact: its error is then float rounding.\n"
    "  --frames N (>= 2, default 100): a shorter video runs on the frames it has, with a warning.\n"
    "    Every average is over frames 2..N: frame 1 runs dense and cold in both streams (its\n"
    "    times are printed apart).\n"
    "  --json prints the report, then the same numbers as one JSON object on the last line.\n"
    "  --layers adds per-layer wall time (dense and delta) of the 15 slowest delta layers and\n"
    "    the overhead per active value: delta_ms / (active * dense_ms), and per computed value\n"
    "    (recompute form: the candidates, fired or not); --layers-csv writes\n"
    "    every layer's numbers to FILE (implies --layers).\n"
    "  --reference onnxruntime needs ./scripts/fetch-ort.sh; it runs --ort-runs (default 10)\n"
    "    before and as many after our frames, and 2 runs after every --ort-every (default 10,\n"
    "    0: none) of our frames, with as many threads as ours; ort_ms is the median of all.\n"
    "  The config's masks apply to the delta stream; --compare-masks adds a delta stream without\n"
    "    them on the same frames (unmasked_* numbers; needs a config with masks).\n";

Args parse(int argc, char** argv) {
  using tools::UsageError;
  return tools::parse_or_exit("deltacnn-bench", kUsage, [&] {
    Args a;
    std::string ort_option;  // an onnxruntime option given (they need --reference onnxruntime)
    tools::CommandLine cl(argc, argv);
    while (cl.next()) {
      if (cl.is("--model")) a.model = cl.text();
      else if (cl.is("--config")) a.config = cl.text();
      else if (cl.is("--video")) a.video = cl.text();
      else if (cl.is("--synthetic")) a.synthetic = true;
      else if (cl.is("--json")) a.json = true;
      else if (cl.is("--layers")) a.layers = true;
      else if (cl.is("--truncate-linear")) a.truncate_linear = true;
      else if (cl.is("--compare-masks")) a.compare_masks = true;
      else if (cl.is("--input-threshold")) a.input_threshold = float(cl.number(0.0, 255.0));
      else if (cl.is("--backend")) a.backend = cl.choice("cpu|cuda");
      else if (cl.is("--precision")) a.precision = cl.choice("fp32|fp16|bf16");
      else if (cl.is("--reference")) a.reference = cl.choice("opencv|onnxruntime");
      else if (cl.is("--csv")) a.csv = cl.text();
      else if (cl.is("--layers-csv")) a.layers_csv = cl.text(), a.layers = true;
      else if (cl.is("--form")) a.form = cl.choice("propagate|recompute");
      else if (cl.is("--ort-runs")) a.ort_runs = int(cl.integer(1, 10000)), ort_option = "--ort-runs";
      else if (cl.is("--ort-every")) a.ort_every = int(cl.integer(0, 1000000)), ort_option = "--ort-every";
      else if (cl.is("--frames")) a.frames = int(cl.integer(2, 1000000000));
      else if (cl.is("--threshold")) a.threshold_scale = float(cl.number(0.0, 1e6));
      else if (cl.is("--size")) cl.size(&a.width, &a.height);
      else cl.unknown();
    }
    if (a.model.empty() == a.config.empty()) throw UsageError("give exactly one of --model and --config");
    if (a.video.empty() == !a.synthetic) throw UsageError("give exactly one of --video and --synthetic");
    if (a.precision == "fp16" && a.backend != "cuda") throw UsageError("--precision fp16 needs --backend cuda");
    if (a.precision == "bf16" && a.backend != "cpu") throw UsageError("--precision bf16 needs --backend cpu");
    if (a.compare_masks && a.config.empty()) throw UsageError("--compare-masks needs --config (the masks are in the YAML)");
    if (!ort_option.empty() && a.reference != "onnxruntime")
      throw UsageError(ort_option + " applies to --reference onnxruntime, which is not given");
    if (!a.csv.empty() && !a.layers_csv.empty() && tools::same_file(a.csv, a.layers_csv))
      throw UsageError("--csv and --layers-csv name the same file (" + a.csv + "); expected two files");
    return a;
  });
}

struct HeadError {
  double max_rel = 0.0, mean_rel_sum = 0.0;
  int frames = 0;
};

void compare_heads(const Executor& dense, const Executor& delta, HeadError& err) {
  double frame_mean = 0.0;
  std::vector<float> cells_values;
  std::vector<int32_t> cells;
  for (int h = 0; h < dense.num_outputs(); ++h) {
    const int64_t n = dense.output_shape(h).size();
    const float* a = dense.output(h);
    const float* b = delta.output(h);
    if (delta.output_at_cells_only(h)) {  // a head the decoder reads at cells: all of them, untimed
      cells.resize(size_t(dense.output_shape(h).pixels()));
      for (size_t c = 0; c < cells.size(); ++c) cells[c] = int32_t(c);
      cells_values.resize(size_t(n));
      delta.output_at(h, cells.data(), int(cells.size()), cells_values.data());
      b = cells_values.data();
    }
    float scale = 1e-6f;
    for (int64_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(a[i]));
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double d = std::fabs(double(a[i]) - double(b[i]));
      err.max_rel = std::max(err.max_rel, d / scale);
      sum += d;
    }
    frame_mean += sum / double(n) / scale / dense.num_outputs();
  }
  err.mean_rel_sum += frame_mean;
  err.frames++;
}

int run(const Args& args) {
  // ---- model and settings
  std::string model_path = args.model;
  std::string precision = args.precision;
  int width = args.width, height = args.height;
  // How video frames become model input: the YAML's input section; with --model, RGB stretched.
  InputConfig input;
  InputNormalization norm;
  DeltaSettings settings;
  std::string name;
  zones::ZonesConfig zone_config;
  std::optional<DecoderConfig> decoder_config;  // with --config
  float decode_cut_off = 0.f;  // what a Stream of the config decodes down to
  std::optional<DeploymentConfig> deployment;  // with --config: for Model::load's checks below
  if (!args.config.empty()) {
    DeploymentConfig cfg = load_config(args.config);
    deployment = cfg;
    if (model_path.empty()) model_path = cfg.model_path;
    if (!width) width = cfg.input.width, height = cfg.input.height;
    input = cfg.input;
    for (int c = 0; c < 3; ++c) norm.mean[c] = cfg.input.mean[c], norm.std[c] = cfg.input.std[c];
    settings = to_delta_settings(cfg.delta);
    // The YAML's model.precision unless --precision names one, where it runs (as Model::load).
    if (precision.empty())
      precision = to_string(runnable_precision(cfg.precision, args.backend == "cuda" ? Backend::Cuda : Backend::Cpu));
    name = cfg.name;
    zone_config = cfg.zones;
    decoder_config = cfg.decoder;
    // As Stream::run_and_decode: down to the tracker's score_off, else the score threshold (the
    // heatmap cells the decoder reads depend on it: the boxes of the people who can pass).
    decode_cut_off = cfg.tracker.enabled ? std::min(cfg.tracker.score_off, cfg.tracker.score_on)
                                         : cfg.decoder.score_threshold;
  }
  // Before the (slow) model import: nothing to compare without masks.
  if (args.compare_masks && zone_config.masks.empty())
    throw Error(ErrorKind::Config, "--compare-masks: " + args.config +
                                       " has no masks; expected a config with a masks: block");
  // Flags override the YAML, as element properties do.
  if (args.threshold_scale >= 0.f) settings.threshold_scale = args.threshold_scale;
  if (args.input_threshold >= 0.f) settings.input_threshold = args.input_threshold;
  settings.time_layers = args.layers;
  if (args.truncate_linear) settings.truncate_linear = true;
  if (!args.form.empty()) settings.form = args.form == "recompute" ? DeltaForm::Recompute : DeltaForm::Propagate;
  if (name.empty()) name = model_path;

  ir::ImportOptions import;
  import.input_width = width;
  import.input_height = height;
  ir::Graph graph;
  try {
    graph = ir::import_onnx(model_path, import);
  } catch (const Error& e) {
    if (!deployment) throw;
    DeploymentConfig sized = *deployment;  // as Model::load: the size named by its keys
    sized.input.width = width;
    sized.input.height = height;
    rethrow_import_error(sized, e);
  }
  ir::run_default_passes(graph);
  ir::infer_shapes(graph);
  const Shape in_shape = graph.tensors.at(size_t(graph.input)).shape;
  width = in_shape.w;
  height = in_shape.h;
  input.width = width;
  input.height = height;
  if (deployment) {
    // The checks Model::load makes (the element refuses what they refuse): a size off the
    // model's grid, or an output_stride that does not match the heads, would time a network
    // whose decoded results are wrong.
    deployment->input.width = width;
    deployment->input.height = height;
    const std::string warning = check_graph_fits_config(*deployment, graph);
    if (!warning.empty()) std::cerr << "deltacnn-bench: warning: " << warning << "\n";
  }
  if (precision.empty()) precision = "fp32";
  const Backend backend = args.backend == "cuda" ? Backend::Cuda : Backend::Cpu;
  auto model = compile_model(std::move(graph), backend, norm, 0,
                             precision == "fp16"   ? Precision::F16
                             : precision == "bf16" ? Precision::BF16
                                                        : Precision::F32);

  DeltaSettings dense_settings = settings;
  Executor dense(model, ExecMode::Dense, dense_settings);
  // The executor checks layer_thresholds against the model; name the YAML they came from, as
  // the element does (Stream's make_executor).
  auto named = [&](auto&& make) {
    try {
      return make();
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Config || args.config.empty()) throw;
      throw Error(ErrorKind::Config, args.config + ": " + e.what());
    }
  };
  Executor delta = named([&] { return Executor(model, ExecMode::Delta, settings); });
  // The same delta stream with the masks cleared (--compare-masks).
  std::unique_ptr<Executor> unmasked;
  if (args.compare_masks) unmasked = std::make_unique<Executor>(model, ExecMode::Delta, settings);
  // With a config, the delta streams compute the heads their decoder reads at a few cells there
  // only (query_cell_heads): each frame is decoded, and the time the decoder's requests spend
  // computing those cells (Executor::output_at) is part of the delta frame's time. Decoding
  // itself is not timed (onnxruntime's time has none either).
  std::unique_ptr<Decoder> decoder;
  if (decoder_config) {
    std::vector<std::string> head_names;
    for (int h = 0; h < delta.num_outputs(); ++h) head_names.push_back(delta.output_name(h));
    decoder = make_decoder(*decoder_config, head_names);
    query_cell_heads(*decoder, delta);
    if (unmasked) query_cell_heads(*decoder, *unmasked);
  }
  const FrameGeometry model_geometry = FrameGeometry::make(width, height, width, height, ResizeKind::Stretch);
  HeadCellCache cell_cache;
  size_t decoded_objects = 0;
  // Decodes e's heads down to `lowest` into `found` (when given); returns the ms its cell heads
  // took to compute.
  auto decode_at = [&](const Executor& e, float lowest, std::vector<Detection>* found) {
    if (!decoder) return 0.0;
    double cell_ms = 0.0;
    std::vector<HeadView> views = head_views(e, cell_cache);
    for (HeadView& v : views) {
      if (!v.at) continue;
      v.at = [inner = std::move(v.at), &cell_ms](int64_t cell) {
        const auto c0 = std::chrono::steady_clock::now();
        const float* values = inner(cell);
        cell_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - c0).count();
        return values;
      };
      v.prefetch = [inner = std::move(v.prefetch), &cell_ms](const int32_t* cells, int n) {
        const auto c0 = std::chrono::steady_clock::now();
        inner(cells, n);
        cell_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - c0).count();
      };
    }
    std::vector<Detection> objects = decoder->decode(views, model_geometry, lowest);
    if (found) *found = std::move(objects);
    return cell_ms;
  };
  auto decode = [&](const Executor& e) {
    std::vector<Detection> found;
    const double ms = decode_at(e, decode_cut_off, &found);
    decoded_objects += found.size();
    return ms;
  };
  // tracker.refine_margin (engine/track/decision_margin.h): the delta stream tracks as a Stream
  // does, and a frame whose track decisions hang on the margin runs again dense, in its time.
  std::optional<Tracker> delta_tracker;
  if (decoder && deployment && deployment->tracker.enabled && deployment->tracker.refine_margin > 0.f)
    delta_tracker.emplace(deployment->tracker);
  int refined_frames = 0;
  RefineBudget refine_budget;
  // The delta stream's decode and tracking on `input`'s frame; returns the ms it took beyond
  // decoding (cell heads, and a dense run again).
  auto decode_and_track_delta = [&](const std::vector<float>& input) {
    if (!delta_tracker) return decode(delta);
    double ms = 0.0;
    bool ran_again = false;
    const std::vector<Detection> candidates = refined_candidates(
        *delta_tracker, delta.stats().keyframe, refine_budget,
        [&](float lowest) {
          std::vector<Detection> found;
          ms += decode_at(delta, lowest, &found);
          return found;
        },
        [&] {
          const auto r0 = std::chrono::steady_clock::now();
          delta.force_keyframe();
          delta.run(input.data());
          ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r0).count();
        },
        ran_again);
    if (ran_again) ++refined_frames;
    decoded_objects += candidates.size();
    delta_tracker->update(candidates);
    return ms;
  };

  std::unique_ptr<bench::OpenCvReference> reference;
  std::unique_ptr<bench::OrtReference> ort;
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  if (args.reference == "opencv") {
    cv::setNumThreads(cores);
    reference = std::make_unique<bench::OpenCvReference>(model_path, width, height, norm);
  } else if (args.reference == "onnxruntime") {
    ort = std::make_unique<bench::OrtReference>(model_path, width, height, norm, omp_get_max_threads());
  }
  auto source = args.synthetic ? bench::make_synthetic(width, height) : bench::open_video(args.video, input);
  // onnxruntime runs on the first frames, before ours and again after them.
  std::vector<std::vector<float>> ahead;
  if (ort) {
    std::vector<float> f;
    while (int(ahead.size()) < std::min(args.frames, bench::OrtReference::kFrames) && source->next(f)) {
      ort->keep(f.data());
      ahead.push_back(f);
    }
    if (!ahead.empty()) ort->measure(args.ort_runs);
  }
  const std::vector<uint8_t> ignore =
      bench::mask_for_bench(zone_config, source->source_width(), source->source_height(), input);
  delta.set_input_ignore_mask(ignore);
  double masked_fraction = 0.0;
  for (uint8_t b : ignore) masked_fraction += b;
  if (!ignore.empty()) masked_fraction /= double(ignore.size());
  size_t ahead_used = 0;
  auto next_frame = [&](std::vector<float>& f) {
    if (ahead_used < ahead.size()) {
      f = ahead[ahead_used++];
      return true;
    }
    return source->next(f);
  };
  tools::OutputFile csv_file, layers_file;
  if (!args.csv.empty()) csv_file = tools::OutputFile("--csv", args.csv);
  if (!args.layers_csv.empty()) layers_file = tools::OutputFile("--layers-csv", args.layers_csv);
  std::FILE* csv = csv_file.get();
  if (csv) {
    std::fprintf(csv, "frame,dense_ms,delta_ms,keyframe,input_active,mean_active%s\n",
                 unmasked ? ",unmasked_delta_ms,unmasked_input_active,unmasked_mean_active" : "");
  }

  // ---- run
  const auto& nodes = model->nodes();  // every backend (a CUDA model has no CPU ops())
  std::vector<double> layer_active(nodes.size(), 0.0), layer_computed(nodes.size(), 0.0), layer_dense(nodes.size(), 0.0);
  std::vector<double> layer_ms_dense(nodes.size(), 0.0), layer_ms_delta(nodes.size(), 0.0);
  // Frame 1 is both streams' dense first frame and runs cold (allocations, page faults, oneDNN's
  // JIT: 255 ms against 90 warm for MultiPose's dense stream): every average is over frames
  // 2..N, the dense stream's as well as the delta stream's (the first frames are reported apart).
  double dense_ms = 0.0, delta_ms = 0.0, ref_ms = 0.0, first_delta_ms = 0.0, first_dense_ms = 0.0;
  double input_active = 0.0, mean_active = 0.0;
  double unmasked_ms = 0.0, unmasked_input_active = 0.0, unmasked_mean_active = 0.0;
  int frames = 0, delta_frames = 0, ref_frames = 0, keyframes = 0, unmasked_keyframes = 0;
  HeadError err;
  std::vector<float> frame;
  std::vector<std::vector<float>> kept;  // the first frames, replayed by the CUDA stream runs
  while (frames < args.frames && next_frame(frame)) {
    if (backend == Backend::Cuda && kept.size() < 32) kept.push_back(frame);
    // onnxruntime between our frames too: the host's speed drifts by ±20 % over a run, and runs
    // interleaved with ours see the same drift (the median takes every run).
    if (ort && args.ort_every > 0 && frames > 0 && frames % args.ort_every == 0) ort->measure(2);
    auto t0 = std::chrono::steady_clock::now();
    dense.run(frame.data());
    auto t1 = std::chrono::steady_clock::now();
    const double dms = std::chrono::duration<double, std::milli>(t1 - t0).count() + decode(dense);
    // With --compare-masks the unmasked stream goes first on odd frames, so neither delta
    // stream always runs on caches the other warmed.
    double ums = 0.0;
    auto run_unmasked = [&] {
      const auto u0 = std::chrono::steady_clock::now();
      unmasked->run(frame.data());
      ums = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - u0).count();
      ums += decode(*unmasked);
    };
    if (unmasked && frames % 2 == 1) run_unmasked();
    t1 = std::chrono::steady_clock::now();
    delta.run(frame.data());
    auto t2 = std::chrono::steady_clock::now();
    const double xms = std::chrono::duration<double, std::milli>(t2 - t1).count() + decode_and_track_delta(frame);
    if (unmasked && frames % 2 == 0) run_unmasked();
    const FrameStats& st = delta.stats();
    if (csv) {
      std::fprintf(csv, "%d,%.3f,%.3f,%d,%.5f,%.5f", frames, dms, xms, st.keyframe ? 1 : 0,
                   double(st.input_active), double(st.mean_active));
      if (unmasked)
        std::fprintf(csv, ",%.3f,%.5f,%.5f", ums, double(unmasked->stats().input_active),
                     double(unmasked->stats().mean_active));
      std::fprintf(csv, "\n");
    }
    if (frames == 0) {
      first_dense_ms = dms;
      first_delta_ms = xms;
    } else {
      dense_ms += dms;
      delta_ms += xms;
      ++delta_frames;
      if (st.keyframe) ++keyframes;
      input_active += st.input_active;
      mean_active += st.mean_active;
      if (unmasked) {
        unmasked_ms += ums;
        unmasked_input_active += unmasked->stats().input_active;
        unmasked_mean_active += unmasked->stats().mean_active;
        if (unmasked->stats().keyframe) ++unmasked_keyframes;
      }
      for (size_t k = 0; k < nodes.size(); ++k) {
        layer_ms_delta[k] += st.layers[k].ms;
        layer_ms_dense[k] += dense.stats().layers[k].ms;
        layer_active[k] += st.layers[k].active;
        layer_computed[k] += st.layers[k].computed;
        layer_dense[k] += st.layers[k].dense ? 1.0 : 0.0;
      }
    }
    if (reference) {
      const double r = reference->run(frame.data());
      if (frames > 0) ref_ms += r, ++ref_frames;
    }
    // Frames 2..N, as every other average (frame 1 is dense in both: its error is 0).
    if (frames > 0) compare_heads(dense, delta, err);
    ++frames;
  }
  // Which layers the delta stream computes inside another's kernel (fused pairs and chains).
  std::vector<int> computed_in(nodes.size(), -1);
  for (size_t k = 0; k < nodes.size() && k < delta.stats().layers.size(); ++k)
    computed_in[k] = delta.stats().layers[k].computed_in;
  if (frames < 2)
    throw Error(ErrorKind::Input, "the frame source " + source->describe() + " gave " +
                                      std::to_string(frames) + " frame(s); expected at least 2");
  tools::warn_if_short("deltacnn-bench", source->describe(), frames, args.frames);

  csv_file.close();
  if (ort) ort->measure(args.ort_runs);
  const double ort_avg = ort ? ort->median_ms() : 0.0;

  const double dense_avg = dense_ms / delta_frames;
  const double delta_avg = delta_ms / delta_frames;
  const double ref_avg = ref_frames ? ref_ms / ref_frames : 0.0;
  input_active /= delta_frames;
  mean_active /= delta_frames;
  const double unmasked_avg = unmasked_ms / delta_frames;
  unmasked_input_active /= delta_frames;
  unmasked_mean_active /= delta_frames;

  // ---- report
  std::printf("deltacnn-bench: %s  input %dx%d  backend %s (%s)  %d frames of %s\n", name.c_str(), width,
              height, to_string(backend), precision.c_str(), frames, source->describe().c_str());
  const char* wait_policy = std::getenv("OMP_WAIT_POLICY");
  std::printf("threads: %d OpenMP (OMP_WAIT_POLICY=%s; OpenBLAS single-threaded)%s\n",
              omp_get_max_threads(), wait_policy ? wait_policy : "default",
              reference ? (", OpenCV DNN " + std::to_string(cv::getNumThreads())).c_str() : "");
  if (!wait_policy)
    std::printf("note: OpenMP threads spin while waiting; on a shared or oversubscribed machine run\n"
                "      with OMP_WAIT_POLICY=passive, or spinning dominates both of our timings\n");
  bench::print_settings_line(settings);
  std::printf("\n%-34s %10s\n", "", "ms/frame");
  std::printf("%-34s %10.2f   (first frame, cold: %.2f ms)\n", "dense (ours, frames 2..N)", dense_avg,
              first_dense_ms);
  std::printf("%-34s %10.2f   (first frame, dense keyframe: %.2f ms; %d later keyframes, %d of them "
              "run again dense for tracker.refine_margin)\n",
              "delta (ours, frames 2..N)", delta_avg, first_delta_ms, keyframes, refined_frames);
  if (unmasked)
    std::printf("%-34s %10.2f   (the same frames without the config's masks; %d later keyframes)\n",
                "delta without masks (frames 2..N)", unmasked_avg, unmasked_keyframes);
  if (reference)
    std::printf("%-34s %10.2f   (%s, first forward excluded)\n", "OpenCV DNN dense", ref_avg,
                reference->path().c_str());
  if (ort)
    std::printf("%-34s %10.2f   (median of %d runs on the first %d frames, before and after ours;\n"
                "%-34s %10s    onnxruntime-node %s, %d intra-op threads)\n",
                "onnxruntime dense", ort_avg, ort->runs(), ort->kept(), "", "", ort->version().c_str(),
                ort->threads());
  std::printf("\nspeedup delta vs our dense: %.2fx\n", dense_avg / delta_avg);
  if (reference) {
    std::printf("speedup delta vs OpenCV DNN: %.2fx\n", ref_avg / delta_avg);
    std::printf("our dense / OpenCV DNN:      %.2fx\n", dense_avg / ref_avg);
  }
  if (ort) {
    std::printf("speedup delta vs onnxruntime: %.2fx   (delta_vs_ort = ort_ms / delta_ms)\n", ort_avg / delta_avg);
    std::printf("our dense time / onnxruntime: %.2fx   (dense_vs_ort = dense_ms / ort_ms)\n", dense_avg / ort_avg);
  }
  // Over frames 2..N, a dense frame (keyframe, busy scene) counting as 1.
  std::printf("input active fraction: %.4f   mean active (MAC-weighted): %.4f   (frames 2..N, dense frames as 1)\n",
              input_active, mean_active);
  if (!ignore.empty())
    std::printf("masks: %.4f of the input masked (never active in delta frames)\n", masked_fraction);
  if (unmasked)
    std::printf("without masks: input active %.4f   mean active %.4f   delta %.2f ms -> %.2f ms with masks (%.2fx)\n",
                unmasked_input_active, unmasked_mean_active, unmasked_avg, delta_avg, unmasked_avg / delta_avg);
  std::printf("delta heads vs dense heads (relative to head scale): max %.4g  mean %.4g\n",
              err.max_rel, err.mean_rel_sum / err.frames);

  std::vector<size_t> order(nodes.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return nodes[a].macs > nodes[b].macs; });
  std::printf("\ntop-10 costliest layers (delta frames):\n%-40s %-14s %10s %10s %10s\n", "node", "op",
              "MMACs", "active", "dense%");
  for (size_t i = 0; i < std::min<size_t>(10, order.size()); ++i) {
    const size_t k = order[i];
    std::printf("%-40s %-14s %10.1f %10.4f %9.0f%%\n", nodes[k].name.substr(0, 40).c_str(),
                nodes[k].kind.c_str(), double(nodes[k].macs) / 1e6,
                layer_active[k] / delta_frames, 100.0 * layer_dense[k] / delta_frames);
  }

  if (args.layers) {
    std::vector<size_t> slow(nodes.size());
    for (size_t k = 0; k < slow.size(); ++k) slow[k] = k;
    std::sort(slow.begin(), slow.end(), [&](size_t a, size_t b) { return layer_ms_delta[a] > layer_ms_delta[b]; });
    double total_dense = 0.0, total_delta = 0.0;
    for (size_t k = 0; k < nodes.size(); ++k) total_dense += layer_ms_dense[k], total_delta += layer_ms_delta[k];
    std::printf("\nslowest delta layers (ms/frame over frames 2..N; sums: dense %.2f, delta %.2f):\n"
                "%-40s %-14s %-12s %9s %9s %8s %8s %9s %9s\n", total_dense / delta_frames, total_delta / delta_frames,
                "node", "op", "output", "dense ms", "delta ms", "active", "computed", "overhead", "/computed");
    // overhead = delta_ms / (active * dense_ms): what one active (fired) value costs in delta
    // mode relative to its share of the dense layer (1.0 = no bookkeeping cost at all).
    // /computed = delta_ms / (computed * dense_ms): the same per value computed (the recompute
    // form's candidates), so overhead / (/computed) is what candidates that did not fire cost.
    // A layer whose kernel also computes the layers fused into it (computed_in) is held against
    // their shares too; those layers print "in" and the layer that computes them.
    for (size_t i = 0; i < std::min<size_t>(15, slow.size()); ++i) {
      const size_t k = slow[i];
      const double act = layer_active[k] / delta_frames, cmp = layer_computed[k] / delta_frames;
      const double dms = layer_ms_dense[k] / delta_frames, xms = layer_ms_delta[k] / delta_frames;
      double share = act * dms, computed_share = cmp * dms, fused_delta = 0.0;
      for (size_t j = 0; j < nodes.size(); ++j)
        if (computed_in[j] == int(k)) {
          share += layer_active[j] / delta_frames * layer_ms_dense[j] / delta_frames;
          computed_share += layer_computed[j] / delta_frames * layer_ms_dense[j] / delta_frames;
          fused_delta += layer_ms_delta[j] / delta_frames;
        }
      // The unit's delta time over a share of dense time, "-" without one.
      auto ratio = [&](double of) {
        return of > 1e-6 ? std::to_string((xms + fused_delta) / of).substr(0, 5) + "x" : std::string("-");
      };
      const bool fused = computed_in[k] >= 0;
      const std::string overhead = fused ? "in " + std::to_string(computed_in[k]) : ratio(share);
      const std::string per_computed = fused ? "-" : ratio(computed_share);
      std::printf("%-40s %-14s %-12s %9.3f %9.3f %8.4f %8.4f %9s %9s\n", nodes[k].name.substr(0, 40).c_str(),
                  nodes[k].kind.c_str(), nodes[k].output_shape.str().c_str(), dms, xms, act, cmp, overhead.c_str(),
                  per_computed.c_str());
    }
  }

  if (layers_file) {
    std::FILE* f = layers_file.get();
    // computed_in: the node whose kernel computes this one in delta frames (its delta_ms holds
    // this one's work), empty when none.
    std::fprintf(f, "node,op,output,macs,dense_ms,delta_ms,active,dense_share,computed_in,computed\n");
    for (size_t k = 0; k < nodes.size(); ++k)
      std::fprintf(f, "%s,%s,%s,%lld,%.4f,%.4f,%.4f,%.3f,%s,%.4f\n", nodes[k].name.c_str(), nodes[k].kind.c_str(),
                   nodes[k].output_shape.str().c_str(), (long long)nodes[k].macs, layer_ms_dense[k] / delta_frames,
                   layer_ms_delta[k] / delta_frames, layer_active[k] / delta_frames, layer_dense[k] / delta_frames,
                   computed_in[k] >= 0 ? nodes[size_t(computed_in[k])].name.c_str() : "", layer_computed[k] / delta_frames);
    layers_file.close();
  }

  nlohmann::json cuda_streams;
#if DCNN_BENCH_CUDA
  if (backend == Backend::Cuda) cuda_streams = bench::cuda_stream_report(model, settings, kept, frames - 1);
#endif

  if (args.json) {
    nlohmann::json j;
    if (!cuda_streams.is_null()) j["cuda_streams"] = cuda_streams;
    j["model"] = name;
    j["backend"] = to_string(backend);
    j["precision"] = precision;
    j["frames"] = frames;
    j["dense_ms"] = dense_avg;
    j["delta_ms"] = delta_avg;
    j["delta_first_frame_ms"] = first_delta_ms;
    j["dense_first_frame_ms"] = first_dense_ms;
    j["speedup"] = dense_avg / delta_avg;
    if (reference) j["reference_ms"] = ref_avg;
    if (ort) {
      j["ort_ms"] = ort_avg;
      j["ort_runs"] = ort->runs();
      j["ort_version"] = ort->version();
      j["delta_vs_ort"] = ort_avg / delta_avg;  // speedup: ort_ms / delta_ms
      j["dense_vs_ort"] = dense_avg / ort_avg;  // time ratio: dense_ms / ort_ms
    }
    // Host memory of the delta stream: what it alone holds between frames, and the workspace its
    // frames use on the model's runner (shared with every other stream of the model).
    j["delta_state_mb"] = double(delta.persistent_bytes()) / (1 << 20);
    j["workspace_mb"] = double(delta.activation_bytes() - delta.persistent_bytes()) / (1 << 20);
    j["input_active"] = input_active;
    j["mean_active"] = mean_active;
    j["max_err"] = err.max_rel;
    j["mean_err"] = err.mean_rel_sum / err.frames;
    j["keyframes"] = keyframes;  // dense frames after the first (periodic, busy-scene, refined)
    j["refined"] = refined_frames;  // delta frames run again dense (tracker.refine_margin)
    j["masked_fraction"] = masked_fraction;  // of the input, under the config's masks
    if (unmasked) {
      j["unmasked_delta_ms"] = unmasked_avg;
      j["unmasked_input_active"] = unmasked_input_active;
      j["unmasked_mean_active"] = unmasked_mean_active;
      j["unmasked_keyframes"] = unmasked_keyframes;
    }
    j["threshold_scale"] = settings.threshold_scale;
    j["truncate_linear"] = settings.truncate_linear;
    j["form"] = to_string(settings.form);
    std::printf("%s\n", j.dump().c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  return dcnn::tools::run_tool("deltacnn-bench", [&] { return run(args); });
}
