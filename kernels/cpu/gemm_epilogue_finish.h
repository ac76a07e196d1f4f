// The epilogue of gather_gemm and gather_gemm_bf16 on one vector of a finished row: bias, then
// the activation as activate_as writes it (v > bound ? v : bound, plain comparisons), so that
// fused and separate steps, fp32 and bf16 kernels, give the same values from the same sums.
// V: a GCC vector of one register (simd_vectors.h, or an intrinsics type, which is one too).
#pragma once

#include "kernels/cpu/gather_gemm.h"
#include "kernels/cpu/simd_vectors.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // see simd_vectors.h

namespace dcnn::cpu {

template <typename V>
inline __attribute__((always_inline)) V finish(V v, const GemmEpilogue& e, int col) {
  if (e.bias) v += simd::load<V>(e.bias + col);
  if (e.act.fn == kern::ActFn::Relu) {
    const V zero{};
    v = v > zero ? v : zero;
  } else if (e.act.fn == kern::ActFn::Clip) {
    const V lo = V{} + e.act.alpha, hi = V{} + e.act.beta;
    v = v > lo ? v : lo;
    v = v < hi ? v : hi;
  }
  return v;
}

}  // namespace dcnn::cpu

#pragma GCC diagnostic pop
