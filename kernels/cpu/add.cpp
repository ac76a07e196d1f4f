#include "kernels/cpu/add.h"

#include "kernels/cpu/parallel_shares.h"
#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {
namespace {

// One pixel's c channels; both entry points go through it so that a recomputed candidate is
// the dense pass's value bit for bit (the eps = 0 oracle). out may alias a or b.
inline void add_pixel(const float* a, const float* b, float coef_a, float coef_b, int c, float* out) {
  for (int ch = 0; ch < c; ++ch) out[ch] = coef_a * a[ch] + coef_b * b[ch];
}

// Pixels [begin, end) of add(). Its own function for the ISA clones (an OpenMP body would not
// inherit them), which add_rows has too, so both compute a pixel with the same instructions.
DCNN_SIMD_CLONES void add_range(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b,
                                float* out, const int32_t* list, int64_t begin, int64_t end, int c) {
  for (int64_t i = begin; i < end; ++i) {
    const int64_t base = (list ? int64_t(list[i]) : i) * c;
    add_pixel(a + base, b_broadcast ? b : b + base, coef_a, coef_b, c, out + base);
  }
}

DCNN_SIMD_CLONES void add_rows_loop(const float* a, const float* b, bool b_broadcast, float coef_a,
                                    float coef_b, const int32_t* list, int m, int c, float* rows) {
  for (int i = 0; i < m; ++i) {
    const int64_t base = int64_t(list[i]) * c;
    add_pixel(a + base, b_broadcast ? b : b + base, coef_a, coef_b, c, rows + int64_t{i} * c);
  }
}

}  // namespace

void add(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, float* out,
         const int32_t* list, int64_t n, int c) {
  for_each_share(n, n * c > 65536, [&](int64_t begin, int64_t end) {
    add_range(a, b, b_broadcast, coef_a, coef_b, out, list, begin, end, c);
  });
}

void add_rows(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b, const int32_t* list,
              int m, int c, float* rows) {
  add_rows_loop(a, b, b_broadcast, coef_a, coef_b, list, m, c, rows);
}

}  // namespace dcnn::cpu
