// Tensor-core form of the fp16 sparse conv (conv_sparse_tiled.h, __half overload): the same
// implicit GEMM over the listed output pixels (rows: gathered receptive fields, K = kh*kw*cin/g,
// N = cout/g), but each 64 x 64 output tile is multiplied with WMMA 16x16x16 fragments, half
// operands and fp32 accumulation, instead of fp32 FMAs. conv_sparse_tiled dispatches fp16 here on
// devices with tensor cores (sm_70 and later); fp32 stays on FMAs (no TF32: exactness oracle).
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/conv_shape.h"

namespace dcnn::cuda {

// Same contract as conv_sparse_tiled (list / count on the device / capacity, weights in the
// pack_weights_for_gemm layout in half). Returns cudaErrorInvalidValue for bad arguments.
cudaError_t conv_sparse_wmma(const ConvShape& s, const __half* weights, const __half* in,
                             const int32_t* list, const int* count, int capacity, __half* out,
                             cudaStream_t stream);

// True when the current device has tensor cores for half WMMA (compute capability >= 7.0).
bool wmma_available();

}  // namespace dcnn::cuda
