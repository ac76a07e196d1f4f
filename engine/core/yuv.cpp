#include "engine/core/yuv.h"

#include <cmath>

namespace dcnn {

const char* to_string(YuvMatrix matrix) noexcept {
  switch (matrix) {
    case YuvMatrix::Bt601: return "bt601";
    case YuvMatrix::Bt709: return "bt709";
    case YuvMatrix::Bt2020: return "bt2020";
  }
  return "?";
}

YuvToRgb yuv_to_rgb_coefficients(YuvMatrix matrix, bool full_range) {
  if (matrix == YuvMatrix::Bt601 && !full_range) return YuvToRgb{};  // OpenCV's, exactly
  // Luma weights of red and blue (ITU-R BT.601, BT.709, BT.2020).
  double kr = 0.299, kb = 0.114;
  if (matrix == YuvMatrix::Bt709) kr = 0.2126, kb = 0.0722;
  if (matrix == YuvMatrix::Bt2020) kr = 0.2627, kb = 0.0593;
  const double kg = 1.0 - kr - kb;
  const double y_gain = full_range ? 1.0 : 255.0 / 219.0;
  const double c_gain = full_range ? 1.0 : 255.0 / 224.0;
  auto fixed = [](double v) { return int(std::lround(v * double(1 << 20))); };
  YuvToRgb k;
  k.y_offset = full_range ? 0 : 16;
  k.y_gain = fixed(y_gain);
  k.r_v = fixed(2.0 * (1.0 - kr) * c_gain);
  k.b_u = fixed(2.0 * (1.0 - kb) * c_gain);
  k.g_u = fixed(-2.0 * kb * (1.0 - kb) / kg * c_gain);
  k.g_v = fixed(-2.0 * kr * (1.0 - kr) / kg * c_gain);
  return k;
}

}  // namespace dcnn
