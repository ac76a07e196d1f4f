// Moves each model input into the geometry and exposure of the stream's reference frame before
// the delta input test, so that a shaking or flickering camera leaves the static scene's pixels
// unchanged (docs/stabilize.md). The caller runs the network on the result, resets the delta
// state when a new reference starts, and maps outputs back with the returned shift.
//
// The approximation, stated exactly: the network sees frame(x + d) (bilinear) instead of
// frame(x), and target_gain * (frame - offset) / gain + target_offset instead of frame, with d,
// gain and offset estimated against the reference and the target the mean gain and offset of
// the first exposure_settle frames after it (1 and 0 until then: the reference's exposure), then
// following the camera's slow exposure changes (exposure_target.h);
// pixels whose source x + d lies outside the frame (the exposed border, at most max_offset
// pixels wide) keep the value last fed there. Objects are found in the
// reference's geometry and moved by +d, so downstream sees the frame's own coordinates.
//
// Cost per frame (docs/stabilize.md has the profile): one pass over the input for a half-size
// luma plane, phase correlation at quarter size against the reference's stored spectrum, a
// Gauss-Newton refinement on a few thousand reference samples, the exposure fit at 1/8 size,
// and one fused pass (shift + exposure) into the stabiliser's own output buffer. A still
// camera's frames take a shortcut: one Gauss-Newton fit at the samples, read from the input.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "engine/stabilize/exposure.h"
#include "engine/stabilize/exposure_target.h"
#include "engine/stabilize/global_shift.h"
#include "engine/stabilize/stabilize_settings.h"

namespace dcnn {

// Where the stabiliser's time went on one frame (ms), for FrameStats and the profile.
struct StabilizeTimes {
  double luma = 0.0, shift = 0.0, exposure = 0.0, warp = 0.0;
};

struct StabilizeResult {
  // What the network must run on: the stabilised frame (H x W x 3, 0..255), owned by the
  // stabiliser and valid until its next apply() or reset(); or apply()'s input itself when
  // nothing was applied (no shift, no exposure map).
  const float* frame = nullptr;
  double dx = 0.0, dy = 0.0;     // model input pixels: frame(x + d) is what the network saw at x
  double confidence = 1.0;       // of the shift estimate
  double gain = 1.0, offset = 0.0;  // frame ~ gain * reference + offset
  bool exposure_compensated = false;
  // The exposure the network is fed, as gain and offset against the reference's.
  double target_gain = 1.0, target_offset = 0.0;
  bool new_reference = false;    // this frame starts a new reference: run it as a keyframe
  // Whether the frame was moved or re-mapped in exposure (else the network reads it as it came).
  bool applied() const { return dx != 0.0 || dy != 0.0 || exposure_compensated; }
  StabilizeTimes ms;
};

class InputStabilizer {
 public:
  InputStabilizer(const StabilizeSettings& settings, int width, int height);
  // `input`: H x W x 3 floats, 0..255 (the model input); not modified. `runs_dense`: the network
  // will run this frame dense (a keyframe or a busy scene's dense frame), which is exact in any
  // geometry: when the camera has moved since the reference (the last frame was moved back), the
  // frame starts a new reference and is fed as it came, so that the frames after it are moved
  // by what the camera did since this frame, not since an ageing reference. The same after a
  // lasting step of the exposure (an IR switch, a light: far from the target's on 8 fits in a
  // row), so that the network sees the camera's own picture again.
  StabilizeResult apply(const float* input, bool runs_dense = false);
  // The next apply() starts a new reference (stream reset, size change).
  void reset();

 private:
  StabilizeResult start_reference(const float* input, const cv::Mat& half_luma);
  // The frame's luma (1/8 size, moved by the shift to within a pixel) against the reference's,
  // over the part both cover: the exposure estimate.
  ExposureEstimate estimate_exposure(const cv::Mat& half_luma, double dx, double dy) const;
  // Whether a fit describes a change the stabiliser maps back: global, and a gain within
  // 1 +- max_gain_change.
  bool compensable(const ExposureEstimate& x) const;
  // Counts the fits in a row whose exposure lies far from the target's on one side.
  void count_far_fit(const ExposureEstimate& x);
  // The still camera's path: after a frame fed as it came, one Gauss-Newton fit at the full-size
  // samples (GlobalShiftEstimator::fit_still_rgb) decides whether this frame can be fed as it
  // comes too, without the luma plane, the phase correlation or the exposure fit. Fills `r` and
  // returns true when it can; `fit_ms` gets the fit's time and `fit` the fit (fitted false when
  // none was made) either way.
  bool take_still_path(const float* input, StabilizeResult& r, double& fit_ms, StillFit& fit);
  // The full path's shift against no shift: when the full estimate (phase correlation, then
  // Gauss-Newton) moves the frame but one Gauss-Newton step from no shift (`still`, made here
  // when not given) explains the picture better (smaller residual sigma), the latter's shift.
  cv::Point2d better_of(const ShiftEstimate& e, const float* input, StillFit still, double& fit_ms) const;
  // A frame fed as it came: r.frame is the input itself, and output_ takes only the border strip
  // a later move can expose, so that what the network saw last is there (the rest of output_ is
  // rewritten by any move). Times that copy as r.ms.warp.
  void feed_as_it_came(const float* input, StabilizeResult& r);

  StabilizeSettings settings_;
  int width_, height_;
  GlobalShiftEstimator shift_;
  ExposureEstimator exposure_;
  ExposureTarget target_;  // the exposure the network is fed
  cv::Mat reference_half_;  // the reference's half-size luma, for the exposure fit
  // What the network is fed: the stabilised frame. The exposed border keeps what was fed there
  // last simply by not being written.
  std::vector<float> output_;
  bool has_reference_ = false;
  bool last_fed_as_is_ = false;  // the last frame was neither moved nor re-mapped
  bool last_moved_ = false;      // the last frame was moved back by a shift
  int far_fits_ = 0;   // exposure fits in a row far from the target on one side (kFarFrames)
  int far_side_ = 0;   // that side: +1 brighter, -1 darker
  int still_frames_ = 0;         // in a row on the still path (the full path runs every so often)
  double confidence_ = 1.0;      // the last full path's shift confidence
};

}  // namespace dcnn
