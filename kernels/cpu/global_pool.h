// Global average pooling: out[c] = scale * sum over pixels of in[p][c]. Dense: all pixels,
// scale 1/(H*W). Delta: only the active pixels (the others hold zero change), same scale, which
// is exactly the change of the mean of the accumulated map.
#pragma once

#include <cstdint>

namespace dcnn::cpu {

// Sums the n listed pixels (list == nullptr: pixels 0..n-1).
// `sums` is caller-owned scratch of c doubles (no allocation per frame).
void global_sum(const float* in, const int32_t* list, int64_t n, int c, float scale, double* sums,
                float* out);

}  // namespace dcnn::cpu
