#include "kernels/cpu/global_pool.h"

namespace dcnn::cpu {

void global_sum(const float* in, const int32_t* list, int64_t n, int c, float scale, double* sums,
                float* out) {
  // Sum in double: the map can hold 10^5+ pixels and the delta and dense paths must agree.
  double* total = sums;
  for (int ch = 0; ch < c; ++ch) total[ch] = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const float* p = in + (list ? int64_t(list[i]) : i) * c;
    for (int ch = 0; ch < c; ++ch) total[ch] += p[ch];
  }
  for (int ch = 0; ch < c; ++ch) out[ch] = float(total[ch] * scale);
}

}  // namespace dcnn::cpu
