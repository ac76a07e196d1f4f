// deltacnn-cuda-bench: the CUDA streams benchmark without OpenCV, so it fits the GPU bundle
// (scripts/gpu-bundle.sh). Synthetic frames (static textured background, moving squares, mild
// noise), then the table of tools/bench/cuda_streams.h: cuDNN dense vs our dense vs our delta
// (with and without CUDA graphs) and the eps=inf overhead bound, at 1, 8 and 32 streams, plus
// how far one delta stream's heads are from dense. deltacnn-bench --backend cuda prints the same
// table after its single-stream report (and takes videos and the OpenCV reference).
// --raw-frames reads real frames instead: 8-bit RGB, W*H*3 bytes per frame at the model's input
// size, back to back (gpu-bundle's run.sh decodes the bundled video into that form with the GPU
// machine's own OpenCV, so the bundle carries no codec libraries).
// --agreement-frames N (with --config and --raw-frames): first, deltacnn-eval's agreement of the
// delta stream's decoded results with the dense stream's over the first N frames of that file
// (tools/bench/stream_agreement.h), and for fp16 against an fp32 dense stream as well.
//
//   deltacnn-cuda-bench (--config Y.yaml | --model X.onnx [--size WxH]) [--frames N]
//                       [--raw-frames FILE [--agreement-frames N]] [--threshold SCALE]
//                       [--input-threshold PIXELS] [--precision fp32|fp16] [--json]
#include <algorithm>
#include <chrono>
#include <map>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/delta_settings.h"
#include "engine/exec/executor.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"
#include "engine/ir/shape_inference.h"
#include "tools/bench/cuda_streams.h"
#include "tools/bench/raw_frame_file.h"
#include "tools/bench/settings_line.h"
#include "tools/bench/stream_agreement.h"
#include "tools/eval/agreement_json.h"
#include "tools/common/command_line.h"
#include "tools/common/tool_main.h"

namespace {

using namespace dcnn;

struct Args {
  std::string model, config, raw_frames;
  int frames = 60, width = 0, height = 0, agreement_frames = 0;
  float threshold_scale = -1.f, input_threshold = -1.f;
  bool json = false;
  bool agreement_on_cpu = false;  // --agreement-backend cpu: the same agreement, then stop
  bool layers = false;            // --layers: where one delta stream's GPU time goes
  Precision precision = Precision::F32;
};

const char* const kUsage =
    "usage: deltacnn-cuda-bench (--config Y.yaml | --model X.onnx [--size WxH]) [--frames N]\n"
    "                           [--raw-frames FILE [--agreement-frames N]] [--threshold SCALE]\n"
    "                           [--agreement-backend cuda|cpu] [--input-threshold PIXELS] [--layers]\n"
    "                           [--precision fp32|fp16]\n"
    "                           [--json]\n"
    "  fp16: the one-stream line also gives the fp16 heads' distance from an fp32 dense run.\n"
    "  --agreement-frames N: deltacnn-eval's kpt_agree / count_agree / det_f1 of delta against\n"
    "  dense over the first N frames of --raw-frames (needs --config). --agreement-backend cpu\n"
    "  measures it on the CPU backend instead and stops there (the same frames on both backends).\n"
    "  --layers: one delta stream with per-layer CUDA events (no graphs): GPU ms per frame by\n"
    "  layer kind and the top layers, against the frame's wall time, as configured and at eps=inf.\n";

Args parse(int argc, char** argv) {
  return tools::parse_or_exit("deltacnn-cuda-bench", kUsage, [&] {
    Args a;
    tools::CommandLine cl(argc, argv);
    while (cl.next()) {
      if (cl.is("--model")) a.model = cl.text();
      else if (cl.is("--config")) a.config = cl.text();
      else if (cl.is("--raw-frames")) a.raw_frames = cl.text();
      else if (cl.is("--json")) a.json = true;
      else if (cl.is("--layers")) a.layers = true;
      else if (cl.is("--threshold")) a.threshold_scale = float(cl.number(0.0, 1e6));
      else if (cl.is("--input-threshold")) a.input_threshold = float(cl.number(0.0, 255.0));
      else if (cl.is("--precision"))
        a.precision = cl.choice("fp32|fp16") == "fp16" ? Precision::F16 : Precision::F32;
      else if (cl.is("--frames")) a.frames = int(cl.integer(2, 1000000000));
      else if (cl.is("--agreement-frames")) a.agreement_frames = int(cl.integer(1, 1000000000));
      else if (cl.is("--agreement-backend")) a.agreement_on_cpu = cl.choice("cuda|cpu") == "cpu";
      else if (cl.is("--size")) cl.size(&a.width, &a.height);
      else cl.unknown();
    }
    if (a.model.empty() == a.config.empty())
      throw tools::UsageError("give exactly one of --model and --config");
    if (a.agreement_on_cpu && a.agreement_frames == 0)
      throw tools::UsageError("--agreement-backend needs --agreement-frames");
    if (a.agreement_frames > 0 && (a.config.empty() || a.raw_frames.empty()))
      throw tools::UsageError("--agreement-frames needs --config (its decoder) and --raw-frames (real frames)");
    return a;
  });
}

// Deterministic frames: textured background, 3 squares moving a few pixels per frame, noise.
std::vector<std::vector<float>> synthetic_frames(int w, int h, int count) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> level(40.f, 215.f);
  std::normal_distribution<float> noise(0.f, 1.f);
  std::vector<float> background(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        background[(size_t(y) * w + x) * 3 + c] =
            127.f + 60.f * std::sin(0.07f * x + 1.3f * c) * std::cos(0.05f * y - 0.4f * c);
  struct Square { float x, y, vx, vy, color[3]; };
  std::vector<Square> squares(3);
  for (Square& s : squares) {
    s = {float(rng() % unsigned(w)), float(rng() % unsigned(h)), 2.f + float(rng() % 3),
         1.f + float(rng() % 2), {level(rng), level(rng), level(rng)}};
  }
  const int side = std::max(4, w / 16);
  std::vector<std::vector<float>> frames;
  for (int f = 0; f < count; ++f) {
    std::vector<float> frame = background;
    for (Square& s : squares) {
      s.x = std::fmod(s.x + s.vx + float(w), float(w));
      s.y = std::fmod(s.y + s.vy + float(h), float(h));
      for (int y = int(s.y); y < std::min(h, int(s.y) + side); ++y)
        for (int x = int(s.x); x < std::min(w, int(s.x) + side); ++x)
          for (int c = 0; c < 3; ++c) frame[(size_t(y) * w + x) * 3 + c] = s.color[c];
    }
    for (float& v : frame) v = std::clamp(v + noise(rng), 0.f, 255.f);
    frames.push_back(std::move(frame));
  }
  return frames;
}

// Up to `count` frames of 8-bit RGB at w x h from `path` (see the header), as 0..255 floats.
std::vector<std::vector<float>> raw_frames(const std::string& path, int w, int h, int count) {
  bench::RawFrameFile file(path, w, h, "--raw-frames");
  std::vector<std::vector<float>> frames;
  std::vector<float> frame;
  while (int(frames.size()) < count && file.next(frame)) frames.push_back(frame);
  if (frames.size() < 2)
    throw Error(ErrorKind::Input, "--raw-frames " + path + ": holds " + std::to_string(frames.size()) +
                                   " whole frame(s) of " + std::to_string(w) + "x" + std::to_string(h) +
                                   " RGB (" + std::to_string(file.frame_bytes()) +
                                   " bytes each); expected at least 2 at the model's input size");
  return frames;
}

nlohmann::json metrics_json(const eval::Agreement& a, bool pose) {
  nlohmann::json j;
  eval::put_metrics(j, a, pose);
  return j;
}

std::string metrics_text(const eval::Agreement& a, bool pose) {
  char buf[160];
  if (pose)
    std::snprintf(buf, sizeof buf, "kpt_agree %s (%ld keypoints)  count_agree %.4f",
                  eval::format_metric(a.kpt_agree(), a.measured_kpt_agree()).c_str(), a.keypoints,
                  a.count_agree());
  else
    std::snprintf(buf, sizeof buf, "det_f1 %s (tp %ld fp %ld fn %ld)  count_agree %.4f",
                  eval::format_metric(a.det_f1(), a.measured_det_f1()).c_str(), a.true_positives,
                  a.false_positives, a.false_negatives, a.count_agree());
  return buf;
}

nlohmann::json report_agreement(const bench::StreamAgreement& a, const std::string& source) {
  std::printf("agreement over %d frames of %s (decoded results, deltacnn-eval's metrics):\n"
              "  delta vs dense: %s\n", a.frames, source.c_str(), metrics_text(a.vs_dense, a.pose).c_str());
  if (a.has_fp32) {
    std::printf("  delta vs fp32 dense: %s\n", metrics_text(a.vs_fp32_dense, a.pose).c_str());
    std::printf("  dense vs fp32 dense: %s\n", metrics_text(a.dense_vs_fp32_dense, a.pose).c_str());
  }
  std::printf("  %d of %d frames ran dense in the delta stream; delta frames: input active %.4f, "
              "MAC-weighted %.4f; one stream at a time: dense %.3f ms, delta %.3f ms per frame\n",
              a.keyframes, a.frames, a.delta_input_active, a.delta_mean_active, a.dense_ms, a.delta_ms);
  nlohmann::json j = metrics_json(a.vs_dense, a.pose);
  j["frames"] = a.frames;
  j["keyframes"] = a.keyframes;
  j["delta_input_active"] = a.delta_input_active;
  j["delta_mean_active"] = a.delta_mean_active;
  j["serial_dense_ms"] = a.dense_ms;
  j["serial_delta_ms"] = a.delta_ms;
  if (a.has_fp32) {
    j["delta_vs_fp32_dense"] = metrics_json(a.vs_fp32_dense, a.pose);
    j["dense_vs_fp32_dense"] = metrics_json(a.dense_vs_fp32_dense, a.pose);
  }
  return j;
}

// One delta stream with time_layers (CUDA events around every layer; graphs off, so launches
// are direct): per frame, the layers' summed GPU time against the wall time of run(), by op kind
// and the most expensive layers. The difference is what the host and the launches cost.
nlohmann::json report_layers(const std::shared_ptr<const CompiledModel>& model, DeltaSettings settings,
                             const std::vector<std::vector<float>>& frames, int count, const char* label) {
  settings.time_layers = true;
  Executor e(model, ExecMode::Delta, settings);
  std::vector<double> ms, active;
  std::vector<std::string> names, kinds;
  double wall = 0.0, gpu = 0.0;
  int measured = 0;
  for (int f = 0; f < count; ++f) {
    const auto t0 = std::chrono::steady_clock::now();
    e.run(frames[size_t(f) % frames.size()].data());
    const double frame_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const FrameStats& st = e.stats();
    if (ms.empty()) {
      ms.assign(st.layers.size(), 0.0);
      active.assign(st.layers.size(), 0.0);
      for (const LayerStat& l : st.layers) names.push_back(l.name), kinds.push_back(l.op);
    }
    if (f < 3 || st.keyframe) continue;  // steady-state delta frames only
    ++measured;
    wall += frame_ms;
    for (size_t k = 0; k < st.layers.size(); ++k) {
      ms[k] += st.layers[k].ms;
      active[k] += st.layers[k].active;
      gpu += st.layers[k].ms;
    }
  }
  nlohmann::json j;
  j["frames"] = measured;
  if (!measured) {
    std::printf("layers (%s): no steady delta frame among %d\n", label, count);
    return j;
  }
  std::map<std::string, double> by_kind;
  for (size_t k = 0; k < ms.size(); ++k) by_kind[kinds[k]] += ms[k] / measured;
  std::printf("layers (%s, %d steady delta frames, CUDA events, no graphs): wall %.3f ms per frame, "
              "layers' GPU time %.3f ms\n  by kind:", label, measured, wall / measured, gpu / measured);
  for (const auto& [kind, kms] : by_kind) std::printf(" %s %.3f", kind.c_str(), kms);
  std::printf("\n  top layers (ms, active):");
  std::vector<size_t> order(ms.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ms[a] > ms[b]; });
  nlohmann::json top = nlohmann::json::array();
  for (size_t i = 0; i < std::min<size_t>(8, order.size()); ++i) {
    const size_t k = order[i];
    std::printf(" %s %.3f %.2f;", names[k].c_str(), ms[k] / measured, active[k] / measured);
    top.push_back({{"name", names[k]}, {"op", kinds[k]}, {"ms", ms[k] / measured}, {"active", active[k] / measured}});
  }
  std::printf("\n");
  j["wall_ms"] = wall / measured;
  j["layers_gpu_ms"] = gpu / measured;
  j["by_kind_ms"] = by_kind;
  j["top"] = top;
  return j;
}

int run(const Args& args) {
  std::string model_path = args.model, name = args.model;
  int width = args.width, height = args.height;
  InputNormalization norm;
  DeltaSettings settings;
  if (!args.config.empty()) {
    const DeploymentConfig cfg = load_config(args.config);
    model_path = cfg.model_path;
    name = cfg.name;
    if (!width) width = cfg.input.width, height = cfg.input.height;
    for (int c = 0; c < 3; ++c) norm.mean[c] = cfg.input.mean[c], norm.std[c] = cfg.input.std[c];
    settings = to_delta_settings(cfg.delta);
  }
  if (args.threshold_scale >= 0.f) settings.threshold_scale = args.threshold_scale;
  if (args.input_threshold >= 0.f) settings.input_threshold = args.input_threshold;

  nlohmann::json agreement_json;
  if (args.agreement_frames > 0) {
    const BackendChoice backend = args.agreement_on_cpu ? BackendChoice::Cpu : BackendChoice::Cuda;
    const bench::StreamAgreement a = bench::measure_stream_agreement(load_config(args.config), backend,
                                                              args.precision, args.raw_frames,
                                                              args.agreement_frames);
    agreement_json = report_agreement(a, args.raw_frames);
    if (args.agreement_on_cpu) {
      if (args.json) std::printf("%s\n", nlohmann::json{{"backend", "cpu"}, {"agreement", agreement_json}}.dump().c_str());
      return 0;
    }
  }

  ir::ImportOptions import;
  import.input_width = width;
  import.input_height = height;
  ir::Graph graph = ir::import_onnx(model_path, import);
  ir::run_default_passes(graph);
  ir::infer_shapes(graph);
  const Shape in = graph.tensors.at(size_t(graph.input)).shape;
  // fp16: an fp32 model of the same graph is the reference its heads are measured against.
  std::shared_ptr<const CompiledModel> fp32_model;
  if (args.precision == Precision::F16) fp32_model = compile_model(graph, Backend::Cuda, norm);
  auto model = compile_model(std::move(graph), Backend::Cuda, norm, 0, args.precision);
  const bool real = !args.raw_frames.empty();
  const auto frames = real ? raw_frames(args.raw_frames, in.w, in.h, args.frames)
                           : synthetic_frames(in.w, in.h, std::min(args.frames, 32));

  // One stream: agreement of the delta heads with dense, and activity.
  Executor dense(model, ExecMode::Dense, settings), delta(model, ExecMode::Delta, settings);
  std::unique_ptr<Executor> fp32_dense;
  if (fp32_model) fp32_dense = std::make_unique<Executor>(fp32_model, ExecMode::Dense, settings);
  // max |a - b| / max |ref| over every head of the frame.
  auto max_rel = [](const Executor& a, const Executor& b, const Executor& ref) {
    double worst = 0.0;
    for (int h = 0; h < ref.num_outputs(); ++h) {
      const int64_t n = ref.output_shape(h).size();
      float scale = 1e-6f;
      for (int64_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(ref.output(h)[i]));
      for (int64_t i = 0; i < n; ++i)
        worst = std::max(worst, double(std::fabs(a.output(h)[i] - b.output(h)[i]) / scale));
    }
    return worst;
  };
  double max_err = 0.0, fp16_dense_err = 0.0, fp16_delta_err = 0.0, input_active = 0.0, mean_active = 0.0;
  for (int f = 0; f < args.frames; ++f) {
    const float* x = frames[size_t(f) % frames.size()].data();
    dense.run(x);
    delta.run(x);
    max_err = std::max(max_err, max_rel(dense, delta, dense));
    if (fp32_dense) {
      fp32_dense->run(x);
      fp16_dense_err = std::max(fp16_dense_err, max_rel(dense, *fp32_dense, *fp32_dense));
      fp16_delta_err = std::max(fp16_delta_err, max_rel(delta, *fp32_dense, *fp32_dense));
    }
    if (f > 0) input_active += delta.stats().input_active, mean_active += delta.stats().mean_active;
  }
  input_active /= args.frames - 1;
  mean_active /= args.frames - 1;
  std::printf("deltacnn-cuda-bench: %s  input %dx%d  %d %s frames (%zu distinct, cycled)  precision %s\n",
              name.c_str(), in.w, in.h, args.frames, real ? args.raw_frames.c_str() : "synthetic",
              frames.size(), to_string(args.precision));
  bench::print_settings_line(settings);
  std::printf("one stream: input active %.4f  mean active (MAC-weighted) %.4f  delta vs dense heads max rel %.4g\n",
              input_active, mean_active, max_err);
  if (fp32_dense)
    std::printf("fp16 vs fp32 dense heads max rel: dense %.4g  delta %.4g\n", fp16_dense_err, fp16_delta_err);
  nlohmann::json layers_json;
  if (args.layers) {
    DeltaSettings inf = settings;
    inf.threshold_scale = 1e30f;
    layers_json["as_configured"] = report_layers(model, settings, frames, args.frames, "as configured");
    layers_json["eps_inf"] = report_layers(model, inf, frames, args.frames, "eps=inf");
  }
  const nlohmann::json streams = bench::cuda_stream_report(model, settings, frames, args.frames - 1);
  if (args.json) {
    nlohmann::json j;
    j["model"] = name;
    j["backend"] = "cuda";
    j["precision"] = to_string(args.precision);
    if (fp32_dense) j["fp16_vs_fp32_dense_max_rel"] = {{"dense", fp16_dense_err}, {"delta", fp16_delta_err}};
    j["frames"] = args.frames;
    j["frame_source"] = real ? args.raw_frames : "synthetic";
    j["input_active"] = input_active;
    j["mean_active"] = mean_active;
    j["max_err"] = max_err;
    j["threshold_scale"] = settings.threshold_scale;
    j["cuda_streams"] = streams;
    if (!agreement_json.is_null()) j["agreement"] = agreement_json;
    if (!layers_json.is_null()) j["layers"] = layers_json;
    std::printf("%s\n", j.dump().c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  return dcnn::tools::run_tool("deltacnn-cuda-bench", [&] { return run(args); });
}
