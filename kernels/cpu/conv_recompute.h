// Convolution in the recompute-from-stored-maps delta form (docs/cpu-engine.md): at a list of
// candidate output pixels, act(conv(in_map) + bias) is computed from the stored (propagated)
// input map, compared with the stored output map, and written where it fires (fire.h).
// No accumulators, residuals or zero invariant: the maps hold full values.
#pragma once

#include <cstdint>

#include "kernels/common/activation.h"
#include "kernels/cpu/conv.h"

namespace dcnn::cpu {

// cand: n output pixels (y*out_w+x), ascending. Sets fired[p] = 1 for the pixels that fire and
// returns how many did. Threads: OpenMP, by work size; results do not depend on the count.
// Throws std::out_of_range for a candidate outside the map.
int conv_recompute(const PackedConv& p, const kern::ActSpec& act, const float* in_map, const int32_t* cand,
                   int n, float eps, float* out_map, uint8_t* fired);

}  // namespace dcnn::cpu
