// Runs a dense Executor and a delta Executor side by side on the same synthetic frames and
// measures how far the delta heads are from the dense heads, per frame.
#pragma once

#include <vector>

#include "engine/exec/executor.h"
#include "tests/exec/synthetic_sequence.h"

namespace dcnn::test {

struct FrameError {
  float max_rel = 0.f;   // max |delta - dense| / scale over all heads
  float mean_rel = 0.f;  // mean |delta - dense| / scale
  float scale = 0.f;     // max |dense| (at least 1e-3)
  float input_active = 1.f;
  float mean_active = 1.f;
  bool keyframe = false;
};

// Settings under which delta mode must equal dense to float tolerance.
DeltaSettings exact_settings(float dense_break_even = 0.4f);

// A normalisation like the shipped models' (so the graph sees values around 0).
InputNormalization test_normalization();

std::vector<FrameError> compare_dense_delta(const ir::Graph& graph, const DeltaSettings& settings,
                                            const SequenceOptions& sequence, int frames);

// Whether two streams' heads are equal bit for bit.
bool same_heads(const Executor& a, const Executor& b);

// Largest max_rel over the frames.
float worst(const std::vector<FrameError>& errors);

}  // namespace dcnn::test
