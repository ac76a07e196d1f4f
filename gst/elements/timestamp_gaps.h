// Tells a camera that was away, or a picture that jumped, from a feed that is slow throughout, by
// the buffers' times: deltacnn's reset-after-gap. Not every source flags an outage DISCONT (an
// appsrc fed by NVR software, a source that reconnects inside itself), and a long jump of the
// time means the people seen before it are not known to be there still.
//
// Two jumps are judged, both in the segment's terms (GStreamer running time and stream time), so
// that segment bases, rates and reverse playback need no special case:
// - an outage: the running time jumps forward by more than the limit and by more than kSteps
//   times the feed's usual step (the median of its last kRemembered steps, outages included: a
//   timelapse's 6 s steps are its usual step, one or two outages do not become it, a feed that
//   turns slow for good becomes it after a few frames);
// - a picture jump: the position in the media (stream time) moves otherwise than the running time
//   says it should (a looping player's segment seek, a seek without flush), backward by more than
//   the tolerance (the larger of kSteps usual steps and 1 s of media), or forward by more than
//   that and the limit.
// Until one step is known no outage is judged: the first step after start cannot tell a slow feed
// from an outage. Running time going backwards (a source's clock reset) is no outage. Plain C++,
// no GStreamer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace deltacnn_gst {

// One buffer's times; < 0: not known (no timestamp, or outside the segment).
struct BufferTime {
  int64_t running_ns = -1;
  int64_t stream_ns = -1;
  double rate = 1.0;  // the segment's rate times its applied rate: media time per running time
};

enum class TimeJump { None, Outage, PictureJump };

class TimestampGaps {
 public:
  static constexpr uint64_t kSteps = 4;
  static constexpr size_t kRemembered = 8;
  static constexpr int64_t kMinPictureJumpNs = 1'000'000'000;

  // `limit_ns` 0: never a jump (the buffer's times are still remembered).
  TimeJump judge(const BufferTime& time, uint64_t limit_ns);
  // Running times only (stream time not known).
  bool is_gap(int64_t running_ns, uint64_t limit_ns) {
    return judge({running_ns, -1, 1.0}, limit_ns) != TimeJump::None;
  }
  // Forget the times and the feed's usual step (start, a flush, a new stream, a new frame rate:
  // the running time restarts or the step changes).
  void clear();

 private:
  uint64_t usual_step() const;

  BufferTime last_;
  std::vector<uint64_t> steps_;  // the last kRemembered forward steps of the running time
};

}  // namespace deltacnn_gst
