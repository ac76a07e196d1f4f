#include "kernels/cpu/add.h"

namespace dcnn::cpu {
namespace {

// One pixel's c channels; both entry points go through it so that a recomputed candidate is
// the dense pass's value bit for bit (the eps = 0 oracle). out may alias a or b.
inline void add_pixel(const float* a, const float* b, float coef_a, float coef_b, int c, float* out) {
  for (int ch = 0; ch < c; ++ch) out[ch] = coef_a * a[ch] + coef_b * b[ch];
}

}  // namespace

void add(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, float* out,
         const int32_t* list, int64_t n, int c) {
#pragma omp parallel for schedule(static) if (n * c > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t base = (list ? int64_t(list[i]) : i) * c;
    add_pixel(a + base, b_broadcast ? b : b + base, coef_a, coef_b, c, out + base);
  }
}

void add_rows(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, const int32_t* list,
              int m, int c, float* rows) {
  for (int i = 0; i < m; ++i) {
    const int64_t base = int64_t(list[i]) * c;
    add_pixel(a + base, b_broadcast ? b : b + base, coef_a, coef_b, c, rows + int64_t{i} * c);
  }
}

}  // namespace dcnn::cpu
