#include "engine/track/decision_margin.h"

#include <algorithm>
#include <tuple>

namespace dcnn {

namespace {

// What a frame's update decided, per live or ended track: the id (-1 while tentative), whether it
// was seen on the frame, and its first frame (which tells tracks apart before they have ids).
// Boxes and scores are left out: they follow from which candidate a track took, and a score
// moved on purpose would differ anyway.
using Outcome = std::vector<std::tuple<int, bool, bool, int64_t>>;

Outcome outcome_of(Tracker tracker, std::vector<Detection> candidates, float shift, int64_t pts) {
  for (Detection& c : candidates) c.confidence = std::clamp(c.confidence + shift, 0.f, 1.f);
  tracker.update(candidates, pts);
  Outcome out;
  for (const Track& t : tracker.tracks())
    out.emplace_back(t.id, t.confirmed, t.misses == 0, t.first_seen_frame);
  for (const Track& t : tracker.ended()) out.emplace_back(t.id, false, false, -1);
  return out;
}

}  // namespace

bool decisions_within_margin(const Tracker& tracker, const std::vector<Detection>& candidates,
                             float margin, int64_t pts) {
  if (!(margin > 0.f)) return false;
  const Outcome as_scored = outcome_of(tracker, candidates, 0.f, pts);
  return outcome_of(tracker, candidates, margin, pts) != as_scored ||
         outcome_of(tracker, candidates, -margin, pts) != as_scored;
}

void RefineBudget::record(bool refined) {
  refined_in_window_ += int(refined) - int(ring_[next_]);
  ring_[next_] = refined ? 1 : 0;
  next_ = (next_ + 1) % ring_.size();
}

void RefineBudget::reset() {
  std::fill(ring_.begin(), ring_.end(), uint8_t{0});
  next_ = 0;
  refined_in_window_ = 0;
}

std::vector<Detection> refined_candidates(const Tracker& tracker, bool ran_dense, RefineBudget& budget,
                                          const std::function<std::vector<Detection>(float)>& decode,
                                          const std::function<void()>& run_again_dense, bool& ran_again,
                                          int64_t pts) {
  const TrackerSettings& s = tracker.settings();
  const float cut_off = std::min(s.score_off, s.score_on);
  const float margin = !ran_dense && budget.allows() ? s.refine_margin : 0.f;
  ran_again = false;
  if (!(margin > 0.f)) {
    budget.record(false);
    return decode(cut_off);
  }
  std::vector<Detection> candidates = decode(std::max(0.f, cut_off - margin));
  ran_again = decisions_within_margin(tracker, candidates, margin, pts);
  budget.record(ran_again);
  if (ran_again) {
    run_again_dense();
    return decode(cut_off);
  }
  // The decoders keep their best objects above the threshold, so these are decode(cut_off)'s.
  candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                  [&](const Detection& c) { return !(c.confidence >= cut_off); }),
                   candidates.end());
  return candidates;
}

}  // namespace dcnn
