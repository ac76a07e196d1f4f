#include "tools/bench/stream_agreement.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "engine/core/error.h"
#include "tools/bench/raw_frame_file.h"

namespace dcnn::bench {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

StreamAgreement measure_stream_agreement(const DeploymentConfig& cfg, BackendChoice backend,
                                         Precision precision, const std::string& raw_path,
                                         int max_frames) {
  RawFrameFile file(raw_path, cfg.input.width, cfg.input.height, "agreement frames");
  ModelOptions options;
  options.backend = backend;
  options.precision = precision;
  const auto model = Model::load(cfg, options);
  std::shared_ptr<Model> fp32_model;
  if (precision != Precision::F32) {
    options.precision = Precision::F32;
    fp32_model = Model::load(cfg, options);
  }
  StreamOptions dense_options = StreamOptions::from(cfg), delta_options = dense_options;
  dense_options.mode = ExecMode::Dense;
  Stream dense(model, dense_options), delta(model, delta_options);
  std::unique_ptr<Stream> fp32_dense;
  if (fp32_model) fp32_dense = std::make_unique<Stream>(fp32_model, dense_options);

  StreamAgreement result;
  result.pose = model->info().task == Task::Pose;
  result.has_fp32 = fp32_dense != nullptr;
  const int w = cfg.input.width, h = cfg.input.height;
  std::vector<float> input;
  int delta_frames = 0;
  while (result.frames < max_frames && file.next(input)) {
    auto t0 = std::chrono::steady_clock::now();
    const FrameResult d = dense.process_input(input.data(), w, h);
    result.dense_ms += ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    const FrameResult s = delta.process_input(input.data(), w, h);
    result.delta_ms += ms_since(t0);
    eval::add_frame(result.pose, d.objects, s.objects, result.vs_dense);
    if (fp32_dense) {
      const FrameResult r = fp32_dense->process_input(input.data(), w, h);
      eval::add_frame(result.pose, r.objects, s.objects, result.vs_fp32_dense);
      eval::add_frame(result.pose, r.objects, d.objects, result.dense_vs_fp32_dense);
    }
    if (s.stats.keyframe) {
      ++result.keyframes;
    } else {
      result.delta_mean_active += s.stats.mean_active;
      result.delta_input_active += s.stats.input_active;
      ++delta_frames;
    }
    ++result.frames;
  }
  if (result.frames == 0)
    throw Error(ErrorKind::Input, "agreement frames " + raw_path + ": no whole frame of " +
                                      std::to_string(w) + "x" + std::to_string(h) + " RGB (" +
                                      std::to_string(file.frame_bytes()) + " bytes); expected frames at the "
                                      "config's input size");
  result.dense_ms /= result.frames;
  result.delta_ms /= result.frames;
  if (delta_frames) {
    result.delta_mean_active /= delta_frames;
    result.delta_input_active /= delta_frames;
  }
  return result;
}

}  // namespace dcnn::bench
