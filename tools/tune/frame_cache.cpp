#include "tools/tune/frame_cache.h"

#include <opencv2/videoio.hpp>

#include <chrono>

#include "engine/core/error.h"
#include "tools/common/video_file.h"
#include "tools/tune/scoring.h"

namespace dcnn::tune {

FrameCache build_frame_cache(const std::shared_ptr<Model>& model, const std::string& video, int frames) {
  // Checked first: OpenCV would otherwise try the name as a GStreamer pipeline and print noise.
  cv::VideoCapture capture = tools::open_video_file(video);

  const DeploymentConfig& cfg = model->config();
  StreamOptions dense_options = StreamOptions::from(cfg);
  dense_options.mode = ExecMode::Dense;
  Stream dense(model, dense_options);
  const Preprocessor pre(cfg.input);
  const bool pose = model->info().task == Task::Pose;

  FrameCache cache;
  double total_ms = 0.0;
  cv::Mat frame;
  while (int(cache.inputs.size()) < frames && capture.read(frame)) {
    std::vector<float> input(size_t(cfg.input.width) * cfg.input.height * 3);
    pre.run(tools::bgr_view(frame), input.data());

    const auto t0 = std::chrono::steady_clock::now();
    FrameResult r = dense.process_input(input.data(), frame.cols, frame.rows);
    total_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    add_frame(pose, r.objects, r.objects, cache.totals);
    cache.dense.push_back(std::move(r.objects));
    cache.inputs.push_back(std::move(input));
    cache.frame_width = frame.cols;
    cache.frame_height = frame.rows;
  }
  if (cache.inputs.size() < 2)
    throw Error(ErrorKind::Input, video + ": fewer than 2 frames could be read; expected a video of at least 2 frames");
  tools::warn_if_short("deltacnn-tune", video, int(cache.inputs.size()), frames);
  cache.dense_ms = total_ms / double(cache.inputs.size());
  return cache;
}

}  // namespace dcnn::tune
