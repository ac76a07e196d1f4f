// The fire step (kernels/cpu/fire.h) against a scalar oracle written from its contract: a pixel
// fires when max over channels |act(row + bias) - stored| > eps, and only then takes the new
// values. Channel counts around every vector width (the per-ISA loops' masked last channels),
// every activation, with and without bias, rows wider than c (padded GEMM tiles), eps 0 and
// above, and the full-map form (fire_at_pixels). This binary also runs with DELTACNN_CPU_ISA=
// avx2 and baseline (tests/kernels/meson.build), so each ISA's loop is checked here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/common/activation.h"
#include "kernels/cpu/fire.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

using kern::ActFn;
using kern::ActSpec;

const ActSpec kActs[] = {{ActFn::Identity, 0.f, 0.f}, {ActFn::Relu, 0.f, 0.f},       {ActFn::Clip, 0.f, 6.f},
                         {ActFn::LeakyRelu, 0.1f, 0.f}, {ActFn::Sigmoid, 0.f, 0.f},   {ActFn::HardSigmoid, 0.2f, 0.5f},
                         {ActFn::HardSwish, 0.f, 0.f}};
const int kChannels[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 34, 40, 48, 144};

struct Oracle {
  std::vector<float> stored;
  std::vector<uint8_t> fired;
  int count = 0;
};

// residual (may be null): a map added after the activation (fire.h).
Oracle oracle_fire(const ActSpec& a, const float* rows, int64_t ld, const std::vector<int32_t>& pixels, int c,
                   const float* bias, float eps, std::vector<float> stored, size_t map_pixels, bool at_pixels,
                   const float* residual = nullptr) {
  Oracle o{std::move(stored), std::vector<uint8_t>(map_pixels, 0), 0};
  for (size_t i = 0; i < pixels.size(); ++i) {
    const float* r = rows + (at_pixels ? int64_t{pixels[i]} : int64_t(i)) * ld;
    float* s = o.stored.data() + size_t(pixels[i]) * size_t(c);
    const float* res = residual ? residual + size_t(pixels[i]) * size_t(c) : nullptr;
    auto value = [&](int j) {
      const float v = kern::activate(a, bias ? r[j] + bias[j] : r[j]);
      return res ? v + res[j] : v;
    };
    bool over = false;
    for (int j = 0; j < c; ++j) over |= std::fabs(value(j) - s[j]) > eps;
    if (!over) continue;
    for (int j = 0; j < c; ++j) s[j] = value(j);
    o.fired[size_t(pixels[i])] = 1;
    ++o.count;
  }
  return o;
}

// Activations with a multiply-add (x * alpha + beta), which the library's AVX2 / AVX-512 clones
// may contract into an FMA while this test's oracle, built for the baseline, does not: equal to
// rounding there, bit for bit elsewhere.
bool contracts(const ActSpec& a) { return a.fn == ActFn::HardSigmoid || a.fn == ActFn::HardSwish; }

std::string name(const ActSpec& a, int c, bool bias, float eps) {
  return "act " + std::to_string(int(a.fn)) + ", " + std::to_string(c) + " channels" + (bias ? ", bias" : "") +
         ", eps " + std::to_string(eps);
}

// Stored values near the new ones: some pixels differ by less than eps everywhere, some in
// one channel only (the first, a middle or the last: each vector and the masked tail).
std::vector<float> stored_near(const ActSpec& a, const std::vector<float>& rows, int64_t ld,
                               const std::vector<int32_t>& pixels, int c, const float* bias, size_t map_pixels,
                               std::mt19937& rng) {
  std::vector<float> stored = random_floats(map_pixels * size_t(c), rng, -2.f, 2.f);
  std::uniform_real_distribution<float> small(-0.05f, 0.05f);
  for (size_t i = 0; i < pixels.size(); ++i) {
    if (i % 4 == 3) continue;  // stays far off: fires at any eps below 2
    float* s = stored.data() + size_t(pixels[i]) * size_t(c);
    for (int j = 0; j < c; ++j) s[j] = kern::activate(a, bias ? rows[i * ld + j] + bias[j] : rows[i * ld + j]) + small(rng);
    if (i % 4 == 1) s[(i / 4) % size_t(c)] += 1.f;              // one channel far off
    if (i % 4 == 2) s[size_t(c) - 1] -= 1.f;                    // the last channel far off
  }
  return stored;
}

TEST(Fire, RowsFireAsTheOracleForEveryActivationAndWidth) {
  std::mt19937 rng(31);
  const size_t map_pixels = 97;
  for (const ActSpec& a : kActs)
    for (int c : kChannels)
      for (bool with_bias : {false, true})
        for (float eps : {0.f, 0.1f}) {
          const int64_t ld = c + 5;  // rows wider than c, as the padded GEMM tiles
          std::vector<int32_t> pixels;
          for (int p = 1; p < int(map_pixels); p += 2) pixels.push_back(p);
          const auto rows = random_floats(pixels.size() * size_t(ld), rng, -8.f, 8.f);
          const auto bias = random_floats(size_t(c), rng, -1.f, 1.f);
          const float* b = with_bias ? bias.data() : nullptr;
          const auto stored = stored_near(a, rows, ld, pixels, c, b, map_pixels, rng);
          const Oracle want = oracle_fire(a, rows.data(), ld, pixels, c, b, eps, stored, map_pixels, false);
          std::vector<float> got = stored;
          std::vector<uint8_t> fired(map_pixels, 0);
          const int n = fire_rows(a, rows.data(), ld, pixels.data(), int(pixels.size()), c, b, eps, got.data(),
                                  fired.data());
          const std::string what = name(a, c, with_bias, eps);
          ASSERT_EQ(n, want.count) << what;
          ASSERT_EQ(fired, want.fired) << what;
          if (contracts(a)) {
            expect_close(want.stored, got, what);
          } else {
            ASSERT_EQ(got, want.stored) << what;  // the same float operations: bit for bit
          }
          if (eps > 0.f) {
            ASSERT_LT(n, int(pixels.size())) << what << ": some pixels should stay below eps";
          }
        }
}

TEST(Fire, FullMapValuesFireAsTheOracle) {
  std::mt19937 rng(32);
  const size_t map_pixels = 5000;  // past the size where the step takes both threads
  for (const ActSpec& a : {kActs[0], kActs[2], kActs[4]})
    for (int c : {1, 17, 24, 40}) {
      std::vector<int32_t> pixels;
      for (int p = 0; p < int(map_pixels); p += 1 + p % 3) pixels.push_back(p);
      const auto values = random_floats(map_pixels * size_t(c), rng, -8.f, 8.f);
      // stored_near takes rows in list order; build them from the map for the pixels.
      std::vector<float> rows(pixels.size() * size_t(c));
      for (size_t i = 0; i < pixels.size(); ++i)
        std::copy_n(values.data() + size_t(pixels[i]) * size_t(c), c, rows.data() + i * size_t(c));
      const auto stored = stored_near(a, rows, c, pixels, c, nullptr, map_pixels, rng);
      const Oracle want = oracle_fire(a, values.data(), c, pixels, c, nullptr, 0.1f, stored, map_pixels, true);
      std::vector<float> got = stored;
      std::vector<uint8_t> fired(map_pixels, 0);
      const int n = fire_at_pixels(a, values.data(), pixels.data(), int(pixels.size()), c, 0.1f, got.data(),
                                   fired.data());
      const std::string what = name(a, c, false, 0.1f);
      ASSERT_EQ(n, want.count) << what;
      ASSERT_EQ(fired, want.fired) << what;
      ASSERT_EQ(got, want.stored) << what;
    }
}

// A conv that fires its residual add's output (fire.h: `residual`): the sum act(row + bias) +
// residual is compared and stored, in all three forms (rows, full-map values, computed blocks),
// bit for bit as the oracle adds it, on every ISA's loop (this binary's ISA runs).
TEST(Fire, AResidualIsAddedAfterTheActivation) {
  std::mt19937 rng(33);
  const size_t map_pixels = 5000;
  for (const ActSpec& a : {kActs[0], kActs[1], kActs[2], kActs[4]})
    for (int c : {1, 7, 16, 17, 24, 40, 48})
      for (float eps : {0.f, 0.1f}) {
        std::vector<int32_t> pixels;
        for (int p = 0; p < int(map_pixels); p += 1 + p % 3) pixels.push_back(p);
        const auto values = random_floats(map_pixels * size_t(c), rng, -8.f, 8.f);
        const auto residual = random_floats(map_pixels * size_t(c), rng, -3.f, 3.f);
        const auto bias = random_floats(size_t(c), rng, -1.f, 1.f);
        // The rows in list order, and the sums the stored values are made near to.
        std::vector<float> rows(pixels.size() * size_t(c)), sums(rows.size());
        for (size_t i = 0; i < pixels.size(); ++i)
          for (int j = 0; j < c; ++j) {
            const size_t at = size_t(pixels[i]) * size_t(c) + size_t(j);
            rows[i * size_t(c) + size_t(j)] = values[at];
            sums[i * size_t(c) + size_t(j)] = kern::activate(a, values[at] + bias[size_t(j)]) + residual[at];
          }
        const auto stored = stored_near(kActs[0], sums, c, pixels, c, nullptr, map_pixels, rng);
        const std::string what = name(a, c, true, eps) + ", residual";
        const int n = int(pixels.size());
        {  // rows in list order, with bias
          const Oracle want = oracle_fire(a, rows.data(), c, pixels, c, bias.data(), eps, stored, map_pixels, false,
                                          residual.data());
          std::vector<float> got = stored;
          std::vector<uint8_t> fired(map_pixels, 0);
          ASSERT_EQ(fire_rows(a, rows.data(), c, pixels.data(), n, c, bias.data(), eps, got.data(), fired.data(),
                              residual.data()),
                    want.count)
              << what;
          ASSERT_EQ(fired, want.fired) << what;
          ASSERT_EQ(got, want.stored) << what;
          if (eps > 0.f) {
            ASSERT_LT(want.count, n) << what << ": some pixels should stay below eps";
          }
        }
        {  // values where they lie and computed blocks, no bias
          const Oracle want = oracle_fire(a, values.data(), c, pixels, c, nullptr, eps, stored, map_pixels, true,
                                          residual.data());
          std::vector<float> got = stored;
          std::vector<uint8_t> fired(map_pixels, 0);
          ASSERT_EQ(fire_at_pixels(a, values.data(), pixels.data(), n, c, eps, got.data(), fired.data(),
                                   residual.data()),
                    want.count)
              << what;
          ASSERT_EQ(got, want.stored) << what;
          got = stored;
          std::fill(fired.begin(), fired.end(), uint8_t{0});
          const float* v = values.data();
          const RowsCompute copy_rows = [v, c](const int32_t* px, int m, float* out) {
            for (int i = 0; i < m; ++i) std::copy_n(v + size_t(px[i]) * size_t(c), c, out + size_t(i) * size_t(c));
          };
          ASSERT_EQ(fire_computed(a, copy_rows, pixels.data(), n, c, eps, got.data(), fired.data(), residual.data()),
                    want.count)
              << what;
          ASSERT_EQ(fired, want.fired) << what;
          ASSERT_EQ(got, want.stored) << what;
        }
      }
}

// A NaN new value does not count as a change (the comparison is false), as in the scalar
// contract; a NaN among values that fire for another channel is stored with them.
TEST(Fire, NanValuesFollowTheScalarComparison) {
  const int c = 20;  // a whole vector and a masked tail on AVX-512, two and a tail on AVX2
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> rows(2 * size_t(c), 1.f);
  rows[size_t(c) - 1] = nan;  // pixel 0: only the NaN differs
  rows[size_t(c) + 3] = nan;  // pixel 1: a NaN and a real change
  rows[size_t(c) + 5] = 4.f;
  std::vector<float> stored(2 * size_t(c), 1.f);
  std::vector<uint8_t> fired(2, 0);
  const int32_t pixels[] = {0, 1};
  const int n = fire_rows(kActs[0], rows.data(), c, pixels, 2, c, nullptr, 0.f, stored.data(), fired.data());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(fired, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(stored[size_t(c) - 1], 1.f);
  EXPECT_TRUE(std::isnan(stored[size_t(c) + 3]));
  EXPECT_EQ(stored[size_t(c) + 5], 4.f);
}

}  // namespace
}  // namespace dcnn::cpu::test
