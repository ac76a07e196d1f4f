#include "tools/eval/perturb.h"

#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "engine/core/error.h"

namespace dcnn::eval {

Perturbation perturbation_from(const std::string& name) {
  if (name == "none") return Perturbation::None;
  if (name == "shake") return Perturbation::Shake;
  if (name == "drift") return Perturbation::Drift;
  if (name == "flicker") return Perturbation::Flicker;
  if (name == "shake-flicker") return Perturbation::ShakeFlicker;
  throw Error(ErrorKind::Config, "perturbation '" + name + "'; expected none, shake, drift, flicker or shake-flicker");
}

bool moves_frames(Perturbation kind) {
  return kind == Perturbation::Shake || kind == Perturbation::Drift || kind == Perturbation::ShakeFlicker;
}

bool changes_gain(Perturbation kind) { return kind == Perturbation::Flicker || kind == Perturbation::ShakeFlicker; }

Perturber::Perturber(Perturbation kind, uint32_t seed) : kind_(kind), rng_(seed) {}

FramePerturbation Perturber::next() {
  FramePerturbation p;
  std::uniform_real_distribution<double> shake(0.0, 3.0), gain(0.9, 1.1);
  // Drawn in this order (x, y, gain), so that a seed gives every kind the same clip as before.
  if (moves_frames(kind_)) {
    p.dx = shake(rng_);
    p.dy = shake(rng_);
  }
  if (kind_ == Perturbation::Drift) p.dx += 0.2 * double(frame_);
  if (changes_gain(kind_)) p.gain = gain(rng_);
  ++frame_;
  return p;
}

cv::Mat perturbed(const cv::Mat& frame, const FramePerturbation& p) {
  cv::Mat out = frame;
  if (p.dx != 0.0 || p.dy != 0.0) {
    const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, p.dx, 0, 1, p.dy);
    cv::warpAffine(frame, out, m, frame.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  }
  if (p.gain != 1.0) out.convertTo(out, -1, p.gain, 0.0);  // saturating for 8-bit frames
  return out;
}

void burn_clock_overlay(cv::Mat& frame, int64_t frame_index) {
  const cv::Rect box(16, 16, 272, 32);
  cv::rectangle(frame, box & cv::Rect(0, 0, frame.cols, frame.rows), cv::Scalar::all(0), cv::FILLED);
  const int64_t seconds = frame_index / 10;
  char text[64];
  std::snprintf(text, sizeof text, "2026-12-06 03:%02d:%02d", int(seconds / 60 % 60), int(seconds % 60));
  cv::putText(frame, text, cv::Point(box.x + 6, box.y + 24), cv::FONT_HERSHEY_SIMPLEX, 0.7,
              cv::Scalar::all(255), 2, cv::LINE_AA);
}

void to_original(std::vector<Detection>& objects, const FramePerturbation& p) {
  const float dx = float(p.dx), dy = float(p.dy);
  for (Detection& o : objects) {
    o.x_min -= dx;
    o.x_max -= dx;
    o.y_min -= dy;
    o.y_max -= dy;
    for (Keypoint& k : o.keypoints) {
      k.x -= dx;
      k.y -= dy;
    }
  }
}

}  // namespace dcnn::eval
