// Tells a camera that was away from a feed that is slow throughout, by the buffers' timestamps:
// deltacnn's reset-after-gap. Not every source flags an outage DISCONT (an appsrc fed by NVR
// software, a source that reconnects inside itself), and a long jump of the timestamps means
// the people seen before it are not known to be there still.
//
// A forward jump is a gap when it is longer than the limit and more than kSteps times the feed's
// usual step: the median of the last kRemembered steps that were not gaps themselves (a
// timelapse's 6 s steps are its usual step; one stall or one outage does not become it). Until
// one step is known nothing is judged: the first step after start cannot tell a slow feed from
// an outage. Backward jumps (a source's clock reset) are no gap. Plain C++, no GStreamer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace deltacnn_gst {

class TimestampGaps {
 public:
  static constexpr uint64_t kSteps = 4;
  static constexpr size_t kRemembered = 8;

  // `pts_ns` < 0: the buffer has none (it is skipped). `limit_ns` 0: never a gap.
  bool is_gap(int64_t pts_ns, uint64_t limit_ns);
  // Forget the timestamps (start); the feed's usual step is forgotten too.
  void clear();

 private:
  uint64_t usual_step() const;

  int64_t last_pts_ = -1;
  std::vector<uint64_t> steps_;  // the last kRemembered steps that were not gaps, oldest first
};

}  // namespace deltacnn_gst
