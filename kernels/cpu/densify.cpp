#include "kernels/cpu/densify.h"

namespace dcnn::cpu {

void accumulate_pixels(float* dense, const float* delta, const int32_t* list, int n, int c) {
#pragma omp parallel for schedule(static) if (int64_t(n) * c > 65536)
  for (int i = 0; i < n; ++i) {
    const int64_t base = int64_t(list[i]) * c;
    for (int ch = 0; ch < c; ++ch) dense[base + ch] += delta[base + ch];
  }
}

}  // namespace dcnn::cpu
