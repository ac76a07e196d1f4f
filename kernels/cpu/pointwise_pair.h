// The recompute form (docs/cpu-engine.md) of two pointwise (1x1) convs in a row whose middle
// tensor has no stored map: the first conv's activated output is computed at the candidate
// pixels from the stored input map, the second conv runs on it while it is in cache, and the
// fire step compares with the second conv's stored map. The middle tensor's values are exact
// functions of the input map (threshold 0), as for the expanded tensors of expand_depthwise.h.
//
// Why: MoveNet's six heads end in 1x1 (24 -> 96, ReLU) then 1x1 (96 -> 1..34). The 96-channel
// maps are 60 MB of a stream's state, and their fire step (read new and stored values, compare,
// write) cost more than the two GEMMs at the candidates.
#pragma once

#include <cstdint>

#include "kernels/common/activation.h"
#include "kernels/cpu/conv.h"

namespace dcnn::cpu {

// Whether pointwise_pair_recompute takes this pair: both 1x1 stride-1 unpadded ungrouped
// convs over the same map, first.cout == second.cin.
bool pointwise_pair_fits(const ConvGeometry& first, const ConvGeometry& second);

// x: the first conv's input map; cand: n output pixels, ascending. Fires as conv_recompute does
// (fire.h) into out_map / fired and returns how many fired. Threads: OpenMP over candidate
// blocks; results do not depend on the count. Throws std::invalid_argument for a pair that does
// not fit, std::out_of_range for a bad candidate.
int pointwise_pair_recompute(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                             const kern::ActSpec& second_act, const float* x, const int32_t* cand, int n,
                             float eps, float* out_map, uint8_t* fired);

}  // namespace dcnn::cpu
