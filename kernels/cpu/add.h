// out = coef_a * a + coef_b * b per pixel; b is either the same HxWxC map or a 1x1xC vector
// broadcast over every pixel. Linear, so the same kernel serves dense values and deltas (an
// inactive pixel of a delta map holds 0 and contributes nothing).
#pragma once

#include <cstdint>

namespace dcnn::cpu {

// For the n listed pixels (list == nullptr: pixels 0..n-1). out may alias a or b.
void add(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, float* out,
         const int32_t* list, int64_t n, int c);

// The same sum for the m listed pixels, written as m consecutive rows of c (a compact tile).
void add_rows(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, const int32_t* list,
              int m, int c, float* rows);

}  // namespace dcnn::cpu
