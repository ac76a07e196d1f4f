// When a stream runs a frame as a dense keyframe (which also re-initialises every delta state)
// instead of a delta frame. Shared by the CPU executor and the CUDA stream so both backends
// pick the same frames.
//
// Besides the first frame, a reset, a mode or settings change and the periodic refresh
// (keyframe_interval), a *busy* scene turns delta off for a while: when a delta frame's
// MAC-weighted active fraction exceeds keyframe_break_even, delta costs more than dense (every
// active value also reads and writes accumulators and residuals), so the following frames run
// dense. After 1 dense frame one delta frame probes whether the scene calmed down; while it stays
// busy the dense run doubles (2, 4, 8, 16 frames) so the probes cost little, and one calm probe
// returns to delta at once. A keyframe is exact, so this only ever improves agreement with dense.
// Only the last dense frame of a run has to leave the delta state behind (accumulators, residuals,
// reference input: copying them costs about a third of a dense pass on the CPU); the ones before
// it run as plain dense passes (keeps_state() false).
// The rule uses activity, not time, so the same video gives the same frames on every machine.
#pragma once

#include <algorithm>
#include <cstdint>

namespace dcnn {

class KeyframePolicy {
 public:
  static constexpr int kMaxBusyRun = 16;  // longest dense run between two probes

  KeyframePolicy(int interval, float break_even) : interval_(interval), break_even_(break_even) {}

  // The next frame must be dense: first frame, reset, mode or settings change.
  void force() { forced_ = true; }
  void set_interval(int interval) { interval_ = interval; }

  bool next_is_keyframe() const {
    if (forced_ || busy_left_ > 0) return true;
    return interval_ > 0 && frames_since_keyframe_ >= interval_;
  }

  // Whether the next (dense) frame must re-initialise the delta state: false only when another
  // dense frame surely follows it, which re-initialises it instead.
  bool keeps_state() const { return busy_left_ < 2; }

  // After each frame: whether it ran dense, and (delta frames) its MAC-weighted active fraction.
  void after_frame(bool keyframe, float mean_active) {
    if (keyframe) {
      forced_ = false;
      frames_since_keyframe_ = 1;
      if (busy_left_ > 0) --busy_left_;
      return;
    }
    ++frames_since_keyframe_;
    if (mean_active > break_even_) {
      busy_run_ = std::min(busy_run_ == 0 ? 1 : 2 * busy_run_, kMaxBusyRun);
      busy_left_ = busy_run_;
    } else {
      busy_run_ = 0;
    }
  }

 private:
  int interval_;
  float break_even_;
  bool forced_ = true;
  int64_t frames_since_keyframe_ = 0;
  int busy_run_ = 0;   // length of the current dense run (0: the last delta frame was calm)
  int busy_left_ = 0;  // dense frames still to run before the next probe
};

}  // namespace dcnn
