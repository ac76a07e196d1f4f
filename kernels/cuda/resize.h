// ONNX Resize on NHWC maps, nearest or (bi)linear, with the four coordinate transformation
// modes exported models use. Linear in its input, so it runs on deltas unchanged; an output
// pixel is active iff an input pixel it reads is active (resize_mask). Values are fp32 or fp16
// (`T`: float or __half), interpolated in fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

enum class ResizeMode : int { Nearest, Linear };
// ONNX coordinate_transformation_mode; x_in = f(x_out):
//   HalfPixel          (x + 0.5) / scale - 0.5
//   PytorchHalfPixel   as HalfPixel, but 0 when the output length is 1
//   AlignCorners       x * (in - 1) / (out - 1)   (0 when out == 1)
//   Asymmetric         x / scale
enum class CoordMode : int { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric };
// ONNX nearest_mode: how a fractional source coordinate becomes an index.
enum class NearestRound : int { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

struct ResizeGeometry {
  int in_h = 0, in_w = 0, out_h = 0, out_w = 0, c = 0;
  // The model's scales; 0 means out / in (ONNX "sizes" input).
  float scale_h = 0.f, scale_w = 0.f;
  ResizeMode mode = ResizeMode::Nearest;
  CoordMode coord = CoordMode::HalfPixel;
  NearestRound nearest = NearestRound::RoundPreferFloor;
};

// out at the n listed output pixels (device list; null: pixels 0..n-1), all channels.
template <typename T>
cudaError_t resize(const ResizeGeometry& g, const T* in, T* out, const int32_t* list, int64_t n,
                   cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
template <typename T>
cudaError_t resize(const ResizeGeometry& g, const T* in, T* out, const int32_t* list,
                   const int* count, int64_t capacity, cudaStream_t stream);

// out_mask[out_h * out_w]: 1 where an input pixel the output reads (nearest: one; linear: up
// to four, edge-clamped; a second tap of weight 0 is not read) is set in in_mask. The same
// footprint as the CPU's (engine/exec/ops/resize.cpp).
cudaError_t resize_mask(const ResizeGeometry& g, const uint8_t* in_mask, uint8_t* out_mask,
                        cudaStream_t stream);

}  // namespace dcnn::cuda
