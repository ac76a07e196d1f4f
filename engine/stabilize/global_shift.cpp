#include "engine/stabilize/global_shift.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/core/error.h"

namespace dcnn {

GlobalShiftEstimator::GlobalShiftEstimator(int downscale) : downscale_(downscale) {
  if (downscale < 1)
    throw Error(ErrorKind::Config, "stabilize downscale is " + std::to_string(downscale) + "; expected 1 or more");
}

cv::Mat GlobalShiftEstimator::prepare(const cv::Mat& luma) const {
  if (luma.channels() != 1 || (luma.depth() != CV_32F && luma.depth() != CV_8U))
    throw Error(ErrorKind::Input, "shift estimation: expected one 8-bit or float luma plane");
  cv::Mat small;
  if (downscale_ > 1)
    cv::resize(luma, small, cv::Size(luma.cols / downscale_, luma.rows / downscale_), 0, 0, cv::INTER_AREA);
  else
    small = luma;
  cv::Mat out;
  small.convertTo(out, CV_64F);
  return out;
}

void GlobalShiftEstimator::set_reference(const cv::Mat& luma) {
  if (luma.cols / downscale_ < 8 || luma.rows / downscale_ < 8)
    throw Error(ErrorKind::Input, "shift estimation: a " + std::to_string(luma.cols) + "x" +
                                      std::to_string(luma.rows) + " plane at downscale " +
                                      std::to_string(downscale_) + " is too small; expected at least 8x8 after downscaling");
  reference_ = prepare(luma);
  full_size_ = luma.size();
  if (window_.size() != reference_.size()) cv::createHanningWindow(window_, reference_.size(), CV_64F);
  // Central differences (Sobel's 3x3 smoothing would bias the fine step on fine texture).
  cv::Sobel(reference_, grad_x_, CV_64F, 1, 0, 1, 0.5);
  cv::Sobel(reference_, grad_y_, CV_64F, 0, 1, 1, 0.5);
}

ShiftEstimate GlobalShiftEstimator::estimate(const cv::Mat& luma) const {
  if (reference_.empty()) throw Error(ErrorKind::Input, "shift estimation: no reference frame set");
  if (luma.size() != full_size_)
    throw Error(ErrorKind::Input, "shift estimation: plane is " + std::to_string(luma.cols) + "x" +
                                      std::to_string(luma.rows) + ", the reference " +
                                      std::to_string(full_size_.width) + "x" + std::to_string(full_size_.height));
  const cv::Mat frame = prepare(luma);
  double response = 0.0;
  const cv::Point2d coarse = cv::phaseCorrelate(reference_, frame, window_, &response);
  const cv::Point2d fine = refine(frame, coarse);
  ShiftEstimate e;
  e.dx = fine.x * downscale_;
  e.dy = fine.y * downscale_;
  e.confidence = response;
  return e;
}

// Phase correlation's sub-pixel peak is biased by up to a quarter pixel on natural textures
// (measured: 0.2 px at full resolution, 0.9 px at downscale 4). A few Gauss-Newton steps on the
// brightness-constancy model fix that: warp the frame back by the estimate, and solve
// ref_gradient . e = warped - ref for the remaining shift e by least squares, leaving out the
// border the warp exposed and the pixels that do not follow the model (moving objects:
// residual above 3 robust sigmas).
cv::Point2d GlobalShiftEstimator::refine(const cv::Mat& frame, cv::Point2d s) const {
  const int margin = 2 + int(std::ceil(std::max(std::fabs(s.x), std::fabs(s.y))));
  if (2 * margin + 4 >= std::min(frame.cols, frame.rows)) return s;  // too large a shift to refine
  for (int iter = 0; iter < 4; ++iter) {
    cv::Mat warped;
    const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, -s.x, 0, 1, -s.y);
    cv::warpAffine(frame, warped, m, frame.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    const cv::Rect inner(margin, margin, frame.cols - 2 * margin, frame.rows - 2 * margin);
    const cv::Mat r = warped(inner) - reference_(inner);
    const cv::Mat gx = grad_x_(inner), gy = grad_y_(inner);
    std::vector<double> absr(r.begin<double>(), r.end<double>());
    for (double& v : absr) v = std::fabs(v);
    std::nth_element(absr.begin(), absr.begin() + absr.size() / 2, absr.end());
    const double cut = 3.0 * std::max(1.4826 * absr[absr.size() / 2], 0.5);
    double a = 0, b = 0, c = 0, u = 0, v = 0;
    for (int y = 0; y < r.rows; ++y) {
      const double* pr = r.ptr<double>(y);
      const double* px = gx.ptr<double>(y);
      const double* py = gy.ptr<double>(y);
      for (int x = 0; x < r.cols; ++x) {
        if (std::fabs(pr[x]) > cut) continue;
        a += px[x] * px[x];
        b += px[x] * py[x];
        c += py[x] * py[x];
        u += px[x] * pr[x];
        v += py[x] * pr[x];
      }
    }
    const double det = a * c - b * b;
    if (det <= 1e-9 * (a + c) * (a + c) || det <= 0) break;  // no texture: keep the coarse estimate
    // warped(x) = frame(x + s) ~ ref(x + s - d) ~ ref(x) + g . (s - d): e = s - d.
    const double ex = (c * u - b * v) / det, ey = (a * v - b * u) / det;
    s.x -= ex;
    s.y -= ey;
    if (std::fabs(ex) < 1e-3 && std::fabs(ey) < 1e-3) break;
  }
  return s;
}

cv::Mat luma_of(const float* rgb, int width, int height) {
  cv::Mat luma(height, width, CV_32FC1);
  for (int y = 0; y < height; ++y) {
    const float* p = rgb + size_t(y) * width * 3;
    float* o = luma.ptr<float>(y);
    for (int x = 0; x < width; ++x) o[x] = 0.299f * p[3 * x] + 0.587f * p[3 * x + 1] + 0.114f * p[3 * x + 2];
  }
  return luma;
}

}  // namespace dcnn
