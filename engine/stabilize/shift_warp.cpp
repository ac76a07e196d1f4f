#include "engine/stabilize/shift_warp.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace dcnn {
namespace {

// The output range [lo, hi) along one axis of length n whose sources i + whole (and + 1 when
// the fraction is not zero) lie inside [0, n).
void valid_range(int n, int whole, bool fractional, int& lo, int& hi) {
  lo = std::max(0, -whole);
  hi = std::min(n, n - whole - (fractional ? 1 : 0));
  if (hi < lo) hi = lo;
}

inline float clamp255(float v) { return std::min(255.f, std::max(0.f, v)); }

}  // namespace

void shift_and_scale(const float* in, float* out, int width, int height, double dx, double dy, float scale,
                     float bias) {
  const int ix = int(std::floor(dx)), iy = int(std::floor(dy));
  const float fx = float(dx - ix), fy = float(dy - iy);
  int x0, x1, y0, y1;
  valid_range(width, ix, fx > 0.f, x0, x1);
  valid_range(height, iy, fy > 0.f, y0, y1);
  if (x0 >= x1 || y0 >= y1) return;
  // Bilinear weights with the exposure scale folded in.
  const float w00 = (1.f - fx) * (1.f - fy) * scale, w01 = fx * (1.f - fy) * scale;
  const float w10 = (1.f - fx) * fy * scale, w11 = fx * fy * scale;
  const int64_t row = int64_t(width) * 3;
  const int n = (x1 - x0) * 3;  // floats per output row span
  for (int y = y0; y < y1; ++y) {
    float* o = out + y * row + int64_t(x0) * 3;
    const float* a = in + int64_t(y + iy) * row + int64_t(x0 + ix) * 3;
    if (fy == 0.f && fx == 0.f) {
      for (int k = 0; k < n; ++k) o[k] = clamp255(w00 * a[k] + bias);
    } else if (fy == 0.f) {
      for (int k = 0; k < n; ++k) o[k] = clamp255(w00 * a[k] + w01 * a[k + 3] + bias);
    } else {
      const float* b = a + row;
      if (fx == 0.f) {
        for (int k = 0; k < n; ++k) o[k] = clamp255(w00 * a[k] + w10 * b[k] + bias);
      } else {
        for (int k = 0; k < n; ++k) o[k] = clamp255(w00 * a[k] + w01 * a[k + 3] + w10 * b[k] + w11 * b[k + 3] + bias);
      }
    }
  }
}

}  // namespace dcnn
