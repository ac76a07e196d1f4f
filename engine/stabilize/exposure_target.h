// The exposure the stabiliser feeds the network (docs/stabilize.md, "The approximation"), as a
// gain and offset against the stream's reference frame. For the first `settle` frames after a
// reference it is the reference's own (1, 0); then it settles on the mean of those frames' global
// fits (one keyframe, unless within what compensation leaves alone); from then on it follows the
// camera's exposure with a Kalman filter that models it as a slow drift seen through per-frame
// flicker: a still camera's auto-exposure drift (vtest: up to 0.05 % a frame, fits scattered by
// ~0.1 %) is followed within a fraction of a per cent, while a +-10 % flicker moves the target by
// about half a per cent. The flicker's level is measured from the fits themselves.
#pragma once

namespace dcnn {

// An exposure map within 1 +- this in gain and this many levels in offset is not worth applying
// (nor a keyframe when the target moves by it).
constexpr double kNegligibleGain = 0.01, kNegligibleOffset = 1.0;

// One level drifting as a random walk (`drift` per frame, standard deviation), measured with
// noise whose variance is estimated from the innovations (at least floor^2).
class DriftFilter {
 public:
  DriftFilter(double drift, double floor) : q_(drift * drift), floor_(floor * floor) {}
  // Starts at `mean`, measured by n values with the given variance.
  void start(double mean, double variance, int n);
  // A measurement `frames` frames after the last one (the level drifted all that while).
  void add(double measurement, int frames = 1);
  double value() const { return x_; }

 private:
  double q_, floor_;
  double x_ = 0.0, p_ = 0.0, s_ = 0.0;  // estimate, its variance, innovation variance
};

class ExposureTarget {
 public:
  explicit ExposureTarget(int settle);
  // A new reference: its own exposure, settling again.
  void restart();
  // One frame's fit against the reference (used only when `usable`: a global change the
  // stabiliser would compensate), `frames` frames after the last fit it was given (frames
  // without a fit, e.g. a still camera's shortcut, let the exposure drift unseen). True on the
  // frame that settles the target on a new exposure (a keyframe).
  bool add(double gain, double offset, bool usable, int frames = 1);
  // Whether the settling frames are over (always, with settle 0).
  bool settled() const { return frames_ >= settle_; }
  double gain() const { return gain_.value(); }
  double offset() const { return offset_.value(); }

 private:
  int settle_;
  int frames_ = 0;  // since the reference, counted up to settle_ (then the target is settled)
  int unseen_ = 0;  // frames since the last fit the filters took
  double sum_g_ = 0.0, sum_gg_ = 0.0, sum_o_ = 0.0, sum_oo_ = 0.0;
  int fits_ = 0;
  DriftFilter gain_, offset_;
};

}  // namespace dcnn
