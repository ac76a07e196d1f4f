#include "gst/elements/timestamp_gaps.h"

#include <algorithm>
#include <cmath>

namespace deltacnn_gst {

uint64_t TimestampGaps::usual_step() const {
  std::vector<uint64_t> sorted = steps_;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  return sorted[sorted.size() / 2];
}

TimeJump TimestampGaps::judge(const BufferTime& time, uint64_t limit_ns) {
  if (time.running_ns < 0) return TimeJump::None;
  const BufferTime last = last_;
  last_ = time;
  if (last.running_ns < 0) return TimeJump::None;
  const int64_t step = time.running_ns - last.running_ns;
  TimeJump verdict = TimeJump::None;
  if (limit_ns > 0 && step > 0 && !steps_.empty() && uint64_t(step) > limit_ns &&
      uint64_t(step) > kSteps * usual_step())
    verdict = TimeJump::Outage;
  if (verdict == TimeJump::None && limit_ns > 0 && time.stream_ns >= 0 && last.stream_ns >= 0 && time.rate != 0.0) {
    // How far the picture moved in the media beyond what the running time accounts for, along
    // the playback direction (positive: ahead).
    const double expected = double(step) * time.rate;
    const double moved = double(time.stream_ns - last.stream_ns);
    const double ahead = (moved - expected) * (time.rate > 0 ? 1.0 : -1.0);
    const double usual_media = steps_.empty() ? 0.0 : double(kSteps * usual_step()) * std::fabs(time.rate);
    const double tolerance = std::max(usual_media, double(kMinPictureJumpNs));
    if (ahead < -tolerance || ahead > std::max(tolerance, double(limit_ns))) verdict = TimeJump::PictureJump;
  }
  if (step > 0) {
    if (steps_.size() == kRemembered) steps_.erase(steps_.begin());
    steps_.push_back(uint64_t(step));
  }
  return verdict;
}

void TimestampGaps::clear() {
  last_ = BufferTime{};
  steps_.clear();
}

}  // namespace deltacnn_gst
