// Global translation between a frame and a reference frame (camera shake, slow drift), for the
// stabilised delta input of docs/stabilize.md.
//
// Phase correlation on a downscaled luma plane, refined by a few Gauss-Newton steps: cheap (an
// FFT of a ~200x150 plane), sub-pixel, and robust to the moving people and cars of a surveillance scene, which add their own small
// peaks but leave the background's peak the highest as long as the background dominates.
// The peak's height (OpenCV's `response`, 0..1) is the confidence: a low peak means the frame
// is not a shifted copy of the reference (a scene cut, a large pan, heavy motion, low texture).
#pragma once

#include <opencv2/core.hpp>

namespace dcnn {

struct ShiftEstimate {
  // The content of `frame` sits at reference position + (dx, dy), in full-resolution pixels of
  // the plane given to estimate(): frame(x, y) ~ reference(x - dx, y - dy).
  double dx = 0.0, dy = 0.0;
  double confidence = 0.0;  // phase-correlation peak height, 0..1
};

class GlobalShiftEstimator {
 public:
  // downscale: the luma plane is shrunk by this factor before correlating (speed; shifts are
  // scaled back up). 1 keeps full resolution. Worst error measured on the synthetic scenes of
  // tests/stabilize: 0.03 px at 1, 0.06 px at 2, 0.22 px at 4 (fine texture aliases).
  explicit GlobalShiftEstimator(int downscale = 2);

  // Stores `luma` (CV_32FC1 or CV_8UC1, one plane) as the reference.
  void set_reference(const cv::Mat& luma);
  bool has_reference() const { return !reference_.empty(); }
  // Shift of `luma` (same size as the reference) against the reference. Throws dcnn::Error
  // (Input) when there is no reference or the size differs.
  ShiftEstimate estimate(const cv::Mat& luma) const;

 private:
  cv::Mat prepare(const cv::Mat& luma) const;  // downscaled CV_64FC1
  // Gauss-Newton refinement of a shift `s` of `frame` (prepared), in downscaled pixels.
  cv::Point2d refine(const cv::Mat& frame, cv::Point2d s) const;

  int downscale_;
  cv::Size full_size_;
  cv::Mat reference_;  // prepared
  cv::Mat window_;     // Hanning window: keeps the frame border from dominating the spectrum
  cv::Mat grad_x_, grad_y_;  // the reference's gradients, for refine()
};

// Luma (BT.601, 0..255) of an HxWx3 float image in 0..255 (the model input), as CV_32FC1.
cv::Mat luma_of(const float* rgb, int width, int height);

}  // namespace dcnn
