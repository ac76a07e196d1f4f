// Moves each model input into the geometry and exposure of the stream's reference frame before
// the delta input test, so that a shaking or flickering camera leaves the static scene's pixels
// unchanged (docs/stabilize.md). The caller runs the network on the result, resets the delta
// state when a new reference starts, and maps outputs back with the returned shift.
//
// The approximation, stated exactly: the network sees frame(x + d) (bilinear) instead of
// frame(x), and (frame - offset) / gain instead of frame, with d, gain and offset estimated
// against the reference; pixels whose source x + d lies outside the frame (the exposed border,
// at most max_offset pixels wide) keep the value last fed there. Objects are found in the
// reference's geometry and moved by +d, so downstream sees the frame's own coordinates.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "engine/stabilize/exposure.h"
#include "engine/stabilize/global_shift.h"
#include "engine/stabilize/stabilize_settings.h"

namespace dcnn {

struct StabilizeResult {
  double dx = 0.0, dy = 0.0;     // model input pixels: frame(x + d) is what the network saw at x
  double confidence = 1.0;       // of the shift estimate
  double gain = 1.0, offset = 0.0;
  bool exposure_compensated = false;
  bool new_reference = false;    // this frame starts a new reference: run it as a keyframe
};

class InputStabilizer {
 public:
  InputStabilizer(const StabilizeSettings& settings, int width, int height);
  // `input`: H x W x 3 floats, 0..255 (the model input), transformed in place.
  StabilizeResult apply(float* input);
  // The next apply() starts a new reference (stream reset, size change).
  void reset();

 private:
  StabilizeResult start_reference(float* input, const cv::Mat& luma);

  StabilizeSettings settings_;
  int width_, height_;
  GlobalShiftEstimator shift_;
  ExposureEstimator exposure_;
  cv::Mat reference_luma_;      // CV_32FC1, the reference frame's luma
  std::vector<float> last_fed_;  // what the network saw last (reference geometry), for the border
  bool has_reference_ = false;
};

}  // namespace dcnn
