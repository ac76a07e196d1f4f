// Global translation between a frame and a reference frame (camera shake, slow drift), for the
// stabilised delta input of docs/stabilize.md.
//
// Two stages, both against a reference prepared once (it changes only when the stream starts a
// new one):
//  1. Phase correlation (engine/stabilize/phase_correlator.h) on the working plane shrunk by 2
//     more: whole-pixel shifts of any size and a rough sub-pixel part, robust to the moving
//     people and cars of a surveillance scene, which add their own small peaks but leave the
//     background's peak the highest as long as the background dominates. The peak's height is
//     the confidence: a low peak means the frame is not a shifted copy of the reference (a scene
//     cut, a large pan, heavy motion, low texture).
//  2. Gauss-Newton on the working plane (full size / downscale, 3 steps), then 1 step at full
//     size (the working plane aliases fine texture: 0.2 px off on vtest without it), each on a
//     few thousand high-gradient reference pixels (the strongest of each 4x4 cell of the working
//     plane, of each 12x12 cell at full size): brightness constancy up to a global gain and
//     offset, frame(x + s) = gain * ref(x) + offset, so a flickering
//     exposure does not bias the shift (the fitted gain itself is not used: on the sharpest
//     pixels resampling blur lowers it by up to 0.1, engine/stabilize/exposure.h fits the
//     brightness on all pixels instead); pixels that do not follow the model (moving objects:
//     residual above 3 robust sigmas) are left out. This removes phase correlation's bias on
//     natural textures (up to 0.9 px at downscale 4).
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "engine/stabilize/phase_correlator.h"

namespace dcnn {

struct ShiftEstimate {
  // The content of `frame` sits at reference position + (dx, dy), in full-resolution pixels of
  // the plane given to estimate(): frame(x, y) ~ reference(x - dx, y - dy).
  double dx = 0.0, dy = 0.0;
  double confidence = 0.0;  // phase-correlation peak height, 0..1
  // Robust sigma (luma levels) of the full-size samples' residuals at this shift, after the
  // last step's gain and offset: how well the shift explains the picture. -1: not measured.
  double residual_sigma = -1.0;
};

// What one Gauss-Newton fit at the full-size samples says about a frame, without the phase
// correlation or any luma plane: the quick test for a camera that has not moved.
struct StillFit {
  double dx = 0.0, dy = 0.0;      // the refined shift from 0 (full-size pixels)
  double gain = 1.0, offset = 0.0;  // frame ~ gain * reference + offset at the samples
  double inlier_fraction = 0.0;   // of the samples inside the frame
  double residual_sigma = 0.0;    // robust sigma of their residuals (luma levels)
  bool fitted = false;            // false: too few samples or no texture to fit on
};

class GlobalShiftEstimator {
 public:
  // downscale: the luma plane is shrunk by this factor to the working plane (speed; shifts are
  // scaled back up). 1 keeps full resolution. Worst error measured at downscale 2: 0.015 px on
  // the synthetic scenes of tests/stabilize (the tests bound it by 0.1), 0.05 px on vtest frames
  // moved by known 0-3 px shifts (docs/stabilize.md).
  explicit GlobalShiftEstimator(int downscale = 2);

  // Full-size luma plane (CV_32FC1 or CV_8UC1), shrunk here by `downscale` (INTER_AREA).
  void set_reference(const cv::Mat& luma);
  // Shift of `luma` (same size as the reference) against the reference. Throws dcnn::Error
  // (Input) when there is no reference or the size differs.
  ShiftEstimate estimate(const cv::Mat& luma) const;

  // The stabiliser's path: the model input itself (H x W x 3 floats, 0..255) and its luma
  // already shrunk by `downscale` (CV_32FC1, engine/stabilize/luma.h builds it in one pass). The
  // last refinement reads the input's luma at full resolution at the samples only.
  void set_reference_rgb(const float* rgb, const cv::Mat& small, cv::Size full_size);
  ShiftEstimate estimate_rgb(const float* rgb, const cv::Mat& small) const;
  // One Gauss-Newton step from no shift on the full-size samples, read from the model input
  // (H x W x 3 floats) directly: about a tenth of estimate_rgb's cost with its luma plane (0.12
  // ms on 768x576; a second step moved no verdict on vtest). Only after set_reference_rgb with
  // downscale > 1. Not fitted when the reference has no texture (!measurable()).
  StillFit fit_still_rgb(const float* rgb) const;

  bool has_reference() const { return !reference_.empty(); }
  // The reference has texture to measure a shift against (a covered lens or a black night
  // frame has none: no samples pass the gradient test, and phase correlation's peak is noise).
  bool measurable() const { return !samples_.empty() && (downscale_ <= 1 || !full_samples_.empty()); }
  // Whether a working plane (as given to estimate_rgb) would make a measurable reference.
  bool has_texture(const cv::Mat& small) const;
  int downscale() const { return downscale_; }

  // A reference pixel the refinement uses: position, value and central-difference gradient.
  struct Sample {
    float x, y, value, gx, gy;
  };

 private:
  cv::Mat prepare(const cv::Mat& luma) const;        // downscaled CV_32FC1
  cv::Mat coarse_plane(const cv::Mat& small) const;  // what phase correlation sees
  void store_reference(const cv::Mat& small, const cv::Mat& full);
  void check_estimate(cv::Size full_size, const cv::Mat& small) const;
  // Phase correlation, then the refinement on the working plane (shift in full-size pixels).
  ShiftEstimate estimate_working(const cv::Mat& small) const;
  // The last refinement step at full resolution.
  template <typename Sampler>
  void finish_full(const Sampler& frame, ShiftEstimate& e) const;
  // Gauss-Newton refinement of a shift `s` (the sampler's pixels) on the given samples; `fit`
  // (optional) gets the last step's gain, offset and inlier statistics.
  template <typename Sampler>
  cv::Point2d refine(const Sampler& frame, const std::vector<Sample>& samples, cv::Point2d s, int iterations,
                     StillFit* fit = nullptr) const;

  int downscale_;
  int coarse_factor_ = 2;  // phase correlation runs at working plane / this (1 on small planes)
  cv::Size full_size_;
  cv::Mat reference_;      // working plane
  PhaseCorrelator correlator_;
  std::vector<Sample> samples_;       // of the working plane
  std::vector<Sample> full_samples_;  // of the full-size plane (downscale > 1)
};

}  // namespace dcnn
