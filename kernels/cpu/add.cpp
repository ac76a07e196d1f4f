#include "kernels/cpu/add.h"

namespace dcnn::cpu {

void add(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, float* out,
         const int32_t* list, int64_t n, int c) {
#pragma omp parallel for schedule(static) if (n * c > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t base = (list ? int64_t(list[i]) : i) * c;
    const float* bp = b_broadcast ? b : b + base;
    for (int ch = 0; ch < c; ++ch) out[base + ch] = coef_a * a[base + ch] + coef_b * bp[ch];
  }
}

void add_rows(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, const int32_t* list,
              int m, int c, float* rows) {
  for (int i = 0; i < m; ++i) {
    const int64_t base = int64_t(list[i]) * c;
    const float* bp = b_broadcast ? b : b + base;
    float* out = rows + int64_t{i} * c;
    for (int ch = 0; ch < c; ++ch) out[ch] = coef_a * a[base + ch] + coef_b * bp[ch];
  }
}

}  // namespace dcnn::cpu
