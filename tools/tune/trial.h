// One candidate delta setting run over the cached tuning frames and scored against dense.
#pragma once

#include <chrono>
#include <memory>

#include "engine/api/deltacnn.h"
#include "tools/eval/agreement.h"
#include "tools/tune/frame_cache.h"
#include "tools/tune/scoring.h"

namespace dcnn::tune {

struct TrialResult {
  bool passed = false;     // all frames run and the targets met
  int frames_run = 0;      // < all frames when stopped early (targets already out of reach)
  eval::Agreement agreement;
  // The search's cost: mean over the delta (non-key) frames of the MAC-weighted mean active
  // fraction. Deterministic, unlike wall time on a shared machine; delta_ms is reported beside it.
  double mean_active = 1.0;
  double delta_ms = 0.0;   // mean inference + decoding time per frame run
  bool timed_out = false;  // stopped at the search's deadline (counts as not passed)
};

// Runs a fresh delta stream with `settings` over the cache (stops as soon as the targets cannot
// be met any more, or at `deadline`). Throws dcnn::Error(Config) for settings the executor rejects.
TrialResult run_trial(const std::shared_ptr<const Model>& model, const FrameCache& cache,
                      const DeltaSettings& settings, const Targets& targets,
                      std::chrono::steady_clock::time_point deadline);

}  // namespace dcnn::tune
