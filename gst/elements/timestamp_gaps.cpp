#include "gst/elements/timestamp_gaps.h"

#include <algorithm>

namespace deltacnn_gst {

uint64_t TimestampGaps::usual_step() const {
  std::vector<uint64_t> sorted = steps_;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  return sorted[sorted.size() / 2];
}

bool TimestampGaps::is_gap(int64_t pts_ns, uint64_t limit_ns) {
  if (pts_ns < 0) return false;
  const int64_t last = last_pts_;
  last_pts_ = pts_ns;
  if (last < 0 || pts_ns <= last) return false;
  const uint64_t step = uint64_t(pts_ns - last);
  const bool gap = limit_ns > 0 && !steps_.empty() && step > limit_ns && step > kSteps * usual_step();
  if (!gap) {
    if (steps_.size() == kRemembered) steps_.erase(steps_.begin());
    steps_.push_back(step);
  }
  return gap;
}

void TimestampGaps::clear() {
  last_pts_ = -1;
  steps_.clear();
}

}  // namespace deltacnn_gst
