#include "tools/tune/trial.h"

#include <chrono>

namespace dcnn::tune {

TrialResult run_trial(const std::shared_ptr<const Model>& model, const FrameCache& cache,
                      const DeltaSettings& settings, const Targets& targets,
                      std::chrono::steady_clock::time_point deadline) {
  StreamOptions options = StreamOptions::from(model->config());
  options.mode = ExecMode::Delta;
  options.delta = settings;
  Stream stream(model, options);

  TrialResult result;
  double active_sum = 0.0, ms_sum = 0.0;
  int delta_frames = 0;
  for (size_t i = 0; i < cache.inputs.size(); ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const FrameResult r = stream.process_input(cache.inputs[i].data(), cache.frame_width, cache.frame_height);
    ms_sum += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!r.stats.keyframe) {
      active_sum += r.stats.mean_active;
      ++delta_frames;
    }
    add_frame(targets.pose, cache.dense[i], r.objects, result.agreement);
    ++result.frames_run;
    if (!targets.still_possible(result.agreement, cache.totals)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = i + 1 < cache.inputs.size();
      break;
    }
  }
  result.mean_active = delta_frames ? active_sum / delta_frames : 1.0;
  result.delta_ms = ms_sum / result.frames_run;
  result.passed = result.frames_run == int(cache.inputs.size()) && targets.met(result.agreement);
  return result;
}

}  // namespace dcnn::tune
