// Max pooling. Max is not linear, so the delta form runs on the accumulated input (the caller
// adds the input delta into it first, kernels/cuda/densify.h) and keeps the previous output:
//   out = max_window(acc) - prev_out, prev_out = max_window(acc)
// which is DESIGN.md's max(acc + d) - max(acc). Padding never wins (ONNX pads with -inf).
// in (`TIn`) and out (`TOut`) are fp32 or fp16 (float or __half), computed in fp32; prev_out
// (state) is fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/window.h"

namespace dcnn::cuda {

// For the n listed output pixels (device list; null: pixels 0..n-1), c channels.
// prev_out null: out = max. Otherwise out = max - prev_out when emit_delta (else out = max: a
// dense pass that keeps state), and prev_out = max. When emit_delta and mask is not null, a
// pixel whose change is exactly 0 in every channel (its maximum did not move) gets mask 0:
// re-compact the list afterwards. As kernels/cpu/pool.h. One warp per pixel.
template <typename TIn, typename TOut>
cudaError_t max_pool(const Window2D& w, int c, const TIn* in, float* prev_out, bool emit_delta,
                     TOut* out, uint8_t* mask, const int32_t* list, int64_t n,
                     cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
template <typename TIn, typename TOut>
cudaError_t max_pool(const Window2D& w, int c, const TIn* in, float* prev_out, bool emit_delta,
                     TOut* out, uint8_t* mask, const int32_t* list, const int* count,
                     int64_t capacity, cudaStream_t stream);

}  // namespace dcnn::cuda
