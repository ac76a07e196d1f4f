#include "engine/stabilize/luma.h"

#include <cstddef>
#include <cstdint>

namespace dcnn {

cv::Mat luma_of(const float* rgb, int width, int height) {
  cv::Mat luma(height, width, CV_32FC1);
  for (int y = 0; y < height; ++y) {
    const float* p = rgb + size_t(y) * width * 3;
    float* o = luma.ptr<float>(y);
    for (int x = 0; x < width; ++x) o[x] = 0.299f * p[3 * x] + 0.587f * p[3 * x + 1] + 0.114f * p[3 * x + 2];
  }
  return luma;
}

cv::Mat half_luma_of(const float* rgb, int width, int height) {
  const int hw = width / 2, hh = height / 2;
  cv::Mat half(hh, hw, CV_32FC1);
  // 0.25 of the 2x2 mean folded into the weights.
  const float wr = 0.25f * 0.299f, wg = 0.25f * 0.587f, wb = 0.25f * 0.114f;
  for (int y = 0; y < hh; ++y) {
    const float* a = rgb + size_t(2 * y) * width * 3;
    const float* b = a + size_t(width) * 3;
    float* o = half.ptr<float>(y);
    for (int x = 0; x < hw; ++x) {
      const int k = 6 * x;
      const float r = a[k] + a[k + 3] + b[k] + b[k + 3];
      const float g = a[k + 1] + a[k + 4] + b[k + 1] + b[k + 4];
      const float bl = a[k + 2] + a[k + 5] + b[k + 2] + b[k + 5];
      o[x] = wr * r + wg * g + wb * bl;
    }
  }
  return half;
}

}  // namespace dcnn
