// Per-channel affine map y = scale[c] * x + shift[c]. On deltas the shift cancels, so the delta
// path passes shift = nullptr.
#pragma once

#include <cstdint>

namespace dcnn::cpu {

// For the n listed pixels (list == nullptr: pixels 0..n-1). out may alias in.
void affine(const float* in, float* out, const float* scale, const float* shift,
            const int32_t* list, int64_t n, int c);

// The same map for the m listed pixels, written as m consecutive rows of c (a compact tile).
void affine_rows(const float* in, const float* scale, const float* shift, const int32_t* list, int m, int c,
                 float* rows);

}  // namespace dcnn::cpu
