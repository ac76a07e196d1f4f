#include "engine/stabilize/phase_correlator.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace dcnn {

cv::Mat PhaseCorrelator::spectrum(const cv::Mat& plane) const {
  cv::Mat padded = cv::Mat::zeros(padded_, CV_32FC1);
  cv::Mat inner = padded(cv::Rect(cv::Point(0, 0), size_));
  // Mean removed first: the window times a constant (and a brightness offset between the
  // frames) is a low-frequency pattern that sits at zero shift in both and pulls the peak there.
  cv::subtract(plane, cv::mean(plane), inner);
  cv::multiply(inner, window_, inner);
  cv::Mat spec;
  cv::dft(padded, spec, cv::DFT_COMPLEX_OUTPUT);
  return spec;
}

void PhaseCorrelator::set_reference(const cv::Mat& reference) {
  CV_Assert(reference.type() == CV_32FC1);
  if (reference.size() != size_) {
    size_ = reference.size();
    padded_ = cv::Size(cv::getOptimalDFTSize(size_.width), cv::getOptimalDFTSize(size_.height));
    cv::createHanningWindow(window_, size_, CV_32F);
  }
  const cv::Mat spec = spectrum(reference);
  reference_conj_.create(spec.size(), CV_32FC2);
  for (int y = 0; y < spec.rows; ++y) {
    const cv::Vec2f* s = spec.ptr<cv::Vec2f>(y);
    cv::Vec2f* c = reference_conj_.ptr<cv::Vec2f>(y);
    for (int x = 0; x < spec.cols; ++x) c[x] = cv::Vec2f(s[x][0], -s[x][1]);
  }
}

PhaseShift PhaseCorrelator::correlate(const cv::Mat& frame) const {
  CV_Assert(frame.type() == CV_32FC1 && frame.size() == size_ && !empty());
  cv::Mat cross = spectrum(frame);
  // Normalised cross-power spectrum F * conj(R) / |F * conj(R)|: only the phase difference,
  // whose inverse transform is a peak at the shift d (frame(x) = reference(x - d)).
  for (int y = 0; y < cross.rows; ++y) {
    cv::Vec2f* f = cross.ptr<cv::Vec2f>(y);
    const cv::Vec2f* r = reference_conj_.ptr<cv::Vec2f>(y);
    for (int x = 0; x < cross.cols; ++x) {
      const float re = f[x][0] * r[x][0] - f[x][1] * r[x][1];
      const float im = f[x][0] * r[x][1] + f[x][1] * r[x][0];
      const float mag = std::sqrt(re * re + im * im);
      const float inv = mag > 1e-20f ? 1.f / mag : 0.f;
      f[x] = cv::Vec2f(re * inv, im * inv);
    }
  }
  cv::Mat corr;
  cv::idft(cross, corr, cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
  cv::Point peak;
  cv::minMaxLoc(corr, nullptr, nullptr, nullptr, &peak);
  // Weighted centroid of the 5x5 neighbourhood (wrapping around: the correlation is circular).
  const int w = corr.cols, h = corr.rows;
  double sum = 0.0, sx = 0.0, sy = 0.0;
  for (int oy = -2; oy <= 2; ++oy)
    for (int ox = -2; ox <= 2; ++ox) {
      const double v = corr.at<float>((peak.y + oy + h) % h, (peak.x + ox + w) % w);
      sum += v;
      sx += v * ox;
      sy += v * oy;
    }
  PhaseShift out;
  out.response = sum;
  const double cx = sum > 0.0 ? sx / sum : 0.0, cy = sum > 0.0 ? sy / sum : 0.0;
  // Peaks past half the plane are negative shifts.
  out.dx = (peak.x > w / 2 ? peak.x - w : peak.x) + cx;
  out.dy = (peak.y > h / 2 ? peak.y - h : peak.y) + cy;
  return out;
}

}  // namespace dcnn
