#include "kernels/cpu/binary.h"

#include "kernels/cpu/parallel_shares.h"
#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {
namespace {

// out = a * b over pixels [begin, end) with channels contiguous in both (a squeeze-excite
// gate, a per-channel or whole-map product): a loop the compiler vectorises, in its own
// function for the ISA clones. Every path computes va * vb alone, so it equals the general loop.
DCNN_SIMD_CLONES void mul_contiguous(const BroadcastView& a, const BroadcastView& b, int out_w, int c, float* out,
                                     const int32_t* list, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const int64_t pixel = list ? int64_t(list[i]) : i;
    const int64_t y = pixel / out_w, x = pixel % out_w;
    const float* ap = a.data + y * a.sy + x * a.sx;
    const float* bp = b.data + y * b.sy + x * b.sx;
    float* op = out + pixel * c;
    for (int ch = 0; ch < c; ++ch) op[ch] = ap[ch] * bp[ch];
  }
}

}  // namespace

void binary(BinaryFn fn, const BroadcastView& a, const BroadcastView& b, int out_w, int c,
            float* prev_out, bool emit_delta, float* out, const int32_t* list, int64_t n) {
  if (fn == BinaryFn::Mul && !prev_out && a.sc == 1 && b.sc == 1) {
    for_each_share(n, n * c > 65536, [&](int64_t begin, int64_t end) {
      mul_contiguous(a, b, out_w, c, out, list, begin, end);
    });
    return;
  }
#pragma omp parallel for schedule(static) if (n * c > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t pixel = list ? int64_t(list[i]) : i;
    const int64_t y = pixel / out_w, x = pixel % out_w;
    const float* ap = a.data + y * a.sy + x * a.sx;
    const float* bp = b.data + y * b.sy + x * b.sx;
    float* op = out + pixel * c;
    float* pp = prev_out ? prev_out + pixel * c : nullptr;
    for (int ch = 0; ch < c; ++ch) {
      const float va = ap[ch * a.sc], vb = bp[ch * b.sc];
      const float v = fn == BinaryFn::Mul ? va * vb : va / vb;
      if (pp) {
        op[ch] = emit_delta ? v - pp[ch] : v;
        pp[ch] = v;
      } else {
        op[ch] = v;
      }
    }
  }
}

}  // namespace dcnn::cpu
