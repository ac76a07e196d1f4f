#include "kernels/cpu/affine.h"

namespace dcnn::cpu {

void affine(const float* in, float* out, const float* scale, const float* shift,
            const int32_t* list, int64_t n, int c) {
#pragma omp parallel for schedule(static) if (n * c > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t base = (list ? int64_t(list[i]) : i) * c;
    if (shift) {
      for (int ch = 0; ch < c; ++ch) out[base + ch] = scale[ch] * in[base + ch] + shift[ch];
    } else {
      for (int ch = 0; ch < c; ++ch) out[base + ch] = scale[ch] * in[base + ch];
    }
  }
}

void affine_rows(const float* in, const float* scale, const float* shift, const int32_t* list, int m, int c,
                 float* rows) {
  for (int i = 0; i < m; ++i) {
    const float* x = in + int64_t(list[i]) * c;
    float* out = rows + int64_t{i} * c;
    if (shift) {
      for (int ch = 0; ch < c; ++ch) out[ch] = scale[ch] * x[ch] + shift[ch];
    } else {
      for (int ch = 0; ch < c; ++ch) out[ch] = scale[ch] * x[ch];
    }
  }
}

}  // namespace dcnn::cpu
