// Several streams stepping together: one frame for each of N Executors (N cameras on one GPU),
// from one host thread. Every frame is submitted before any is waited for, so on the CUDA
// backend the streams' work is all enqueued (each on its own CUDA stream, a steady-state delta
// frame as one CUDA-graph launch) and the GPU runs them concurrently: small sparse frames that
// leave most of the GPU idle one at a time fill it together. On the CPU the frames run one after
// another, as run() would.
#pragma once

#include <vector>

#include "engine/exec/executor.h"

namespace dcnn {

// frames[i] is executors[i]'s input (H*W*3 floats, as for Executor::run); each executor may
// appear once. On return every executor has finished its frame: its outputs and stats are this
// frame's. If a submit or finish throws, the frames already submitted are finished before the
// first error is rethrown.
void run_together(const std::vector<Executor*>& executors, const std::vector<const float*>& frames);

}  // namespace dcnn
