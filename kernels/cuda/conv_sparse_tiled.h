// Sparse convolution in one kernel (implicit GEMM): each block gathers the receptive fields of
// 64 listed output pixels straight into shared memory and multiplies them by a 64-channel slice
// of the packed weights, so the gathered matrix never goes through device memory and no scratch
// is needed. The number of listed pixels is read on the device, so a launch needs no host
// synchronisation and can be captured in a CUDA graph; blocks past the count exit at once.
// Same contract as conv_sparse.h otherwise: no bias, `in` holds 0 at inactive pixels, only the
// listed output pixels are written. FFMA in fp32 (no TF32), also for the fp16-storage variant.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/conv_shape.h"

namespace dcnn::cuda {

// list: up to `capacity` output pixel indices (device); count: one device int, how many of them
// are valid (e.g. written by compact_mask / dilate_mask_to_list). weights: the
// pack_weights_for_gemm layout on the device (fp16 variant: the same layout in half).
cudaError_t conv_sparse_tiled(const ConvShape& s, const float* weights, const float* in,
                              const int32_t* list, const int* count, int capacity, float* out,
                              cudaStream_t stream);
// fp16 runs on tensor cores (conv_sparse_wmma.h) on sm_70 and later, else on FMAs.
cudaError_t conv_sparse_tiled(const ConvShape& s, const __half* weights, const __half* in,
                              const int32_t* list, const int* count, int capacity, __half* out,
                              cudaStream_t stream);
// The FMA form of the fp16 kernel whatever the device (the tests compare the two forms).
cudaError_t conv_sparse_tiled_fma(const ConvShape& s, const __half* weights, const __half* in,
                                  const int32_t* list, const int* count, int capacity, __half* out,
                                  cudaStream_t stream);

}  // namespace dcnn::cuda
