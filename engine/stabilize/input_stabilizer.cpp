#include "engine/stabilize/input_stabilizer.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "engine/core/error.h"

namespace dcnn {
namespace {

// Shifts below this (model pixels) are left alone: resampling would cost more than it saves.
constexpr double kNegligibleShift = 0.05;
// Gains within 1 +- this and offsets within this many levels are not worth compensating.
constexpr double kNegligibleGain = 0.01, kNegligibleOffset = 1.0;

}  // namespace

InputStabilizer::InputStabilizer(const StabilizeSettings& settings, int width, int height)
    : settings_(settings), width_(width), height_(height), shift_(2), exposure_(4),
      last_fed_(size_t(width) * height * 3) {
  if (width <= 0 || height <= 0)
    throw Error(ErrorKind::Input, "stabilizer: model input " + std::to_string(width) + "x" +
                                      std::to_string(height) + "; expected a positive size");
  if (!(settings.max_offset > 0.f))
    throw Error(ErrorKind::Config, "stabilize.max_offset is " + std::to_string(settings.max_offset) +
                                       "; expected model input pixels > 0");
  if (!(settings.min_confidence >= 0.f && settings.min_confidence < 1.f))
    throw Error(ErrorKind::Config, "stabilize.min_confidence is " + std::to_string(settings.min_confidence) +
                                       "; expected a value in [0, 1)");
  if (!(settings.max_gain_change > 0.f && settings.max_gain_change < 1.f))
    throw Error(ErrorKind::Config, "stabilize.max_gain_change is " + std::to_string(settings.max_gain_change) +
                                       "; expected a value in (0, 1)");
}

void InputStabilizer::reset() { has_reference_ = false; }

StabilizeResult InputStabilizer::start_reference(float* input, const cv::Mat& luma) {
  reference_luma_ = luma.clone();
  if (settings_.shift) shift_.set_reference(reference_luma_);
  std::memcpy(last_fed_.data(), input, last_fed_.size() * sizeof(float));
  has_reference_ = true;
  StabilizeResult r;
  r.new_reference = true;
  return r;
}

StabilizeResult InputStabilizer::apply(float* input) {
  cv::Mat frame(height_, width_, CV_32FC3, input);
  const cv::Mat luma = luma_of(input, width_, height_);
  if (!has_reference_) return start_reference(input, luma);

  StabilizeResult r;
  cv::Mat aligned_luma = luma;
  if (settings_.shift) {
    const ShiftEstimate e = shift_.estimate(luma);
    r.confidence = e.confidence;
    if (e.confidence < settings_.min_confidence || std::hypot(e.dx, e.dy) > settings_.max_offset)
      return start_reference(input, luma);
    const double dx = settings_.subpixel ? e.dx : std::round(e.dx);
    const double dy = settings_.subpixel ? e.dy : std::round(e.dy);
    if (std::fabs(dx) >= kNegligibleShift || std::fabs(dy) >= kNegligibleShift) {
      r.dx = dx;
      r.dy = dy;
      // aligned(x) = frame(x + d); where x + d falls outside the frame the last fed value stays
      // (BORDER_TRANSPARENT leaves those destination pixels as they are).
      cv::Mat aligned(height_, width_, CV_32FC3, last_fed_.data());
      const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, dx, 0, 1, dy);
      cv::warpAffine(frame, aligned, m, frame.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                     cv::BORDER_TRANSPARENT);
      std::memcpy(input, last_fed_.data(), last_fed_.size() * sizeof(float));
      aligned_luma = luma_of(input, width_, height_);
    }
  }
  if (settings_.exposure) {
    const ExposureEstimate x = exposure_.estimate(reference_luma_, aligned_luma);
    r.gain = x.gain;
    r.offset = x.offset;
    const bool worth = std::fabs(x.gain - 1.0) > kNegligibleGain || std::fabs(x.offset) > kNegligibleOffset;
    if (x.global && worth && std::fabs(x.gain - 1.0) <= settings_.max_gain_change && x.gain > 0.0) {
      // (frame - offset) / gain, the same map for the three channels (the fit is on luma, which
      // is their weighted sum, so a common gain/offset carries over exactly).
      frame.convertTo(frame, CV_32FC3, 1.0 / x.gain, -x.offset / x.gain);
      cv::min(frame, 255.0, frame);
      cv::max(frame, 0.0, frame);
      r.exposure_compensated = true;
    }
  }
  std::memcpy(last_fed_.data(), input, last_fed_.size() * sizeof(float));
  return r;
}

}  // namespace dcnn
