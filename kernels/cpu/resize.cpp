#include "kernels/cpu/resize.h"

#include "kernels/cpu/parallel_shares.h"
#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {
namespace {

// Pixels [begin, end): in its own function for the ISA clones (an OpenMP body would not inherit
// them and ran on SSE2). Dense and recompute passes both come here, so a pixel is computed with
// the same instructions in both.
// compact: pixel i's values go to row i of `out` (fire_computed's tile), else to its own place.
DCNN_SIMD_CLONES void resize_range(const float* in, int in_w, int c, const ResizeAxis& rows, const ResizeAxis& cols,
                                   float* out, int out_w, const int32_t* list, int64_t begin, int64_t end,
                                   bool compact) {
  for (int64_t i = begin; i < end; ++i) {
    const int64_t pixel = list ? int64_t(list[i]) : i;
    const int oy = int(pixel / out_w), ox = int(pixel % out_w);
    const float* p00 = in + (int64_t(rows.i0[oy]) * in_w + cols.i0[ox]) * c;
    const float* p01 = in + (int64_t(rows.i0[oy]) * in_w + cols.i1[ox]) * c;
    const float* p10 = in + (int64_t(rows.i1[oy]) * in_w + cols.i0[ox]) * c;
    const float* p11 = in + (int64_t(rows.i1[oy]) * in_w + cols.i1[ox]) * c;
    const float a = rows.w0[oy], b = rows.w1[oy], u = cols.w0[ox], v = cols.w1[ox];
    float* op = out + (compact ? i : pixel) * c;
    for (int ch = 0; ch < c; ++ch)
      op[ch] = a * (u * p00[ch] + v * p01[ch]) + b * (u * p10[ch] + v * p11[ch]);
  }
}

}  // namespace

void resize(const float* in, int in_w, int c, const ResizeAxis& rows, const ResizeAxis& cols,
            float* out, int out_w, const int32_t* list, int64_t n) {
  for_each_share(n, n * c > 65536, [&](int64_t begin, int64_t end) {
    resize_range(in, in_w, c, rows, cols, out, out_w, list, begin, end, false);
  });
}

void resize_rows(const float* in, int in_w, int c, const ResizeAxis& rows, const ResizeAxis& cols, int out_w,
                 const int32_t* list, int64_t n, float* out_rows) {
  resize_range(in, in_w, c, rows, cols, out_rows, out_w, list, 0, n, true);
}

}  // namespace dcnn::cpu
