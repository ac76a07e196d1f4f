#include "engine/stabilize/input_stabilizer.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>

#include "engine/core/error.h"
#include "engine/stabilize/luma.h"
#include "engine/stabilize/shift_warp.h"

namespace dcnn {
namespace {

// Shifts below this (model pixels) are left alone: resampling would cost more than it saves, and
// a frame left as it came gets the plain input test (Stream), under which a change within the
// local contrast is real. The estimate on a still camera scatters around 0.03 px (vtest: mean
// 0.030 px); at 0.05 some vtest frames were resampled by 0.05-0.1 px and tested phase-tolerantly,
// and shift: auto cost 0.0027 kpt_agree over its 795 frames (0.0055 with the tolerant test on
// every frame); at 0.1 none is, and vtest's results are those without the stabiliser. A real
// 0.1 px move changes an 80-levels-per-pixel edge by 8 levels, the default input threshold.
constexpr double kNegligibleShift = 0.1;
// The shift is estimated at half size (Gauss-Newton) and quarter size (phase correlation).
constexpr int kShiftDownscale = 2;
// The still path (take_still_path): a fit whose shift is below the move threshold with a
// margin, whose samples mostly follow it, and whose brightness is within a negligible map of
// the target says the camera has not moved. Measured on vtest (fit_still_rgb, 0.12 ms a frame):
// still frames |dx|, |dy| <= 0.064 px, inliers >= 0.913; frames moved by 0.3 px (found:
// 0.27-0.29), by 0-3 px or by +-20 px never passed.
constexpr double kStillShift = 0.08;
constexpr double kStillInliers = 0.8;
// The fit's brightness against the target's, at dark and bright levels: within this many levels
// (the full path leaves maps within 1 % and 1 level alone: up to 3.5 levels at 224). The fit at
// the samples (sharp edges) splits a change between gain and offset differently from the
// exposure fit on block means (vtest: gain 0.983 / offset 1.5 against 0.995 / 0.4, the same
// brightness within 1.6 levels), so the gains alone are not compared.
constexpr double kStillLevels = 2.0;
constexpr double kStillDark = 32.0, kStillBright = 224.0;
// The full path's shift gives way to one Gauss-Newton step from no shift when that step's
// residuals have less than this share of the shift's (robust sigmas). Measured on vtest: at
// Lightning's 192x192 the full path moved 10 still frames by 0.16-4.3 px (phase correlation
// locked on walkers), each with residual sigma 13-35 levels against the no-shift step's 3-4.6;
// on frames shaken by 0-3 px (MultiPose, 300 frames) the shift's sigma was the lower on 294 and
// within 5 % on the other 5 (the two shifts then agreed to 0.1 px).
constexpr double kBetterSigma = 0.5;
// The full path still runs once in this many frames on a still camera: the exposure target's
// fits and the shift's confidence come from it.
constexpr int kStillRun = 32;
// The exposure fit runs at 1/8 size (96x72 for 768x576): a global gain and offset need no detail,
// and the fit's sorting passes are the bulk of its cost (0.76 ms at 1/4 size, measured).
constexpr int kExposureDownscale = 8;
// A lasting step of the exposure renews the reference at the next dense frame: the camera's
// exposure (the fit) has been more than kFarExposure from the target's, in log scale and on the
// same side, on kFarFrames full-path fits in a row, each fit holding on at least kFarFitInliers of
// its points. A step (an IR cut filter at dusk, a light switched on) was otherwise mapped back
// toward the old reference's exposure for as long as the target took to follow it, a picture
// dense never sees; and where the fit's inliers hovered at the global threshold (a grey night
// picture against a colour day reference) the frames flipped between mapped and fed as they
// came, a whole-frame change each time (a review's clip, frames 70-149: 8 keyframes and 5 busy
// delta frames; with the renewal 5 and 0). A flicker does not stay on one side for 8 frames
// (+-20 % uniform: each frame beyond 15 % on a given side with p = 0.125), so its dense frames
// keep the reference (renewing on any far map renewed it on 7 of 50 dense frames at +-15 %, 19
// at +-20 %, each time at a flicker extreme).
constexpr double kFarExposure = 0.15;
constexpr int kFarFrames = 8;
constexpr double kFarFitInliers = 0.5;

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The mean of the half-size plane over 4x4 blocks (1/kExposureDownscale of the full size) of
// the w x h region at (x, y).
cv::Mat block_means(const cv::Mat& half, int x, int y, int w, int h) {
  constexpr int k = kExposureDownscale / 2;
  cv::Mat small;
  cv::resize(half(cv::Rect(x, y, w, h)), small, cv::Size(w / k, h / k), 0, 0, cv::INTER_AREA);
  return small;
}

}  // namespace

InputStabilizer::InputStabilizer(const StabilizeSettings& settings, int width, int height)
    : settings_(settings), width_(width), height_(height), shift_(kShiftDownscale),
      // The exposure fit gets planes already shrunk (kExposureDownscale).
      exposure_(1), target_(std::max(settings.exposure_settle, 0)),
      output_(size_t(std::max(width, 0)) * std::max(height, 0) * 3) {
  // The shift is estimated on a half-size plane of at least 8x8.
  if (width < 16 || height < 16)
    throw Error(ErrorKind::Input, "stabilizer: model input " + std::to_string(width) + "x" +
                                      std::to_string(height) + "; expected at least 16x16");
  if (!(settings.max_offset > 0.f))
    throw Error(ErrorKind::Config, "stabilize.max_offset is " + std::to_string(settings.max_offset) +
                                       "; expected model input pixels > 0");
  if (!(settings.min_confidence >= 0.f && settings.min_confidence < 1.f))
    throw Error(ErrorKind::Config, "stabilize.min_confidence is " + std::to_string(settings.min_confidence) +
                                       "; expected a value in [0, 1)");
  if (!(settings.max_gain_change > 0.f && settings.max_gain_change < 1.f))
    throw Error(ErrorKind::Config, "stabilize.max_gain_change is " + std::to_string(settings.max_gain_change) +
                                       "; expected a value in (0, 1)");
  if (settings.exposure_settle < 0)
    throw Error(ErrorKind::Config, "stabilize.exposure_settle is " + std::to_string(settings.exposure_settle) +
                                       "; expected frames >= 0");
}

void InputStabilizer::reset() { has_reference_ = false; }

StabilizeResult InputStabilizer::start_reference(const float* input, const cv::Mat& half_luma) {
  if (settings_.shift) shift_.set_reference_rgb(input, half_luma, cv::Size(width_, height_));
  if (settings_.exposure) reference_half_ = half_luma.clone();
  std::memcpy(output_.data(), input, output_.size() * sizeof(float));
  has_reference_ = true;
  last_fed_as_is_ = true;
  far_fits_ = 0;
  still_frames_ = 0;
  confidence_ = 1.0;
  target_.restart();
  StabilizeResult r;
  r.frame = output_.data();
  r.new_reference = true;
  return r;
}

// Block means of the frame against those of the reference, the frame's blocks moved by the
// shift rounded to whole half-size pixels: aligned to within a pixel, and not resampled. A
// bilinear resampling blurs, which lowers contrast, which the fit reads as a gain below 1 (on
// the shaken clip it "compensated" 92 of 100 frames that had no brightness change, and
// raised the input activity from 0.08 to 0.13). A misalignment of a pixel at this scale adds
// residuals that do not follow the brightness, which the robust fit leaves out.
ExposureEstimate InputStabilizer::estimate_exposure(const cv::Mat& half_luma, double dx, double dy) const {
  constexpr int k = kExposureDownscale / 2;
  const int ox = int(std::lround(dx / 2.0)), oy = int(std::lround(dy / 2.0));
  const int w = (half_luma.cols - std::abs(ox)) / k * k, h = (half_luma.rows - std::abs(oy)) / k * k;
  if (w < 4 * k || h < 4 * k) return ExposureEstimate{};  // not global: no compensation
  // frame(x + d) ~ reference(x): the frame's region starts d further on.
  const cv::Mat frame = block_means(half_luma, std::max(ox, 0), std::max(oy, 0), w, h);
  const cv::Mat reference = block_means(reference_half_, std::max(-ox, 0), std::max(-oy, 0), w, h);
  return exposure_.estimate(reference, frame);
}

void InputStabilizer::count_far_fit(const ExposureEstimate& x) {
  const double tg = target_.gain();
  if (x.gain <= 0.0 || tg <= 0.0 || x.inlier_fraction < kFarFitInliers) {
    far_fits_ = 0;
    return;
  }
  const double log_ratio = std::log(x.gain / tg);
  if (std::fabs(log_ratio) <= std::log1p(kFarExposure)) {
    far_fits_ = 0;
    return;
  }
  const int side = log_ratio > 0.0 ? 1 : -1;
  far_fits_ = side == far_side_ ? far_fits_ + 1 : 1;
  far_side_ = side;
}

bool InputStabilizer::compensable(const ExposureEstimate& x) const {
  return x.global && x.gain > 0.0 && std::fabs(x.gain - 1.0) <= settings_.max_gain_change;
}

cv::Point2d InputStabilizer::better_of(const ShiftEstimate& e, const float* input, StillFit still,
                                       double& fit_ms) const {
  fit_ms = 0.0;
  // Unmeasured (no full-size samples: a reference without texture): nothing to compare with.
  if (e.residual_sigma < 0.0) return {e.dx, e.dy};
  if (!still.fitted) {
    const auto t0 = Clock::now();
    still = shift_.fit_still_rgb(input);
    fit_ms = ms_since(t0);
  }
  if (still.fitted && still.residual_sigma < kBetterSigma * e.residual_sigma)
    return {still.dx, still.dy};
  return {e.dx, e.dy};
}

bool InputStabilizer::take_still_path(const float* input, StabilizeResult& r, double& fit_ms, StillFit& fit) {
  fit_ms = 0.0;
  fit = StillFit{};
  // Only after a frame fed as it came, with the shift on (its reference samples are the test),
  // and once the exposure target has settled (the settling frames need their fits).
  if (!last_fed_as_is_ || !settings_.shift || (settings_.exposure && !target_.settled()) ||
      still_frames_ >= kStillRun)
    return false;
  const auto t0 = Clock::now();
  fit = shift_.fit_still_rgb(input);
  const StillFit& f = fit;
  fit_ms = ms_since(t0);
  if (!f.fitted || std::fabs(f.dx) >= kStillShift || std::fabs(f.dy) >= kStillShift ||
      f.inlier_fraction < kStillInliers)
    return false;
  if (settings_.exposure) {
    const double tg = target_.gain(), to = target_.offset();
    for (double level : {kStillDark, kStillBright})
      if (std::fabs((f.gain - tg) * level + f.offset - to) > kStillLevels) return false;
    r.gain = f.gain;
    r.offset = f.offset;
    r.target_gain = tg;
    r.target_offset = to;
  }
  ++still_frames_;
  r.confidence = confidence_;
  r.ms.shift = fit_ms;
  feed_as_it_came(input, r);
  return true;
}

StabilizeResult InputStabilizer::apply(const float* input, bool runs_dense) {
  // A moved camera's dense frame renews the reference at no cost (the frame is exact in any
  // geometry). Kept, the reference ages while people walk through the scene: the shift's
  // confidence against it falls (vtest shaken by 0-3 px: 0.83 on frame 1, about 0.4 from frame
  // 60 on), a frame moved by a poor estimate is busy, and 90 of its 795 frames ran dense against
  // 36 with the reference renewed (docs/stabilize.md). A still camera's frames are not moved:
  // its reference stays. A lasting exposure step renews it too (kFarFrames).
  if (runs_dense && (last_moved_ || far_fits_ >= kFarFrames)) has_reference_ = false;
  last_moved_ = false;
  StabilizeResult r;
  double still_fit_ms = 0.0;
  StillFit still;
  if (has_reference_ && take_still_path(input, r, still_fit_ms, still)) {
    far_fits_ = 0;  // the still path's frames match the target
    return r;
  }
  const int frames_unfitted = still_frames_;  // since the last exposure fit
  still_frames_ = 0;

  auto t0 = Clock::now();
  const cv::Mat half = half_luma_of(input, width_, height_);
  const double luma_ms = ms_since(t0);
  if (!has_reference_) {
    r = start_reference(input, half);
    r.ms.luma = luma_ms;
    return r;
  }

  r.ms.luma = luma_ms;
  if (settings_.shift && !shift_.measurable()) {
    // A reference without texture (a covered lens, a black night picture): no shift can be
    // measured against it, and phase correlation's low confidence renewed it, a keyframe, on
    // every frame (an all-black clip ran 30 of 30 frames dense; a `shift` run stopped with an
    // error). While the frames stay flat they are fed as they came; the first with texture
    // starts a new reference (the picture changed anyway).
    if (!shift_.has_texture(half)) {
      feed_as_it_came(input, r);
      return r;
    }
    const StabilizeTimes spent = r.ms;
    r = start_reference(input, half);
    r.ms = spent;
    return r;
  }
  if (settings_.shift) {
    t0 = Clock::now();
    const ShiftEstimate e = shift_.estimate_rgb(input, half);
    r.ms.shift = still_fit_ms + ms_since(t0);
    r.confidence = e.confidence;
    confidence_ = e.confidence;
    if (e.confidence < settings_.min_confidence || std::hypot(e.dx, e.dy) > settings_.max_offset) {
      const StabilizeTimes spent = r.ms;
      r = start_reference(input, half);
      r.ms = spent;
      r.confidence = e.confidence;
      return r;
    }
    cv::Point2d d(e.dx, e.dy);
    if (std::fabs(d.x) >= kNegligibleShift || std::fabs(d.y) >= kNegligibleShift) {
      double check_ms = 0.0;
      d = better_of(e, input, still, check_ms);
      r.ms.shift += check_ms;
    }
    const double dx = settings_.subpixel ? d.x : std::round(d.x);
    const double dy = settings_.subpixel ? d.y : std::round(d.y);
    if (std::fabs(dx) >= kNegligibleShift || std::fabs(dy) >= kNegligibleShift) {
      r.dx = dx;
      r.dy = dy;
      last_moved_ = true;
    }
  }
  float scale = 1.f, bias = 0.f;
  if (settings_.exposure) {
    t0 = Clock::now();
    const ExposureEstimate x = estimate_exposure(half, r.dx, r.dy);
    r.ms.exposure = ms_since(t0);
    r.gain = x.gain;
    r.offset = x.offset;
    // A new target changes what the network sees everywhere: run this frame as a keyframe.
    r.new_reference = target_.add(x.gain, x.offset, compensable(x), 1 + frames_unfitted);
    count_far_fit(x);
    r.target_gain = target_.gain();
    r.target_offset = target_.offset();
    // target_gain * (frame - offset) / gain + target_offset, the same map for the three channels
    // (the fit is on luma, which is their weighted sum, so a common gain/offset carries over
    // exactly); a frame whose change is not global is fed as it is.
    if (compensable(x)) {
      const double tg = target_.gain(), to = target_.offset();
      const double map_scale = tg / x.gain, map_bias = to - tg * x.offset / x.gain;
      if (std::fabs(map_scale - 1.0) > kNegligibleGain || std::fabs(map_bias) > kNegligibleOffset) {
        scale = float(map_scale);
        bias = float(map_bias);
        r.exposure_compensated = true;
      }
    }
  }
  last_fed_as_is_ = !r.applied();
  if (!r.applied()) {
    // Nothing to apply (a still, steady camera): the network reads the input itself (the
    // border strip copy takes 0.1 ms instead of a 0.55 ms copy of the frame).
    feed_as_it_came(input, r);
    return r;
  }
  t0 = Clock::now();
  shift_and_scale(input, output_.data(), width_, height_, r.dx, r.dy, scale, bias);
  r.ms.warp = ms_since(t0);
  r.frame = output_.data();
  return r;
}

void InputStabilizer::feed_as_it_came(const float* input, StabilizeResult& r) {
  const auto t0 = Clock::now();
  // A move of up to max_offset leaves out at most ceil(max_offset) + 1 columns or rows at an
  // edge (the bilinear footprint's extra pixel); larger moves start a new reference.
  const int b = int(std::ceil(settings_.max_offset)) + 1;
  const int rows = std::min(b, height_), cols = std::min(b, width_);
  const size_t row = size_t(width_) * 3;
  auto copy_rows = [&](int y0, int y1) {
    std::memcpy(output_.data() + size_t(y0) * row, input + size_t(y0) * row, size_t(y1 - y0) * row * sizeof(float));
  };
  copy_rows(0, rows);
  copy_rows(std::max(rows, height_ - rows), height_);
  for (int y = rows; y < height_ - rows; ++y) {
    const size_t at = size_t(y) * row;
    std::memcpy(output_.data() + at, input + at, size_t(cols) * 3 * sizeof(float));
    const size_t right = at + size_t(std::max(cols, width_ - cols)) * 3;
    std::memcpy(output_.data() + right, input + right, size_t(width_ - std::max(cols, width_ - cols)) * 3 * sizeof(float));
  }
  r.ms.warp = ms_since(t0);
  r.frame = input;
}

}  // namespace dcnn
