// Per-axis source taps of the CUDA Resize kernels (kernels/cuda/resize.cu) as __host__
// __device__ inline functions: the kernels call them on the GPU, and
// tests/cuda/test_resize_taps.cpp runs them on the CPU against the CPU backend's Resize op for
// every mode, coordinate transformation and nearest rounding, so index and weight rules are
// checked on machines without a GPU. Coordinates are computed in float (the CPU uses double),
// which moves linear weights by float rounding only.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/common/host_device.h"
#include "kernels/cuda/resize.h"

namespace dcnn::cuda::resize_taps {

// Input indices and weights along one axis: value = (1 - w) * in[i0] + w * in[i1].
struct Taps {
  int i0, i1;
  float w;
};

DCNN_HOST_DEVICE inline float source_coord(int o, int in_len, int out_len, float scale, CoordMode mode) {
  switch (mode) {
    case CoordMode::HalfPixel:
      return (o + 0.5f) / scale - 0.5f;
    case CoordMode::PytorchHalfPixel:
      return out_len > 1 ? (o + 0.5f) / scale - 0.5f : 0.f;
    case CoordMode::AlignCorners:
      return out_len > 1 ? o * static_cast<float>(in_len - 1) / static_cast<float>(out_len - 1)
                         : 0.f;
    case CoordMode::Asymmetric:
      return o / scale;
  }
  return 0.f;
}

DCNN_HOST_DEVICE inline int clamp_index(int i, int len) { return i < 0 ? 0 : (i >= len ? len - 1 : i); }

DCNN_HOST_DEVICE inline Taps axis_taps(const ResizeGeometry& g, int o, int in_len, int out_len, float scale) {
  float s = scale > 0.f ? scale : static_cast<float>(out_len) / static_cast<float>(in_len);
  float x = source_coord(o, in_len, out_len, s, g.coord);
  if (g.mode == ResizeMode::Nearest) {
    float r;
    switch (g.nearest) {
      case NearestRound::RoundPreferFloor:
        r = ceilf(x - 0.5f);
        break;
      case NearestRound::RoundPreferCeil:
        r = floorf(x + 0.5f);
        break;
      case NearestRound::Floor:
        r = floorf(x);
        break;
      default:
        r = ceilf(x);
        break;
    }
    int i = clamp_index(static_cast<int>(r), in_len);
    return {i, i, 0.f};
  }
  // Linear: ONNX pads the input by edge replication, which equals clamping the coordinate.
  x = fminf(fmaxf(x, 0.f), static_cast<float>(in_len - 1));
  int i0 = static_cast<int>(floorf(x));
  int i1 = i0 + 1 < in_len ? i0 + 1 : i0;
  return {i0, i1, x - static_cast<float>(i0)};
}

// The resize footprint rule: the output reads its first taps, and a second tap only where it
// has a weight (a tap of weight 0 contributes nothing, so reading it would only grow the mask,
// unlike the CPU's).
DCNN_HOST_DEVICE inline bool footprint_active(const ResizeGeometry& g, const uint8_t* in_mask,
                                              const Taps& ty, const Taps& tx) {
  const bool y1 = ty.i1 != ty.i0 && ty.w != 0.f, x1 = tx.i1 != tx.i0 && tx.w != 0.f;
  auto m = [&](int y, int x) { return in_mask[int64_t{y} * g.in_w + x] != 0; };
  return m(ty.i0, tx.i0) || (x1 && m(ty.i0, tx.i1)) || (y1 && m(ty.i1, tx.i0)) ||
         (y1 && x1 && m(ty.i1, tx.i1));
}

}  // namespace dcnn::cuda::resize_taps
