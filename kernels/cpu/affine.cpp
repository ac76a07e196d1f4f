#include "kernels/cpu/affine.h"

#include "kernels/cpu/parallel_shares.h"
#include "kernels/cpu/simd_dispatch.h"

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

// Pixels [begin, end) of affine(). Its own function for the ISA clones (an OpenMP body would
// not inherit them), which affine_rows has too, so both compute a pixel the same way.
DCNN_SIMD_CLONES void affine_range(const float* in, float* out, const float* scale, const float* shift,
                                   const int32_t* list, int64_t begin, int64_t end, int c) {
  for (int64_t i = begin; i < end; ++i) {
    const int64_t base = (list ? int64_t(list[i]) : i) * c;
    affine_pixel(in + base, scale, shift, c, out + base);
  }
}

DCNN_SIMD_CLONES void affine_rows_loop(const float* in, const float* scale, const float* shift,
                                       const int32_t* list, int m, int c, float* rows) {
  for (int i = 0; i < m; ++i) affine_pixel(in + int64_t(list[i]) * c, scale, shift, c, rows + int64_t{i} * c);
}

}  // namespace

void affine(const float* in, float* out, const float* scale, const float* shift,
            const int32_t* list, int64_t n, int c) {
  for_each_share(n, n * c > 65536, [&](int64_t begin, int64_t end) {
    affine_range(in, out, scale, shift, list, begin, end, c);
  });
}

void affine_rows(const float* in, const float* scale, const float* shift, const int32_t* list, int m, int c,
                 float* rows) {
  affine_rows_loop(in, scale, shift, list, m, c, rows);
}

}  // namespace dcnn::cpu
