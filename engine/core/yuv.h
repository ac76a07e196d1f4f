// YUV -> RGB for the 4:2:0 frame formats, by the matrix and range the frame's caps declare
// (GStreamer: colorimetry). One integer form for both backends: the CPU pre-processing uses it
// where OpenCV's converter (BT.601 limited range only) does not apply, the CUDA kernel always
// (kernels/cuda/frame_sample.h). Feeding a full-range BT.709 frame through the BT.601
// limited-range matrix stretched its contrast by a sixth and clipped shadows and highlights
// (an MJPEG camera's jpegdec output is full range).
#pragma once

#include <cstdint>

#include "kernels/common/host_device.h"

namespace dcnn {

enum class YuvMatrix : int { Bt601, Bt709, Bt2020 };

const char* to_string(YuvMatrix matrix) noexcept;

// Coefficients x 2^20: R = gain (Y - offset) + r_v V', G = gain (Y - offset) + g_u U' + g_v V',
// B = gain (Y - offset) + b_u U', with U' = U - 128, V' = V - 128.
struct YuvToRgb {
  // BT.601 limited range with OpenCV's rounded coefficients (1.164, 1.596, -0.813, -0.391,
  // 2.018): bit for bit what cvtColor gives, which the CPU path uses for it.
  int y_offset = 16;
  int y_gain = 1220542;
  int r_v = 1673527;
  int g_v = -852492;
  int g_u = -409993;
  int b_u = 2116026;

  bool operator==(const YuvToRgb& o) const {
    return y_offset == o.y_offset && y_gain == o.y_gain && r_v == o.r_v && g_v == o.g_v && g_u == o.g_u &&
           b_u == o.b_u;
  }
};

// The coefficients of `matrix` in limited (Y 16-235, chroma 16-240) or full range (0-255).
YuvToRgb yuv_to_rgb_coefficients(YuvMatrix matrix, bool full_range);

DCNN_HOST_DEVICE inline uint8_t clamp_to_u8(int v) {
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// One pixel, rounded to the nearest 8-bit value.
DCNN_HOST_DEVICE inline void yuv_to_rgb(int y, int u, int v, const YuvToRgb& k, uint8_t rgb[3]) {
  const int yy = (y > k.y_offset ? y - k.y_offset : 0) * k.y_gain;
  const int uu = u - 128, vv = v - 128;
  const int half = 1 << 19;
  rgb[0] = clamp_to_u8((yy + half + k.r_v * vv) >> 20);
  rgb[1] = clamp_to_u8((yy + half + k.g_v * vv + k.g_u * uu) >> 20);
  rgb[2] = clamp_to_u8((yy + half + k.b_u * uu) >> 20);
}

}  // namespace dcnn
