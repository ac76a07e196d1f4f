#include "kernels/cpu/affine.h"

namespace dcnn::cpu {
namespace {

// One pixel's c channels; both entry points go through it so that a recomputed candidate is
// the dense pass's value bit for bit (the eps = 0 oracle). out may alias x.
inline void affine_pixel(const float* x, const float* scale, const float* shift, int c, float* out) {
  if (shift) {
    for (int ch = 0; ch < c; ++ch) out[ch] = scale[ch] * x[ch] + shift[ch];
  } else {
    for (int ch = 0; ch < c; ++ch) out[ch] = scale[ch] * x[ch];
  }
}

}  // namespace

void affine(const float* in, float* out, const float* scale, const float* shift,
            const int32_t* list, int64_t n, int c) {
#pragma omp parallel for schedule(static) if (n * c > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t base = (list ? int64_t(list[i]) : i) * c;
    affine_pixel(in + base, scale, shift, c, out + base);
  }
}

void affine_rows(const float* in, const float* scale, const float* shift, const int32_t* list, int m, int c,
                 float* rows) {
  for (int i = 0; i < m; ++i) affine_pixel(in + int64_t(list[i]) * c, scale, shift, c, rows + int64_t{i} * c);
}

}  // namespace dcnn::cpu
