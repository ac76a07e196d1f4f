#include "engine/stabilize/exposure_target.h"

#include <algorithm>
#include <cmath>

namespace dcnn {
namespace {

// A camera's exposure drifts by about this much a frame at most when nothing flickers (vtest's
// auto-exposure: 0.05 %; clouds over a few seconds at 25 fps: 0.1 %), in gain and in levels.
constexpr double kGainDrift = 0.001, kOffsetDrift = 0.25;
// The fits scatter by this much on a still, steady camera (vtest: about 0.1 %): the least noise
// assumed, so that the filter never trusts one fit entirely.
constexpr double kGainFloor = 0.002, kOffsetFloor = 0.5;
// Frames over which the innovations' variance (the flicker's level) is averaged.
constexpr double kNoiseWindow = 32.0;
}  // namespace

void DriftFilter::start(double mean, double variance, int n) {
  x_ = mean;
  const double r = std::max(variance, floor_);
  p_ = r / std::max(n, 1);
  s_ = r + p_;
}

void DriftFilter::add(double z, int frames) {
  const double p = p_ + q_ * std::max(frames, 1);
  const double nu = z - x_;
  s_ += (nu * nu - s_) / kNoiseWindow;
  const double r = std::max(s_ - p, floor_);
  const double k = p / (p + r);
  x_ += k * nu;
  p_ = (1.0 - k) * p;
}

ExposureTarget::ExposureTarget(int settle)
    : settle_(settle), gain_(kGainDrift, kGainFloor), offset_(kOffsetDrift, kOffsetFloor) {
  restart();
}

void ExposureTarget::restart() {
  frames_ = 0;
  unseen_ = 0;
  // The reference itself counts as a fit of gain 1, offset 0.
  sum_g_ = sum_gg_ = 1.0;
  sum_o_ = sum_oo_ = 0.0;
  fits_ = 1;
  gain_.start(1.0, 0.0, 1);
  offset_.start(0.0, 0.0, 1);
}

bool ExposureTarget::add(double gain, double offset, bool usable, int frames) {
  if (settle_ == 0) return false;  // the reference's exposure throughout
  if (settled()) {
    unseen_ += std::max(frames, 1);
    if (usable) {
      gain_.add(gain, unseen_);
      offset_.add(offset, unseen_);
      unseen_ = 0;
    }
    return false;
  }
  ++frames_;
  // Only fits the compensation would use: a real scene change says nothing of the exposure.
  if (usable) {
    sum_g_ += gain;
    sum_gg_ += gain * gain;
    sum_o_ += offset;
    sum_oo_ += offset * offset;
    ++fits_;
  }
  if (!settled()) return false;
  const double mg = sum_g_ / fits_, mo = sum_o_ / fits_;
  gain_.start(mg, sum_gg_ / fits_ - mg * mg, fits_);
  offset_.start(mo, sum_oo_ / fits_ - mo * mo, fits_);
  // A jump past what compensation leaves alone changes what the network sees everywhere.
  return std::fabs(mg - 1.0) > kNegligibleGain || std::fabs(mo) > kNegligibleOffset;
}

}  // namespace dcnn
