// Sparse convolution on a list of output pixels: gather their receptive fields into a scratch
// matrix (one row per pixel, K = kh * kw * cin / groups per group), multiply by the packed
// weights with cuBLAS (one GEMM per group, fp32 accumulation), scatter the rows back to their
// pixels. No bias: deltas do not take it (the dense first pass does, conv_dense.h).
// `in` must hold 0 at every inactive input pixel (the delta invariant), so inactive neighbours
// contribute nothing; output pixels not in the list are left untouched.
#pragma once

#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "kernels/cuda/conv_shape.h"
#include "kernels/cuda/status.h"
#include "kernels/cuda/storage.h"

namespace dcnn::cuda {

// Scratch bytes that let one GEMM cover `rows` output pixels. Smaller scratch still works: the
// list is processed in chunks of as many rows as fit (at least one).
size_t conv_sparse_scratch_bytes(const ConvShape& s, int rows, Storage storage);

// list: n output pixel indices (y * out_w + x) on the device; n is the host-side count.
// weights: pack_weights_for_gemm layout on the device (fp16 variant: the same layout in half).
// The wrapper puts `handle` on `stream`, host pointer mode and CUBLAS_DEFAULT_MATH (fp32 GEMMs
// then never use TF32: results stay within fp32 rounding of the CPU backend).
Status conv_sparse(cublasHandle_t handle, const ConvShape& s, const float* weights, const float* in,
                   const int32_t* list, int n, float* out, void* scratch, size_t scratch_bytes,
                   cudaStream_t stream);
// fp16 storage: half activations and weights, fp32 accumulation (tensor cores).
Status conv_sparse(cublasHandle_t handle, const ConvShape& s, const __half* weights,
                   const __half* in, const int32_t* list, int n, __half* out, void* scratch,
                   size_t scratch_bytes, cudaStream_t stream);

}  // namespace dcnn::cuda
