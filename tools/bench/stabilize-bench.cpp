// stabilize-bench: what the stabiliser (engine/stabilize/input_stabilizer.h) costs per frame,
// stage by stage, on vtest frames perturbed as deltacnn-eval perturbs them.
//
//   stabilize-bench --video data/vtest.avi [--frames 40] [--repeat 5] [--perturb shake]
//                   [--perturb-seed 1] [--stabilize both] [--whole-pixels]
//
// The frames are decoded, perturbed and converted to the model input (768x576 RGB floats, the
// video's own size) first; then each repeat runs a fresh stabiliser over all of them. Per frame
// the fastest repeat counts (best-of-N: the machine may be shared), and the table is the mean
// of those over the frames after the first (the first only stores the reference).
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/stabilize/input_stabilizer.h"
#include "tools/common/command_line.h"
#include "tools/common/tool_main.h"
#include "tools/common/video_file.h"
#include "tools/eval/perturb.h"

namespace {

struct Args {
  std::string video;
  int frames = 40, repeat = 5;
  std::string perturb = "shake";
  int perturb_seed = 1;
  std::string stabilize = "both";
  bool whole_pixels = false;
};

const char* const kUsage =
    "usage: stabilize-bench --video V.avi [--frames N] [--repeat R] [--perturb none|shake|drift|flicker|shake-flicker]\n"
    "                       [--perturb-seed N] [--stabilize shift|exposure|both] [--whole-pixels]\n"
    "  Per-frame cost of the input stabiliser by stage (luma, shift, exposure, warp), best of R\n"
    "  repeats per frame, on the video's first N frames (default 40, 5 repeats, shake, both).\n";

Args parse_args(int argc, char** argv) {
  return dcnn::tools::parse_or_exit("stabilize-bench", kUsage, [&] {
    Args a;
    dcnn::tools::CommandLine cl(argc, argv);
    while (cl.next()) {
      if (cl.is("--video")) a.video = cl.text();
      else if (cl.is("--frames")) a.frames = int(cl.integer(2, 100000));
      else if (cl.is("--repeat")) a.repeat = int(cl.integer(1, 1000));
      else if (cl.is("--perturb")) a.perturb = cl.choice(dcnn::eval::kPerturbationNames);
      else if (cl.is("--perturb-seed")) a.perturb_seed = int(cl.integer(0, 1000000000));
      else if (cl.is("--stabilize")) a.stabilize = cl.choice("shift|exposure|both");
      else if (cl.is("--whole-pixels")) a.whole_pixels = true;
      else cl.unknown();
    }
    if (a.video.empty()) throw dcnn::tools::UsageError("--video is required");
    return a;
  });
}

using Clock = std::chrono::steady_clock;

int run(const Args& args) {
  cv::VideoCapture video = dcnn::tools::open_video_file(args.video);
  dcnn::eval::Perturber perturber(dcnn::eval::perturbation_from(args.perturb), uint32_t(args.perturb_seed));
  std::vector<cv::Mat> inputs;  // RGB float model inputs
  cv::Mat frame;
  while (int(inputs.size()) < args.frames && video.read(frame)) {
    cv::Mat rgb, input;
    cv::cvtColor(dcnn::eval::perturbed(frame, perturber.next()), rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(input, CV_32FC3);
    inputs.push_back(input);
  }
  if (inputs.size() < 2)
    throw dcnn::Error(dcnn::ErrorKind::Input, args.video + ": fewer than 2 frames; expected a longer video");
  dcnn::tools::warn_if_short("stabilize-bench", args.video, int(inputs.size()), args.frames);
  const int width = inputs[0].cols, height = inputs[0].rows;

  dcnn::StabilizeSettings settings;
  settings.shift = args.stabilize != "exposure";
  settings.exposure = args.stabilize != "shift";
  settings.subpixel = !args.whole_pixels;
  const size_t n = inputs.size();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> best_total(n, kInf);
  std::vector<dcnn::StabilizeTimes> best_stage(n, dcnn::StabilizeTimes{kInf, kInf, kInf, kInf});
  int new_references = 0, compensated = 0;
  for (int r = 0; r < args.repeat; ++r) {
    dcnn::InputStabilizer stabilizer(settings, width, height);
    new_references = 0;
    compensated = 0;
    for (size_t i = 0; i < n; ++i) {
      const auto t0 = Clock::now();
      const dcnn::StabilizeResult s = stabilizer.apply(inputs[i].ptr<float>());
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      new_references += s.new_reference;
      compensated += s.exposure_compensated;
      best_total[i] = std::min(best_total[i], ms);
      dcnn::StabilizeTimes& b = best_stage[i];
      b.luma = std::min(b.luma, s.ms.luma);
      b.shift = std::min(b.shift, s.ms.shift);
      b.exposure = std::min(b.exposure, s.ms.exposure);
      b.warp = std::min(b.warp, s.ms.warp);
    }
  }
  dcnn::StabilizeTimes mean;
  double total = 0.0;
  for (size_t i = 1; i < n; ++i) {
    total += best_total[i];
    mean.luma += best_stage[i].luma;
    mean.shift += best_stage[i].shift;
    mean.exposure += best_stage[i].exposure;
    mean.warp += best_stage[i].warp;
  }
  const double k = double(n - 1);
  std::printf("stabilize-bench: %zu frames %dx%d, perturb %s (seed %d), stabilize %s%s, best of %d, "
              "%d new references, %d frames exposure-compensated\n",
              n, width, height, args.perturb.c_str(), args.perturb_seed, args.stabilize.c_str(),
              args.whole_pixels ? " (whole pixels)" : "", args.repeat, new_references, compensated);
  std::printf("  luma %.3f  shift %.3f  exposure %.3f  warp %.3f  total %.3f ms/frame\n", mean.luma / k,
              mean.shift / k, mean.exposure / k, mean.warp / k, total / k);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  return dcnn::tools::run_tool("stabilize-bench", [&] { return run(args); });
}
