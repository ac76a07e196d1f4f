// Nonlinear activation on the GPU, dense and on deltas with exact truncation bookkeeping
// (DESIGN.md, "Delta semantics"). Per pixel the state is the accumulated pre-activation `acc`
// (what downstream has seen) and the residual `res` (change not yet propagated):
//   res += d; cand = acc + res; out = g(cand) - g(acc);
//   fires when max_c |out| > eps: emit out, acc = cand, res = 0;
//   otherwise emit 0 (the delta invariant), keep res, clear the pixel's mask byte.
// The per-element g comes from kernels/common/activation.h, shared with the CPU backend.
// Values (x, d, out) are fp32 or fp16 (`T`: float or __half), computed in fp32; the state
// (acc, res) is fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/common/activation.h"

namespace dcnn::cuda {

// out = g(x) for pixels * c values (out may alias x). When acc is not null the delta state is
// initialised from this dense pass: acc = x, res = 0 (res must then be non-null too).
template <typename T>
cudaError_t activation_dense(const kern::ActSpec& a, const T* x, T* out, float* acc, float* res,
                             int64_t pixels, int c, cudaStream_t stream);

// Delta step for the n pixels in list (device). d and out may alias. A pixel that does not
// fire gets out = 0 and mask[pixel] = 0; one that fires keeps its mask byte. Re-compact the
// mask afterwards (compact_mask) for the next layer's list.
template <typename T>
cudaError_t activation_delta(const kern::ActSpec& a, const T* d, T* out, float* acc, float* res,
                             const int32_t* list, int n, int c, float eps, uint8_t* mask,
                             cudaStream_t stream);
// The same with the pixel count read on the device (*count, as compact_mask leaves it), so the
// launch needs no host synchronisation and can be captured in a CUDA graph; the grid is sized
// for `capacity` pixels and warps past the count exit at once.
template <typename T>
cudaError_t activation_delta(const kern::ActSpec& a, const T* d, T* out, float* acc, float* res,
                             const int32_t* list, const int* count, int capacity, int c,
                             float eps, uint8_t* mask, cudaStream_t stream);

}  // namespace dcnn::cuda
