// Channel concatenation: out[p][offset_k + j] = in_k[p][j]. Linear; for deltas an input that
// is inactive at p holds zeros there, which is exactly its (absent) change.
#pragma once

#include <cstdint>

namespace dcnn::cpu {

// For the n listed pixels (list == nullptr: pixels 0..n-1); inputs[k] has channels[k] channels.
void concat(const float* const* inputs, const int* channels, int num_inputs, float* out,
            int out_c, const int32_t* list, int64_t n);

}  // namespace dcnn::cpu
