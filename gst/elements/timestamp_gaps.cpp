#include "gst/elements/timestamp_gaps.h"

#include <algorithm>
#include <cmath>

namespace deltacnn_gst {

uint64_t TimestampGaps::usual_step() const {
  std::vector<uint64_t> sorted = steps_;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  return sorted[sorted.size() / 2];
}

TimeJump TimestampGaps::judge_from(const BufferTime& last, const BufferTime& time, uint64_t limit_ns) const {
  if (limit_ns == 0 || last.running_ns < 0) return TimeJump::None;
  const int64_t step = time.running_ns - last.running_ns;
  if (step > 0 && !steps_.empty() && uint64_t(step) > limit_ns && uint64_t(step) > kSteps * usual_step())
    return TimeJump::Outage;
  if (time.rate == 0.0 || time.stream_ns < 0 || last.stream_ns < 0 || time.pts_ns < 0 || last.pts_ns < 0)
    return TimeJump::None;
  // How far the picture moved beyond what the running time accounts for, along the playback
  // direction (positive: ahead), in the media's time and in the timestamps' (both must jump).
  const double direction = time.rate > 0 ? 1.0 : -1.0;
  const double media_rate = time.rate * time.applied_rate;
  const double media_ahead = (double(time.stream_ns - last.stream_ns) - double(step) * media_rate) * direction;
  const double pts_ahead = (double(time.pts_ns - last.pts_ns) - double(step) * time.rate) * direction *
                           (time.applied_rate != 0.0 ? std::fabs(time.applied_rate) : 1.0);
  const double usual_media = steps_.empty() ? 0.0 : double(kSteps * usual_step()) * std::fabs(media_rate);
  const double tolerance = std::max(usual_media, double(kMinPictureJumpNs));
  const double forward = std::max(tolerance, double(limit_ns));
  if ((media_ahead < -tolerance && pts_ahead < -tolerance) || (media_ahead > forward && pts_ahead > forward))
    return TimeJump::PictureJump;
  return TimeJump::None;
}

void TimestampGaps::remember_step(const BufferTime& last, const BufferTime& time) {
  if (last.running_ns < 0 || time.running_ns <= last.running_ns) return;
  if (steps_.size() == kRemembered) steps_.erase(steps_.begin());
  steps_.push_back(uint64_t(time.running_ns - last.running_ns));
}

TimeJump TimestampGaps::judge(const BufferTime& time, uint64_t limit_ns, bool copy) {
  if (time.running_ns < 0) return TimeJump::None;
  if (copy) {
    if (last_.running_ns >= 0) copies_since_last_ = true;
    return TimeJump::None;
  }
  BufferTime from = last_;
  bool judged_already = false;
  const bool second_hop = copies_since_last_ && hop_from_.running_ns >= 0;
  if (second_hop) {
    // videorate's outage: real, copies, the new picture at the middle, copies, real.
    from = hop_from_;
    judged_already = hop_judged_;
  }
  const TimeJump verdict = judged_already ? TimeJump::None : judge_from(from, time, limit_ns);
  if (copies_since_last_ && !second_hop) {
    hop_from_ = last_;
    hop_judged_ = verdict != TimeJump::None;
  } else {
    hop_from_ = BufferTime{};
    hop_judged_ = false;
  }
  remember_step(last_, time);
  last_ = time;
  copies_since_last_ = false;
  return verdict;
}

void TimestampGaps::clear() {
  last_ = BufferTime{};
  hop_from_ = BufferTime{};
  hop_judged_ = false;
  copies_since_last_ = false;
  steps_.clear();
}

}  // namespace deltacnn_gst
