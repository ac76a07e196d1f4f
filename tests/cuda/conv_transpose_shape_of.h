// The CUDA shape of a CPU transposed-conv geometry (tests/kernels/conv_transpose_cases.h), for
// the CUDA ConvTranspose tests that reuse the CPU kernel tests' cases and reference.
#pragma once

#include "kernels/cpu/conv.h"
#include "kernels/cuda/conv_transpose.h"

namespace dcnn::cuda::test {

inline ConvTransposeShape shape_of(const cpu::ConvTransposeGeometry& g) {
  ConvTransposeShape s;
  s.in_h = g.in_h; s.in_w = g.in_w; s.cin = g.cin;
  s.out_h = g.out_h; s.out_w = g.out_w; s.cout = g.cout;
  s.kh = g.kh; s.kw = g.kw;
  s.stride_h = g.stride_h; s.stride_w = g.stride_w;
  s.dil_h = g.dil_h; s.dil_w = g.dil_w;
  s.pad_top = g.pad_top; s.pad_left = g.pad_left;
  s.groups = g.groups;
  return s;
}

}  // namespace dcnn::cuda::test
