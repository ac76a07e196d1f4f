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
// A picture jump needs the buffer timestamps to jump as well as the stream time: a source that
// starts every segment's stream time at 0 while its timestamps go on (a careless segment per
// keyframe) has not jumped, an HLS-style discontinuity whose segment keeps the stream time has not
// either.
//
// Copies flagged GAP (videorate filling an outage) are no sighting of the camera and are not
// judged. videorate without drop-only stamps the first new picture after an outage at the
// outage's middle, between two runs of copies: the outage shows as two half steps. So a real
// buffer reached across copies from one that was itself reached across copies is judged from the
// real buffer before both runs (once: not again when the first half was judged an outage).
//
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
  int64_t pts_ns = -1;
  double rate = 1.0;          // the segment's rate: timestamp time per running time
  double applied_rate = 1.0;  // the segment's applied rate: media time per timestamp time
};

enum class TimeJump { None, Outage, PictureJump };

class TimestampGaps {
 public:
  static constexpr uint64_t kSteps = 4;
  static constexpr size_t kRemembered = 8;
  static constexpr int64_t kMinPictureJumpNs = 1'000'000'000;

  // `limit_ns` 0: never a jump (the buffer's times are still remembered). `copy`: the buffer is
  // flagged GAP (not judged, not remembered).
  TimeJump judge(const BufferTime& time, uint64_t limit_ns, bool copy = false);
  // Running times only (stream time not known).
  bool is_gap(int64_t running_ns, uint64_t limit_ns) {
    BufferTime t;
    t.running_ns = running_ns;
    return judge(t, limit_ns) != TimeJump::None;
  }
  // Forget the times and the feed's usual step (start, a flush, a new stream, a new frame rate:
  // the running time restarts or the step changes).
  void clear();

 private:
  uint64_t usual_step() const;

  TimeJump judge_from(const BufferTime& last, const BufferTime& time, uint64_t limit_ns) const;
  void remember_step(const BufferTime& last, const BufferTime& time);

  BufferTime last_;
  std::vector<uint64_t> steps_;  // the last kRemembered forward steps of the running time
  bool copies_since_last_ = false;  // GAP copies came after last_
  BufferTime hop_from_;             // last_ was reached across copies from this real buffer
  bool hop_judged_ = false;         // ... and that half step was judged a jump
};

}  // namespace deltacnn_gst
