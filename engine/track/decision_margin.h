// Whether a frame's tracker decisions hang on a score within a margin of the tracker's cut-offs.
//
// A delta stream's scores differ from dense ones by a few hundredths. Where a candidate sits that
// close to score_on (a track starts or not) or score_off (a track continues or counts a miss), the
// two streams decide differently and publish different counts for frames to come (vtest: 8 of
// the 11 frames where delta and dense MultiPose disagree, docs/tracking.md). The stream runs
// such a frame again dense (tracker.refine_margin), so the decision is dense's.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/api/results.h"
#include "engine/track/tracker.h"

namespace dcnn {

// True when `tracker`'s update on `candidates` (its live tracks, its settings) would end in a
// different state - which tracks live, are confirmed, were seen or missed this frame - if every
// candidate's score were `margin` higher, or `margin` lower. Candidates may go down to
// score_off - margin. `pts` as for Tracker::update (frames dropped before this one count). The
// tracker itself is not changed. False for margin <= 0.
bool decisions_within_margin(const Tracker& tracker, const std::vector<Detection>& candidates,
                             float margin, int64_t pts = -1);

// How many of the last frames may be refined. A refined frame costs a delta run and a dense
// one; a scene where decisions hang on the margin frame after frame (a distant crowd at the
// cut-off) would otherwise make delta dearer than dense. At most `most` refined frames in any
// `window` frames in a row bounds that at most/window of a dense frame's time on top of the
// delta stream's own (issue 13: no scene more than 10 % slower than dense).
class RefineBudget {
 public:
  static constexpr int kWindow = 100;
  static constexpr int kMost = 10;
  // Whether this frame may be refined.
  bool allows() const { return refined_in_window_ < kMost; }
  // Once per frame, refined or not.
  void record(bool refined);
  void reset();

 private:
  std::vector<uint8_t> ring_ = std::vector<uint8_t>(kWindow, 0);
  size_t next_ = 0;
  int refined_in_window_ = 0;
};

// A frame's candidates for `tracker`, refined: `decode(lowest)` gives the frame's candidates
// scoring >= lowest. With the tracker's refine_margin set, a frame that did not run dense
// (`ran_dense`) and `budget` allowing, decodes down to the tracker's cut-off (min of score_on
// and score_off) less the margin; when a decision hangs on the margin, calls `run_again_dense`
// (the caller runs the frame again as a dense keyframe) and decodes again. Records the frame in
// `budget`, sets `ran_again` and returns the candidates down to the cut-off (as decode(cut_off)
// gives them). Otherwise one decode, as without refinement. `pts`: the frame's, as the tracker
// will be given it.
std::vector<Detection> refined_candidates(const Tracker& tracker, bool ran_dense, RefineBudget& budget,
                                          const std::function<std::vector<Detection>(float)>& decode,
                                          const std::function<void()>& run_again_dense, bool& ran_again,
                                          int64_t pts = -1);

}  // namespace dcnn
