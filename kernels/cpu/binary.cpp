#include "kernels/cpu/binary.h"

namespace dcnn::cpu {

void binary(BinaryFn fn, const BroadcastView& a, const BroadcastView& b, int out_w, int c,
            float* prev_out, bool emit_delta, float* out, const int32_t* list, int64_t n) {
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
