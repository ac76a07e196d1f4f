// The phase-tolerant input test (kernels/cpu/input_delta.h) that stabilised streams use: a
// texture re-sampled at a new sub-pixel phase stays (almost) quiet where the plain test fires on
// most edges, a real change fires in both, and the border is handled.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "kernels/cpu/input_delta.h"
#include "tests/stabilize/textured_scene.h"

namespace dcnn::test {
namespace {

// The three channels of an RGB float frame from one luma plane (the test only needs texture).
std::vector<float> rgb_of(const cv::Mat& luma) {
  std::vector<float> out(size_t(luma.total()) * 3);
  for (int y = 0; y < luma.rows; ++y)
    for (int x = 0; x < luma.cols; ++x)
      for (int c = 0; c < 3; ++c) out[(size_t(y) * luma.cols + x) * 3 + c] = luma.at<float>(y, x) * (0.8f + 0.1f * c);
  return out;
}

double fired(const std::vector<uint8_t>& mask) {
  long n = 0;
  for (uint8_t m : mask) n += m;
  return double(n) / double(mask.size());
}

TEST(PhaseTolerantInput, SubpixelResamplingStaysQuietARealChangeFires) {
  const int h = 144, w = 192;
  const cv::Mat scene = textured_scene(h, w, 9);
  const std::vector<float> ref = rgb_of(shifted(scene, 0.3, 0.1));
  const std::vector<float> moved = rgb_of(shifted(scene, 0.8, -0.35));  // another sub-pixel phase
  std::vector<uint8_t> plain(size_t(h) * w), tolerant(size_t(h) * w);
  cpu::input_change_mask(moved.data(), ref.data(), int64_t(h) * w, 3, 8.f, plain.data());
  cpu::input_change_mask_phase_tolerant(moved.data(), ref.data(), h, w, 3, 8.f, tolerant.data());
  EXPECT_GT(fired(plain), 0.2) << "the scene should be textured enough for the plain test to fire";
  EXPECT_LT(fired(tolerant), 0.1 * fired(plain));

  // A real change: a 20x20 patch 60 levels brighter than the texture's range fires inside.
  std::vector<float> changed = moved;
  for (int y = 50; y < 70; ++y)
    for (int x = 80; x < 100; ++x)
      for (int c = 0; c < 3; ++c) changed[(size_t(y) * w + x) * 3 + c] += 60.f;
  cpu::input_change_mask_phase_tolerant(changed.data(), ref.data(), h, w, 3, 8.f, tolerant.data());
  long inside = 0;
  for (int y = 50; y < 70; ++y)
    for (int x = 80; x < 100; ++x) inside += tolerant[size_t(y) * w + x];
  EXPECT_GE(inside, 20 * 20 * 9 / 10);
}

TEST(PhaseTolerantInput, EqualFramesFireNothingAndCornersAreInRange) {
  const int h = 5, w = 7;
  std::vector<float> ref(size_t(h) * w * 3);
  for (size_t i = 0; i < ref.size(); ++i) ref[i] = float((i * 37) % 251);
  std::vector<uint8_t> mask(size_t(h) * w, 7);
  cpu::input_change_mask_phase_tolerant(ref.data(), ref.data(), h, w, 3, 0.f, mask.data());
  for (uint8_t m : mask) EXPECT_EQ(m, 0);
  // The corner pixel takes a value its clamped neighbourhood spans: quiet; one beyond: fires.
  std::vector<float> x = ref;
  x[0] = ref[(size_t(1) * w + 1) * 3];
  x[3 * (size_t(h) * w - 1)] = 300.f;
  cpu::input_change_mask_phase_tolerant(x.data(), ref.data(), h, w, 3, 0.f, mask.data());
  EXPECT_EQ(mask[0], 0);
  EXPECT_EQ(mask[size_t(h) * w - 1], 1);
}

// The definition, pixel by pixel: the fast (separable) kernel must give exactly this mask.
std::vector<uint8_t> brute_force_mask(const std::vector<float>& x, const std::vector<float>& ref, int h, int w, int c,
                                      float threshold) {
  std::vector<uint8_t> mask(size_t(h) * w);
  for (int y = 0; y < h; ++y)
    for (int xx = 0; xx < w; ++xx) {
      float outside = 0.f;
      for (int ch = 0; ch < c; ++ch) {
        float lo = 1e30f, hi = -1e30f;
        for (int ny = std::max(0, y - 1); ny <= std::min(h - 1, y + 1); ++ny)
          for (int nx = std::max(0, xx - 1); nx <= std::min(w - 1, xx + 1); ++nx) {
            lo = std::min(lo, ref[(size_t(ny) * w + nx) * c + ch]);
            hi = std::max(hi, ref[(size_t(ny) * w + nx) * c + ch]);
          }
        const float v = x[(size_t(y) * w + xx) * c + ch];
        outside = std::max(outside, std::max(lo - v, v - hi));
      }
      mask[size_t(y) * w + xx] = outside > threshold ? 1 : 0;
    }
  return mask;
}

TEST(PhaseTolerantInput, MatchesTheDefinitionOnEveryShape) {
  cv::RNG rng(17);
  for (const cv::Size size : {cv::Size(1, 1), cv::Size(9, 1), cv::Size(1, 6), cv::Size(2, 2), cv::Size(33, 17)})
    for (int c : {1, 3, 4}) {
      std::vector<float> x(size_t(size.area()) * c), ref(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        ref[i] = rng.uniform(0.f, 255.f);
        x[i] = ref[i] + rng.uniform(-40.f, 40.f);
      }
      std::vector<uint8_t> mask(size_t(size.area()), 9);
      cpu::input_change_mask_phase_tolerant(x.data(), ref.data(), size.height, size.width, c, 10.f, mask.data());
      EXPECT_EQ(mask, brute_force_mask(x, ref, size.height, size.width, c, 10.f)) << size << " c " << c;
    }
}

}  // namespace
}  // namespace dcnn::test
