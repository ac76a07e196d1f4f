// Transposed convolution (ONNX ConvTranspose) on the GPU, NHWC; in and out are fp32 or fp16
// (`T`: float or __half), accumulated in fp32; weights and bias are fp32:
//   out[oy][ox][co] += in[iy][ix][ci] * w[ci][co][ky][kx]  where oy = iy * stride - pad + ky * dil.
// Gather form: one thread per (output pixel, output channel) sums the input pixels that write
// to it, so outputs never race and need no atomics, and the same kernel runs the dense pass
// (every pixel, with bias) and the delta pass (listed output pixels, no bias; inactive inputs
// hold 0 by the delta invariant, so they add nothing). Channels are innermost, so a warp reads
// consecutive weights and one broadcast input value per tap.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "kernels/common/conv_transpose_geometry.h"

namespace dcnn::cuda {

// The CPU kernels' geometry. Gathered per output: output index o receives input index
// i = (o + pad - k * dil) / stride for every tap k where that division is exact and 0 <= i < in.
using ConvTransposeShape = kern::ConvTransposeGeometry;

// Positive sizes, groups dividing both channel counts.
bool conv_transpose_shape_is_valid(const ConvTransposeShape& s);

// ONNX weights [cin][cout/groups][kh][kw] -> [ky][kx][cin][cout/groups] (the kernel's layout).
std::vector<float> pack_weights_for_conv_transpose(const ConvTransposeShape& s, const float* weights);

// out_mask[out_h * out_w]: 1 where any input pixel that writes to the output pixel is active.
cudaError_t conv_transpose_mask(const ConvTransposeShape& s, const uint8_t* in_mask, uint8_t* out_mask,
                                cudaStream_t stream);

// out = conv_transpose(in) (+ bias when not null) at the n listed output pixels (device list;
// null: all out_h * out_w pixels, the dense pass). weights: pack_weights_for_conv_transpose.
template <typename T>
cudaError_t conv_transpose(const ConvTransposeShape& s, const float* weights, const float* bias,
                           const T* in, T* out, const int32_t* list, int64_t n,
                           cudaStream_t stream);
// The same with the count of listed output pixels read on the device (graph-capturable); the
// grid is sized for `capacity` pixels.
template <typename T>
cudaError_t conv_transpose(const ConvTransposeShape& s, const float* weights, const float* bias,
                           const T* in, T* out, const int32_t* list, const int* count,
                           int64_t capacity, cudaStream_t stream);

}  // namespace dcnn::cuda
