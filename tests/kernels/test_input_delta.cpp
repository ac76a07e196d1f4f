// The input stage's change tests (kernels/cpu/input_delta.h): the one-pass input_change_masks
// against the per-pixel test followed by the tile test, which it replaces, on frames with
// scattered strong changes, a faint coherent change over a region and sensor noise; sizes that
// are and are not multiples of the tile, 1 and 2 threads.
#include <gtest/gtest.h>

#include <omp.h>

#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/input_delta.h"

namespace dcnn::cpu::test {
namespace {

struct Frames {
  std::vector<float> x, ref;
};

Frames frames(int h, int w, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> pixel(0.f, 255.f), noise(-3.f, 3.f);
  Frames f;
  f.ref.resize(size_t(h) * w * 3);
  for (float& v : f.ref) v = pixel(rng);
  f.x = f.ref;
  for (float& v : f.x) v += noise(rng);                      // below the pixel threshold
  for (size_t p = 0; p < f.x.size(); p += 97) f.x[p] += 40.f;  // scattered strong changes
  for (int y = h / 4; y < 3 * h / 4; ++y)                    // a faint coherent change
    for (int x = w / 4; x < 3 * w / 4; ++x)
      for (int c = 0; c < 3; ++c) f.x[(size_t(y) * w + x) * 3 + c] += 6.f;
  return f;
}

TEST(InputDelta, OnePassMasksEqualThePixelThenTileTests) {
  const int saved = omp_get_max_threads();
  for (const auto& [h, w, block] : {std::tuple{37, 53, 8}, std::tuple{64, 96, 8}, std::tuple{41, 30, 5},
                                   std::tuple{200, 160, 16}})
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      const Frames f = frames(h, w, unsigned(h * w));
      std::vector<uint8_t> want(size_t(h) * w, 7), got(size_t(h) * w, 7);
      input_change_mask(f.x.data(), f.ref.data(), int64_t(h) * w, 3, 10.f, want.data());
      input_block_change_mask(f.x.data(), f.ref.data(), h, w, 3, block, 4.f, want.data());
      input_change_masks(f.x.data(), f.ref.data(), h, w, 3, 10.f, block, 4.f, got.data());
      const std::string what = std::to_string(h) + "x" + std::to_string(w) + " block " + std::to_string(block) +
                               ", " + std::to_string(threads) + " threads";
      EXPECT_EQ(got, want) << what;
      int set = 0;
      for (uint8_t m : got) set += m;
      EXPECT_GT(set, int(got.size()) / 20) << what << ": the faint region's tiles should be set";
      EXPECT_LT(set, int(got.size()) * 3 / 4) << what << ": the noise should stay below both thresholds";
    }
  omp_set_num_threads(saved);
}

}  // namespace
}  // namespace dcnn::cpu::test
