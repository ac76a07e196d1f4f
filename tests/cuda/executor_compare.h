// CPU vs CUDA executors side by side on the same frames (tests/exec/synthetic_sequence.h), for
// the whole-network and real-model CUDA tests. Errors are relative to the largest |value| of the
// reference heads of the frame (at least 1e-3), like tests/exec/delta_harness.h.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "engine/exec/executor.h"

namespace dcnn::test {

// max |a - b| / scale over all heads, scale = max(|ref|, 1e-3) over all heads of `ref`.
float head_difference(const Executor& a, const Executor& b, const Executor& ref);

// Runs every executor on each frame from `next_frame` and calls `check(frame_index)` after each.
void run_side_by_side(const std::vector<Executor*>& executors, int frames,
                      const std::function<const std::vector<float>&()>& next_frame,
                      const std::function<void(int)>& check);

}  // namespace dcnn::test
