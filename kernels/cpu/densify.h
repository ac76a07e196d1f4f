// Accumulation of deltas into a dense tensor: output heads (densify) and the accumulated inputs
// that stateful ops (max pooling, tensor products) keep.
#pragma once

#include <cstdint>

namespace dcnn::cpu {

// dense[p] += delta[p] for the n listed pixels, c channels each.
void accumulate_pixels(float* dense, const float* delta, const int32_t* list, int n, int c);

}  // namespace dcnn::cpu
