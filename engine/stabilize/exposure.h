// Global brightness change between a frame and a reference (auto-exposure, clouds, flicker), for
// the exposure-compensated input delta test of docs/stabilize.md.
//
// Model: frame = gain * reference + offset on the pixels that did not move. Fitted by least
// squares on a downscaled luma plane, then refitted on the inliers (residual within a few
// robust standard deviations, and never cut below the noise tolerance), so that people and cars, which do not follow the model, do not
// pull the fit. The change is called global when most pixels follow the model closely; a
// real scene change (a cut, a big object) leaves many outliers and is not compensated.
#pragma once

#include <opencv2/core.hpp>

namespace dcnn {

struct ExposureEstimate {
  double gain = 1.0, offset = 0.0;  // frame ~ gain * reference + offset (luma units 0..255)
  double inlier_fraction = 0.0;     // share of pixels that follow the model
  double residual = 0.0;            // RMS residual of the inliers (luma units)
  bool global = false;              // the change is a global gain/offset, safe to compensate
};

class ExposureEstimator {
 public:
  // downscale: plane shrink factor; a pixel follows the model when its residual is within
  // `tolerance` luma levels (codec and sensor noise); the change is global when at least
  // `min_inliers` of the pixels do.
  explicit ExposureEstimator(int downscale = 4, double min_inliers = 0.8, double tolerance = 8.0);
  // Both planes one channel, 8-bit or float, same size.
  ExposureEstimate estimate(const cv::Mat& reference, const cv::Mat& frame) const;

 private:
  int downscale_;
  double min_inliers_;
  double tolerance_;
};

}  // namespace dcnn
