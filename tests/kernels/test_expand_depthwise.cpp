// expand_depthwise_recompute (kernels/cpu/expand_depthwise.h) against the two-step oracle that
// stores the expanded map: the pointwise conv over the whole map (conv_dense) and its
// activation, then conv_recompute of the depthwise conv on that map. Shapes cover stride 1 and
// 2, padding at every border, channel counts with a remainder block, row groups of 1 to 8 rows
// and a buffer that slides, candidates in blobs, scattered, on borders and in single rows, with
// 1 and 2 threads.
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/cpu/conv.h"
#include "kernels/cpu/conv_onednn.h"
#include "kernels/cpu/conv_recompute.h"
#include "kernels/cpu/expand_depthwise.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

struct PairCase {
  const char* name;
  int h, w, cin, expanded, stride;
};

const PairCase kPairs[] = {
    {"small_s1", 9, 7, 8, 24, 1},
    {"small_s2", 9, 7, 8, 24, 2},
    {"slides_s1", 64, 40, 16, 96, 1},   // 8-row groups; the buffer slides down the map
    {"slides_s2", 65, 41, 16, 96, 2},   // odd sizes: the last row and column pad
    {"wide_rows", 12, 400, 24, 144, 1},  // a row is 230 KB: groups of 1-2 rows
    {"remainder", 20, 18, 12, 40, 2},   // 40 channels: a 32-channel block plus 8
};

ConvGeometry pointwise(const PairCase& c) {
  ConvGeometry g;
  g.in_h = g.out_h = c.h;
  g.in_w = g.out_w = c.w;
  g.cin = c.cin;
  g.cout = c.expanded;
  return g;
}

ConvGeometry depthwise(const PairCase& c) { return depthwise3x3(c.h, c.w, c.expanded, c.stride); }

struct Pair {
  PackedConv expand, dw;
  kern::ActSpec expand_act{kern::ActFn::Clip, 0.f, 6.f};
  kern::ActSpec dw_act{kern::ActFn::Clip, 0.f, 6.f};
  std::vector<float> x;
  std::vector<float> we, be;  // the expand's ONNX-layout weights and bias

  Pair(const PairCase& c, std::mt19937& rng) {
    const ConvGeometry ge = pointwise(c), gd = depthwise(c);
    we = random_floats(size_t(c.cin) * c.expanded, rng, -0.5f, 0.5f);
    be = random_floats(size_t(c.expanded), rng, 0.f, 1.f);
    const auto wd = random_floats(size_t(c.expanded) * 9, rng, -0.5f, 0.5f);
    const auto bd = random_floats(size_t(c.expanded), rng, -0.2f, 0.2f);
    expand = pack_conv(ge, we.data(), be.data());
    dw = pack_conv(gd, wd.data(), bd.data());
    x = random_floats(size_t(c.h) * c.w * c.cin, rng, -1.f, 2.f);
  }

  // The oracle's stored expanded map.
  std::vector<float> expanded_map() const {
    const ConvGeometry& g = expand.geometry;
    std::vector<float> e(size_t(g.out_h) * g.out_w * g.cout);
    conv_dense(expand, x.data(), e.data(), true);
    for (float& v : e) v = kern::activate(expand_act, v);
    return e;
  }
};

// Candidate lists of the depthwise output map.
std::vector<std::vector<int32_t>> candidate_lists(const ConvGeometry& g, std::mt19937& rng) {
  std::vector<std::vector<int32_t>> lists;
  lists.push_back(random_blob_pixel_list(g.out_h, g.out_w, 0.2, rng));
  lists.push_back(random_pixel_list(g.out_h * g.out_w, 0.05, rng, false));  // ascending
  std::vector<int32_t> all(size_t(g.out_h) * g.out_w);
  for (size_t i = 0; i < all.size(); ++i) all[i] = int32_t(i);
  lists.push_back(all);
  std::vector<int32_t> borders;  // first and last row and column
  for (int y = 0; y < g.out_h; ++y)
    for (int x = 0; x < g.out_w; ++x)
      if (y == 0 || x == 0 || y == g.out_h - 1 || x == g.out_w - 1) borders.push_back(y * g.out_w + x);
  lists.push_back(borders);
  lists.push_back({int32_t(g.out_h / 2 * g.out_w + g.out_w / 2)});  // one pixel
  return lists;
}

class ExpandDepthwise : public ::testing::TestWithParam<PairCase> {};

// A random pair of the case and the oracle's stored expanded map.
struct PairWithOracle {
  std::mt19937 rng;
  Pair pair;
  const ConvGeometry& gd;
  std::vector<float> e;
  PairWithOracle(const PairCase& c, unsigned seed) : rng(seed), pair(c, rng), gd(pair.dw.geometry), e(pair.expanded_map()) {}
};

// eps 0 against random stored maps: every candidate fires in both, with the same values.
TEST_P(ExpandDepthwise, FiresTheSameValuesAsTheStoredMapOracle) {
  const PairCase& c = GetParam();
  PairWithOracle setup(c, 11);
  auto& [rng, pair, gd, e] = setup;
  const int saved = omp_get_max_threads();
  for (const auto& cand : candidate_lists(gd, rng)) {
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      const auto stored = random_floats(size_t(gd.out_h) * gd.out_w * gd.cout, rng, -1.f, 1.f);
      std::vector<float> want = stored, got = stored;
      std::vector<uint8_t> want_fired(size_t(gd.out_h) * gd.out_w, 0), got_fired = want_fired;
      const int n = int(cand.size());
      const int want_n = conv_recompute(pair.dw, pair.dw_act, e.data(), cand.data(), n, 0.f, want.data(),
                                        want_fired.data());
      const int got_n = expand_depthwise_recompute(pair.expand, pair.expand_act, pair.dw, pair.dw_act,
                                                   pair.x.data(), cand.data(), n, 0.f, got.data(),
                                                   got_fired.data());
      const std::string what = std::string(c.name) + ", " + std::to_string(n) + " candidates, " +
                               std::to_string(threads) + " threads";
      EXPECT_EQ(got_n, want_n) << what;
      EXPECT_EQ(got_fired, want_fired) << what;
      expect_close(want, got, what);
    }
  }
  omp_set_num_threads(saved);
}

// eps > 0: stored = the exact result, with some candidates moved far from it. Exactly those
// fire, and the others keep their stored values untouched.
TEST_P(ExpandDepthwise, FiresExactlyWhereTheStoredMapIsStale) {
  const PairCase& c = GetParam();
  PairWithOracle setup(c, 12);
  auto& [rng, pair, gd, e] = setup;
  const auto cand = random_blob_pixel_list(gd.out_h, gd.out_w, 0.3, rng);
  const int n = int(cand.size());
  std::vector<float> exact(size_t(gd.out_h) * gd.out_w * gd.cout, -100.f);
  std::vector<uint8_t> scratch_fired(size_t(gd.out_h) * gd.out_w, 0);
  conv_recompute(pair.dw, pair.dw_act, e.data(), cand.data(), n, 0.f, exact.data(), scratch_fired.data());
  std::vector<float> stored = exact;
  std::vector<uint8_t> stale(stored.size() / size_t(gd.cout), 0);
  for (int i = 0; i < n; i += 3) {
    stale[size_t(cand[size_t(i)])] = 1;
    stored[size_t(cand[size_t(i)]) * size_t(gd.cout)] += 2.f;  // one channel, far above eps
  }
  std::vector<float> got = stored;
  std::vector<uint8_t> fired(stale.size(), 0);
  const int got_n = expand_depthwise_recompute(pair.expand, pair.expand_act, pair.dw, pair.dw_act, pair.x.data(),
                                               cand.data(), n, 0.5f, got.data(), fired.data());
  EXPECT_EQ(got_n, (n + 2) / 3);
  EXPECT_EQ(fired, stale);
  expect_close(exact, got, c.name);
}

// The dense pass against conv_dense of the stored expanded map, then the activation.
TEST_P(ExpandDepthwise, DenseEqualsTheTwoConvsOverTheStoredMap) {
  const PairCase& c = GetParam();
  PairWithOracle setup(c, 14);
  auto& [rng, pair, gd, e] = setup;
  (void)rng;
  std::vector<float> want(size_t(gd.out_h) * gd.out_w * gd.cout);
  conv_dense(pair.dw, e.data(), want.data(), true);
  for (float& v : want) v = kern::activate(pair.dw_act, v);
  const int saved = omp_get_max_threads();
  // The expand rows through sgemm, or through a oneDNN conv over 3 rows (the edge rows that do
  // not fill a call through sgemm).
  ConvGeometry three_rows = pair.expand.geometry;
  three_rows.in_h = three_rows.out_h = std::min(3, three_rows.out_h);
  const OnednnConv rows_conv(three_rows, pair.we.data(), pair.be.data(), pair.expand_act);
  for (const ExpandRowsConv fast : {ExpandRowsConv{}, ExpandRowsConv{&rows_conv, three_rows.out_h}})
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      std::vector<float> got(want.size(), -1000.f);
      expand_depthwise_dense(pair.expand, pair.expand_act, pair.dw, pair.dw_act, pair.x.data(), got.data(), fast);
      expect_close(want, got, std::string(c.name) + ", " + std::to_string(threads) + " threads" +
                                  (fast.conv ? ", oneDNN rows" : ""));
    }
  omp_set_num_threads(saved);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ExpandDepthwise, ::testing::ValuesIn(kPairs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ExpandDepthwiseErrors, RejectsAPairItCannotFuse) {
  std::mt19937 rng(13);
  const Pair pair(kPairs[0], rng);
  PackedConv strided = pair.expand;
  strided.geometry.stride_h = 2;  // not a plain GEMM on the map any more
  std::vector<float> out(size_t(pair.dw.geometry.out_h) * pair.dw.geometry.out_w * pair.dw.geometry.cout);
  std::vector<uint8_t> fired(out.size(), 0);
  const int32_t cand[] = {0};
  EXPECT_FALSE(expand_depthwise_fits(strided.geometry, pair.dw.geometry));
  EXPECT_THROW(expand_depthwise_recompute(strided, pair.expand_act, pair.dw, pair.dw_act, pair.x.data(), cand, 1,
                                          0.f, out.data(), fired.data()),
               std::invalid_argument);
  const int32_t outside[] = {int32_t(out.size())};
  EXPECT_THROW(expand_depthwise_recompute(pair.expand, pair.expand_act, pair.dw, pair.dw_act, pair.x.data(),
                                          outside, 1, 0.f, out.data(), fired.data()),
               std::out_of_range);
}

}  // namespace
}  // namespace dcnn::cpu::test
