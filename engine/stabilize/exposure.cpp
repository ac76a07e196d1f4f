#include "engine/stabilize/exposure.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/core/error.h"

namespace dcnn {
namespace {

struct Fit {
  double gain = 1.0, offset = 0.0;
};

// Least squares of f = g * r + o over the pixels with use[i] set; identity when degenerate
// (a flat reference carries no gain information).
Fit fit(const std::vector<float>& r, const std::vector<float>& f, const std::vector<uint8_t>& use) {
  double n = 0, sr = 0, sf = 0, srr = 0, srf = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    if (!use[i]) continue;
    n += 1;
    sr += r[i];
    sf += f[i];
    srr += double(r[i]) * r[i];
    srf += double(r[i]) * f[i];
  }
  Fit out;
  if (n < 2) return out;
  const double var = srr - sr * sr / n;
  if (var < 1e-6 * n) {  // flat: only an offset is observable
    out.offset = (sf - sr) / n;
    return out;
  }
  out.gain = (srf - sr * sf / n) / var;
  out.offset = (sf - out.gain * sr) / n;
  return out;
}

std::vector<float> flat_small(const cv::Mat& plane, int downscale) {
  cv::Mat small, f32;
  if (downscale > 1)
    cv::resize(plane, small, cv::Size(std::max(1, plane.cols / downscale), std::max(1, plane.rows / downscale)), 0, 0,
               cv::INTER_AREA);
  else
    small = plane;
  small.convertTo(f32, CV_32F);
  return std::vector<float>(f32.begin<float>(), f32.end<float>());
}

}  // namespace

ExposureEstimator::ExposureEstimator(int downscale, double min_inliers, double tolerance)
    : downscale_(downscale), min_inliers_(min_inliers), tolerance_(tolerance) {
  if (!(tolerance > 0.0))
    throw Error(ErrorKind::Config, "exposure tolerance is " + std::to_string(tolerance) + "; expected luma levels > 0");
  if (downscale < 1)
    throw Error(ErrorKind::Config, "exposure downscale is " + std::to_string(downscale) + "; expected 1 or more");
  if (!(min_inliers > 0.0 && min_inliers <= 1.0))
    throw Error(ErrorKind::Config, "exposure min_inliers is " + std::to_string(min_inliers) + "; expected a fraction in (0, 1]");
}

ExposureEstimate ExposureEstimator::estimate(const cv::Mat& reference, const cv::Mat& frame) const {
  auto ok = [](const cv::Mat& m) { return m.channels() == 1 && (m.depth() == CV_32F || m.depth() == CV_8U); };
  if (!ok(reference) || !ok(frame) || reference.size() != frame.size() || reference.empty())
    throw Error(ErrorKind::Input, "exposure estimation: expected two one-channel 8-bit or float planes of one size");
  const std::vector<float> r = flat_small(reference, downscale_), f = flat_small(frame, downscale_);
  std::vector<uint8_t> use(r.size(), 1);
  Fit m = fit(r, f, use);
  // Two rounds of refitting on inliers (residual within 3 robust sigmas, 1.4826 x MAD, and never
  // below the tolerance), then the final inliers: the pixels within the tolerance. A robust
  // sigma alone would call two unrelated scenes "global": their residuals are all large alike.
  std::vector<float> res(r.size());
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < r.size(); ++i) res[i] = std::fabs(f[i] - float(m.gain * r[i] + m.offset));
    if (round == 2) break;
    std::vector<float> sorted = res;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double cut = std::max(3.0 * 1.4826 * sorted[sorted.size() / 2], tolerance_);
    for (size_t i = 0; i < r.size(); ++i) use[i] = res[i] <= cut;
    m = fit(r, f, use);
  }
  for (size_t i = 0; i < r.size(); ++i) use[i] = res[i] <= tolerance_;
  ExposureEstimate e;
  e.gain = m.gain;
  e.offset = m.offset;
  double inliers = 0, sq = 0;
  for (size_t i = 0; i < r.size(); ++i)
    if (use[i]) {
      inliers += 1;
      sq += double(res[i]) * res[i];
    }
  e.inlier_fraction = inliers / double(r.size());
  e.residual = inliers > 0 ? std::sqrt(sq / inliers) : 0.0;
  e.global = e.inlier_fraction >= min_inliers_;
  return e;
}

}  // namespace dcnn
