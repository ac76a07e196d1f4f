// Depthwise convolution (groups == cin == cout) on the GPU, direct: a GEMM per group would have
// K = kh * kw and N = 1, far too thin for cuBLAS. One thread per (pixel, channel); channels are
// innermost in NHWC so a warp's loads are contiguous. fp32, or fp16 storage with fp32
// accumulation.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/conv_shape.h"

namespace dcnn::cuda {

// weights: [ky][kx][c] fp32 (pack_weights_for_depthwise). For the n listed output pixels
// (device list; null: all out_h * out_w pixels, i.e. the dense pass). bias (c floats) is added
// when not null: the dense pass; deltas take none. `in` must hold 0 at inactive input pixels
// when run on deltas (the delta invariant), so they contribute nothing.
cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const float* in, float* out, const int32_t* list, int64_t n,
                           cudaStream_t stream);
cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const __half* in, __half* out, const int32_t* list, int64_t n,
                           cudaStream_t stream);
// The same with the count of listed output pixels read on the device (graph-capturable); the
// grid is sized for `capacity` pixels.
cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const float* in, float* out, const int32_t* list, const int* count,
                           int64_t capacity, cudaStream_t stream);
cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const __half* in, __half* out, const int32_t* list, const int* count,
                           int64_t capacity, cudaStream_t stream);

}  // namespace dcnn::cuda
