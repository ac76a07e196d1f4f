#include "tools/eval/perturb.h"

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

Perturber::Perturber(Perturbation kind, uint32_t seed) : kind_(kind), rng_(seed) {}

FramePerturbation Perturber::next() {
  FramePerturbation p;
  std::uniform_real_distribution<double> shake(0.0, 3.0), gain(0.9, 1.1);
  switch (kind_) {
    case Perturbation::None: break;
    case Perturbation::Shake:
      p.dx = shake(rng_);
      p.dy = shake(rng_);
      break;
    case Perturbation::Drift:
      p.dx = 0.2 * double(frame_) + shake(rng_);
      p.dy = shake(rng_);
      break;
    case Perturbation::Flicker: p.gain = gain(rng_); break;
    case Perturbation::ShakeFlicker:
      p.dx = shake(rng_);
      p.dy = shake(rng_);
      p.gain = gain(rng_);
      break;
  }
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
