// The per-output arithmetic of kernels/cuda/conv_transpose.cu as __host__ __device__ inline
// functions: the kernel calls them on the GPU, and tests/cuda/test_conv_transpose_gather.cpp
// runs the very same code on the CPU against the naive ONNX reference, so the index inversion
// and the weight packing are proven on machines without a GPU.
#pragma once

#include <cuda_fp16.h>

#include <cstdint>

#include "kernels/common/host_device.h"
#include "kernels/cuda/conv_transpose.h"

namespace dcnn::cuda::gather {

// Input values are fp32 or fp16 (`T`); the arithmetic is fp32 (__half2float is host + device).
DCNN_HOST_DEVICE inline float to_float(float v) { return v; }
DCNN_HOST_DEVICE inline float to_float(__half v) { return __half2float(v); }

// The input index that writes output index o through tap k along one axis, or -1 (input i
// writes o = i * stride - pad + k * dil).
DCNN_HOST_DEVICE inline int source_index(int o, int k, int stride, int dil, int pad, int in) {
  const int t = o + pad - k * dil;
  if (t < 0 || t % stride != 0) return -1;
  const int i = t / stride;
  return i < in ? i : -1;
}

// True when any input pixel that writes output pixel (oy, ox) is set in in_mask.
DCNN_HOST_DEVICE inline bool output_reached(const ConvTransposeShape& s, const uint8_t* in_mask,
                                            int oy, int ox) {
  for (int ky = 0; ky < s.kh; ++ky) {
    const int iy = source_index(oy, ky, s.stride_h, s.dil_h, s.pad_top, s.in_h);
    if (iy < 0) continue;
    for (int kx = 0; kx < s.kw; ++kx) {
      const int ix = source_index(ox, kx, s.stride_w, s.dil_w, s.pad_left, s.in_w);
      if (ix >= 0 && in_mask[int64_t{iy} * s.in_w + ix]) return true;
    }
  }
  return false;
}

// acc + sum over the inputs that write output (oy, ox), channel co_all. weights: the packed
// [ky][kx][cin][cout/groups] layout (pack_weights_for_conv_transpose).
template <typename T>
DCNN_HOST_DEVICE inline float output_value(const ConvTransposeShape& s, const float* weights,
                                           const T* in, int oy, int ox, int co_all, float acc) {
  const int og = s.cout / s.groups, cg = s.cin / s.groups;
  const int group = co_all / og, co = co_all % og;
  for (int ky = 0; ky < s.kh; ++ky) {
    const int iy = source_index(oy, ky, s.stride_h, s.dil_h, s.pad_top, s.in_h);
    if (iy < 0) continue;
    for (int kx = 0; kx < s.kw; ++kx) {
      const int ix = source_index(ox, kx, s.stride_w, s.dil_w, s.pad_left, s.in_w);
      if (ix < 0) continue;
      const T* x = in + (int64_t{iy} * s.in_w + ix) * s.cin + int64_t{group} * cg;
      const float* w = weights + (int64_t{ky * s.kw + kx} * s.cin + int64_t{group} * cg) * og + co;
      for (int ci = 0; ci < cg; ++ci) acc += to_float(x[ci]) * w[int64_t{ci} * og];
    }
  }
  return acc;
}

}  // namespace dcnn::cuda::gather
