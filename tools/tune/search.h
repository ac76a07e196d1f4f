// The threshold search: global knobs first (truncate_linear, threshold_scale ladder, input
// threshold, input dilation), then a greedy front-to-back refinement of per-stage eps.
// Every candidate must keep the agreement targets on the tuning frames; among those the one with
// the lowest MAC-weighted mean active fraction wins.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/api/deltacnn.h"
#include "tools/tune/frame_cache.h"
#include "tools/tune/scoring.h"
#include "tools/tune/trial.h"

namespace dcnn::tune {

struct TrialRecord {
  std::string phase, change;  // e.g. "global", "scale 8 truncate_linear on"
  TrialResult result;
  bool accepted = false;
};

struct SearchOutcome {
  DeltaSettings baseline;      // the YAML's settings
  TrialResult baseline_result;
  DeltaSettings best;          // threshold_scale baked into the eps (scale 1)
  TrialResult best_result;
  std::vector<TrialRecord> trials;
  bool out_of_time = false;
};

SearchOutcome search_thresholds(const std::shared_ptr<const Model>& model, const FrameCache& cache,
                                const Targets& targets, std::chrono::steady_clock::time_point deadline);

// "kpt 0.9912 count 0.9950" or "f1 0.9871".
std::string describe_agreement(bool pose, const eval::Agreement& a);

}  // namespace dcnn::tune
