// Elementwise a * b or a / b with broadcasting (squeeze-excite gates: a HxWxC map times a
// 1x1xC gate), on accumulated (full) values. Such products are not linear in the deltas, so in
// delta mode the caller keeps both inputs accumulated and the kernel turns the new product
// into a change: out = f(a, b) - prev_out, prev_out = f(a, b) (DESIGN.md, "Delta semantics").
// Operands (`TIn`) and out (`TOut`) are fp32 or fp16 (float or __half), computed in fp32;
// prev_out (state) is fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

enum class BinaryFn : int { Mul, Div };

// Element (y, x, ch) of an operand is data[y * sy + x * sx + ch * sc]; a broadcast axis has
// stride 0. Passed to the kernel by value.
template <typename T>
struct BroadcastView {
  const T* data = nullptr;
  int64_t sy = 0, sx = 0, sc = 0;
};

// For the n listed output pixels (device list; null: pixels 0..n-1) of an out_w-wide,
// c-channel map. prev_out null: out = f(a, b). Otherwise out = f - prev_out when emit_delta
// (else out = f: a dense pass that keeps state), and prev_out = f. As kernels/cpu/binary.h.
template <typename TIn, typename TOut>
cudaError_t binary(BinaryFn fn, const BroadcastView<TIn>& a, const BroadcastView<TIn>& b,
                   int out_w, int c, float* prev_out, bool emit_delta, TOut* out,
                   const int32_t* list, int64_t n, cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
template <typename TIn, typename TOut>
cudaError_t binary(BinaryFn fn, const BroadcastView<TIn>& a, const BroadcastView<TIn>& b,
                   int out_w, int c, float* prev_out, bool emit_delta, TOut* out,
                   const int32_t* list, const int* count, int64_t capacity, cudaStream_t stream);

}  // namespace dcnn::cuda
