// pointwise_pair_recompute and pointwise_pair_dense (kernels/cpu/pointwise_pair.h) against the
// two-step oracle that stores the middle map: the first 1x1 conv over the whole map (conv_dense)
// and its activation, then conv_recompute (or conv_dense) of the second 1x1 conv on that map.
// Shapes: MoveNet's head (24 -> 96 -> 17), a channel count with a remainder, a one-pixel map;
// candidates in blobs, scattered (gathered rows), the whole map (rows read in place) and one
// pixel; 1 and 2 threads.
#include <gtest/gtest.h>

#include <omp.h>

#include <stdexcept>

#include "kernels/cpu/conv.h"
#include "kernels/cpu/conv_recompute.h"
#include "kernels/cpu/pointwise_pair.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

struct PairCase {
  const char* name;
  int h, w, cin, mid, cout;
};

const PairCase kPairs[] = {
    {"movenet_head", 36, 48, 24, 96, 17},
    {"remainder", 13, 11, 7, 37, 5},
    {"se_gate", 1, 1, 72, 24, 72},  // squeeze-excite FCs: a 1x1 map
    // MoveNet's centre and box heads: outputs narrower than a GEMM panel (narrow_rows).
    {"movenet_centre", 19, 23, 24, 96, 1},
    {"movenet_box", 17, 21, 24, 96, 2},
};

ConvGeometry pointwise(int h, int w, int cin, int cout) {
  ConvGeometry g;
  g.in_h = g.out_h = h;
  g.in_w = g.out_w = w;
  g.cin = cin;
  g.cout = cout;
  return g;
}

struct Pair {
  PackedConv first, second;
  kern::ActSpec first_act{kern::ActFn::Relu, 0.f, 0.f};
  kern::ActSpec second_act{kern::ActFn::Identity, 0.f, 0.f};
  std::vector<float> x, middle;  // middle: the oracle's stored map

  Pair(const PairCase& c, std::mt19937& rng) {
    const auto wa = random_floats(size_t(c.mid) * c.cin, rng, -0.5f, 0.5f);
    const auto ba = random_floats(size_t(c.mid), rng, -0.2f, 0.5f);
    const auto wb = random_floats(size_t(c.cout) * c.mid, rng, -0.3f, 0.3f);
    const auto bb = random_floats(size_t(c.cout), rng, -0.2f, 0.2f);
    first = pack_conv(pointwise(c.h, c.w, c.cin, c.mid), wa.data(), ba.data());
    second = pack_conv(pointwise(c.h, c.w, c.mid, c.cout), wb.data(), bb.data());
    x = random_floats(size_t(c.h) * c.w * c.cin, rng, -1.f, 2.f);
    middle.resize(size_t(c.h) * c.w * c.mid);
    conv_dense(first, x.data(), middle.data(), true);
    for (float& v : middle) v = kern::activate(first_act, v);
  }
};

std::vector<std::vector<int32_t>> candidate_lists(int h, int w, std::mt19937& rng) {
  std::vector<std::vector<int32_t>> lists;
  lists.push_back(random_blob_pixel_list(h, w, 0.3, rng));
  lists.push_back(random_pixel_list(h * w, 0.1, rng, false));  // ascending, scattered
  std::vector<int32_t> all(size_t(h) * w);
  for (size_t i = 0; i < all.size(); ++i) all[i] = int32_t(i);
  lists.push_back(all);
  lists.push_back({int32_t(h / 2 * w + w / 2)});
  return lists;
}

class PointwisePair : public ::testing::TestWithParam<PairCase> {};

// eps 0 against random stored maps: every candidate fires in both, with the same values.
TEST_P(PointwisePair, FiresTheSameValuesAsTheStoredMapOracle) {
  const PairCase& c = GetParam();
  std::mt19937 rng(21);
  const Pair pair(c, rng);
  const int saved = omp_get_max_threads();
  for (const auto& cand : candidate_lists(c.h, c.w, rng))
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      const auto stored = random_floats(size_t(c.h) * c.w * c.cout, rng, -1.f, 1.f);
      std::vector<float> want = stored, got = stored;
      std::vector<uint8_t> want_fired(size_t(c.h) * c.w, 0), got_fired = want_fired;
      const int n = int(cand.size());
      const int want_n = conv_recompute(pair.second, pair.second_act, pair.middle.data(), cand.data(), n, 0.f,
                                        want.data(), want_fired.data());
      const int got_n = pointwise_pair_recompute(pair.first, pair.first_act, pair.second, pair.second_act,
                                                 pair.x.data(), cand.data(), n, 0.f, got.data(), got_fired.data());
      const std::string what =
          std::string(c.name) + ", " + std::to_string(n) + " candidates, " + std::to_string(threads) + " threads";
      EXPECT_EQ(got_n, want_n) << what;
      EXPECT_EQ(got_fired, want_fired) << what;
      expect_close(want, got, what);
    }
  omp_set_num_threads(saved);
}

// eps > 0: stored = the exact result, with every third candidate moved far from it. Exactly
// those fire, and the others keep their stored values.
TEST_P(PointwisePair, FiresExactlyWhereTheStoredMapIsStale) {
  const PairCase& c = GetParam();
  std::mt19937 rng(22);
  const Pair pair(c, rng);
  const auto cand = random_blob_pixel_list(c.h, c.w, 0.4, rng);
  const int n = int(cand.size());
  std::vector<float> exact(size_t(c.h) * c.w * c.cout, -100.f);
  std::vector<uint8_t> scratch_fired(size_t(c.h) * c.w, 0);
  conv_recompute(pair.second, pair.second_act, pair.middle.data(), cand.data(), n, 0.f, exact.data(),
                 scratch_fired.data());
  std::vector<float> stored = exact;
  std::vector<uint8_t> stale(size_t(c.h) * c.w, 0);
  for (int i = 0; i < n; i += 3) {
    stale[size_t(cand[size_t(i)])] = 1;
    stored[size_t(cand[size_t(i)]) * size_t(c.cout)] += 2.f;
  }
  std::vector<float> got = stored;
  std::vector<uint8_t> fired(stale.size(), 0);
  const int got_n = pointwise_pair_recompute(pair.first, pair.first_act, pair.second, pair.second_act,
                                             pair.x.data(), cand.data(), n, 0.5f, got.data(), fired.data());
  EXPECT_EQ(got_n, (n + 2) / 3);
  EXPECT_EQ(fired, stale);
  expect_close(exact, got, c.name);
}

// The dense pass against conv_dense of the second conv over the stored middle map.
TEST_P(PointwisePair, DenseEqualsTheTwoConvsOverTheStoredMap) {
  const PairCase& c = GetParam();
  std::mt19937 rng(24);
  const Pair pair(c, rng);
  std::vector<float> want(size_t(c.h) * c.w * c.cout);
  conv_dense(pair.second, pair.middle.data(), want.data(), true);
  for (float& v : want) v = kern::activate(pair.second_act, v);
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    std::vector<float> got(want.size(), -1000.f);
    pointwise_pair_dense(pair.first, pair.first_act, pair.second, pair.second_act, pair.x.data(), got.data());
    expect_close(want, got, std::string(c.name) + ", " + std::to_string(threads) + " threads");
  }
  omp_set_num_threads(saved);
}

INSTANTIATE_TEST_SUITE_P(Shapes, PointwisePair, ::testing::ValuesIn(kPairs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PointwisePairErrors, RejectsAPairItCannotFuse) {
  std::mt19937 rng(23);
  const Pair pair(kPairs[0], rng);
  std::vector<float> out(36 * 48 * 17);
  std::vector<uint8_t> fired(36 * 48);
  const int32_t one = 0, outside = 36 * 48;
  // Swapped: 96 -> 17 then 24 -> 96 do not chain.
  EXPECT_THROW(pointwise_pair_recompute(pair.second, pair.second_act, pair.first, pair.first_act, pair.x.data(), &one,
                                        1, 0.f, out.data(), fired.data()),
               std::invalid_argument);
  EXPECT_THROW(pointwise_pair_recompute(pair.first, pair.first_act, pair.second, pair.second_act, pair.x.data(),
                                        &outside, 1, 0.f, out.data(), fired.data()),
               std::out_of_range);
}

// Depthwise 3x3 -> 1x1 with no middle conv (depthwise_pointwise_recompute): against conv_recompute
// of the 1x1 conv over the stored (dense) depthwise map, eps 0, at every candidate list; and with
// eps > 0 exactly the stale pixels fire. MobileNetV2's first block (48 -> 24, ReLU6 between) and
// a remainder shape (21 -> 5, stride-2 depthwise).
TEST(DepthwisePointwise, FiresAsTheStoredDepthwiseMapOracle) {
  struct Shape {
    int h, w, c, cout, stride;
  };
  for (const Shape sh : {Shape{29, 37, 48, 24, 1}, Shape{23, 19, 21, 5, 2}}) {
    std::mt19937 rng(31 + sh.c);
    const ConvGeometry d = depthwise3x3(sh.h, sh.w, sh.c, sh.stride);
    const auto wd = random_floats(size_t(sh.c) * 9, rng, -0.5f, 0.5f), bd = random_floats(size_t(sh.c), rng);
    const auto wp = random_floats(size_t(sh.cout) * sh.c, rng, -0.3f, 0.3f), bp = random_floats(size_t(sh.cout), rng);
    const PackedConv dw = pack_conv(d, wd.data(), bd.data());
    const PackedConv pw = pack_conv(pointwise(d.out_h, d.out_w, sh.c, sh.cout), wp.data(), bp.data());
    const kern::ActSpec relu6{kern::ActFn::Clip, 0.f, 6.f}, linear{kern::ActFn::Identity, 0.f, 0.f};
    const auto x = random_floats(size_t(sh.h) * sh.w * sh.c, rng, -1.f, 2.f);
    std::vector<float> dw_map(size_t(d.out_h) * d.out_w * sh.c);
    conv_dense(dw, x.data(), dw_map.data(), true);
    for (float& v : dw_map) v = kern::activate(relu6, v);
    const size_t pixels = size_t(d.out_h) * d.out_w;
    for (const auto& cand : candidate_lists(d.out_h, d.out_w, rng)) {
      const int n = int(cand.size());
      const auto stored = random_floats(pixels * sh.cout, rng, -1.f, 1.f);
      std::vector<float> want = stored, got = stored;
      std::vector<uint8_t> want_fired(pixels, 0), got_fired(pixels, 0);
      const int want_n = conv_recompute(pw, linear, dw_map.data(), cand.data(), n, 0.f, want.data(), want_fired.data());
      const int got_n = depthwise_pointwise_recompute(dw, relu6, pw, linear, x.data(), cand.data(), n, 0.f, got.data(),
                                                      got_fired.data());
      const std::string what = std::to_string(sh.c) + " channels, " + std::to_string(n) + " candidates";
      EXPECT_EQ(got_n, want_n) << what;
      EXPECT_EQ(got_fired, want_fired) << what;
      expect_close(want, got, what);
    }
    // eps 0.5: stored = exact, every third candidate moved by 2: exactly those fire.
    const auto cand = random_blob_pixel_list(d.out_h, d.out_w, 0.4, rng);
    const int n = int(cand.size());
    std::vector<float> exact(pixels * sh.cout, -100.f);
    std::vector<uint8_t> scratch(pixels, 0), stale(pixels, 0), fired(pixels, 0);
    conv_recompute(pw, linear, dw_map.data(), cand.data(), n, 0.f, exact.data(), scratch.data());
    std::vector<float> got = exact;
    for (int i = 0; i < n; i += 3) {
      stale[size_t(cand[size_t(i)])] = 1;
      got[size_t(cand[size_t(i)]) * size_t(sh.cout)] += 2.f;
    }
    EXPECT_EQ(depthwise_pointwise_recompute(dw, relu6, pw, linear, x.data(), cand.data(), n, 0.5f, got.data(),
                                            fired.data()),
              (n + 2) / 3);
    EXPECT_EQ(fired, stale);
    expect_close(exact, got, "eps 0.5");
    // Not a depthwise conv feeding the 1x1 conv: refused.
    EXPECT_THROW(depthwise_pointwise_recompute(pw, linear, pw, linear, x.data(), cand.data(), 1, 0.f, got.data(),
                                               fired.data()),
                 std::invalid_argument);
  }
}

}  // namespace
}  // namespace dcnn::cpu::test
