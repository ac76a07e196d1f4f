// Synthetic test scenes for the stabilisation estimators: a textured luma plane (blurred noise
// at two scales, 0..255, like a street scene's mix of edges and flat areas) and exact sub-pixel
// shifts of it.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace dcnn::test {

inline cv::Mat textured_scene(int rows, int cols, int seed) {
  cv::RNG rng(uint64_t(seed) * 7919u + 1u);
  cv::Mat fine(rows, cols, CV_32FC1), coarse(rows, cols, CV_32FC1);
  rng.fill(fine, cv::RNG::UNIFORM, 0.f, 255.f);
  rng.fill(coarse, cv::RNG::UNIFORM, 0.f, 255.f);
  cv::GaussianBlur(fine, fine, cv::Size(0, 0), 1.5);
  cv::GaussianBlur(coarse, coarse, cv::Size(0, 0), 8.0);
  cv::Mat scene = 0.5 * fine + 1.5 * (coarse - 127.5) + 64.0;
  cv::normalize(scene, scene, 10.0, 245.0, cv::NORM_MINMAX);
  return scene;
}

// frame(x, y) = scene(x - dx, y - dy), bilinear, borders reflected.
inline cv::Mat shifted(const cv::Mat& scene, double dx, double dy) {
  const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, dx, 0, 1, dy);
  cv::Mat out;
  cv::warpAffine(scene, out, m, scene.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  return out;
}

}  // namespace dcnn::test
