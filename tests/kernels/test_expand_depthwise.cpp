// expand_depthwise_recompute (kernels/cpu/expand_depthwise.h) against the two-step oracle that
// stores the expanded map: the pointwise conv over the whole map (conv_dense) and its
// activation, then conv_recompute of the depthwise conv on that map. The whole block
// (expand_depthwise_project_recompute) against the three-step oracle that stores the depthwise
// output too: conv_dense of the depthwise conv on the expanded map, then conv_recompute of the
// projection on that. Shapes cover stride 1 and
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

// Every candidate list, 1 and 2 threads, from the same random stored map: `kernel` and
// `oracle` (each (cand, n, stored, fired) -> how many fired) fire the same pixels with the same
// values at eps 0.
template <class Oracle, class Kernel>
void expect_same_firing(const std::vector<std::vector<int32_t>>& lists, size_t values, size_t pixels,
                        std::mt19937& rng, const std::string& name, Oracle oracle, Kernel kernel) {
  const int saved = omp_get_max_threads();
  for (const auto& cand : lists) {
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      const auto stored = random_floats(values, rng, -1.f, 1.f);
      std::vector<float> want = stored, got = stored;
      std::vector<uint8_t> want_fired(pixels, 0), got_fired = want_fired;
      const int n = int(cand.size());
      const int want_n = oracle(cand.data(), n, want.data(), want_fired.data());
      const int got_n = kernel(cand.data(), n, got.data(), got_fired.data());
      const std::string what =
          name + ", " + std::to_string(n) + " candidates, " + std::to_string(threads) + " threads";
      EXPECT_EQ(got_n, want_n) << what;
      EXPECT_EQ(got_fired, want_fired) << what;
      expect_close(want, got, what);
    }
  }
  omp_set_num_threads(saved);
}

// eps 0.5 against stored = `exact` (c channels per pixel) with every third candidate's last
// channel moved by 2: exactly those fire, and the others keep their stored values.
template <class Kernel>
void expect_firing_where_stale(const std::vector<float>& exact, const std::vector<int32_t>& cand, int c,
                               const std::string& name, Kernel kernel) {
  const int n = int(cand.size());
  std::vector<float> stored = exact;
  std::vector<uint8_t> stale(exact.size() / size_t(c), 0);
  for (int i = 0; i < n; i += 3) {
    stale[size_t(cand[size_t(i)])] = 1;
    stored[size_t(cand[size_t(i)]) * size_t(c) + size_t(c - 1)] += 2.f;
  }
  std::vector<uint8_t> fired(stale.size(), 0);
  EXPECT_EQ(kernel(cand.data(), n, 0.5f, stored.data(), fired.data()), (n + 2) / 3) << name;
  EXPECT_EQ(fired, stale) << name;
  expect_close(exact, stored, name);
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
  const size_t pixels = size_t(gd.out_h) * gd.out_w;
  expect_same_firing(
      candidate_lists(gd, rng), pixels * gd.cout, pixels, rng, c.name,
      [&](const int32_t* cand, int n, float* stored, uint8_t* fired) {
        return conv_recompute(pair.dw, pair.dw_act, e.data(), cand, n, 0.f, stored, fired);
      },
      [&](const int32_t* cand, int n, float* stored, uint8_t* fired) {
        return expand_depthwise_recompute(pair.expand, pair.expand_act, pair.dw, pair.dw_act, pair.x.data(), cand,
                                          n, 0.f, stored, fired);
      });
}

// eps > 0: stored = the exact result, with some candidates moved far from it. Exactly those
// fire, and the others keep their stored values untouched.
TEST_P(ExpandDepthwise, FiresExactlyWhereTheStoredMapIsStale) {
  const PairCase& c = GetParam();
  PairWithOracle setup(c, 12);
  auto& [rng, pair, gd, e] = setup;
  const auto cand = random_blob_pixel_list(gd.out_h, gd.out_w, 0.3, rng);
  std::vector<float> exact(size_t(gd.out_h) * gd.out_w * gd.cout, -100.f);
  std::vector<uint8_t> scratch_fired(size_t(gd.out_h) * gd.out_w, 0);
  conv_recompute(pair.dw, pair.dw_act, e.data(), cand.data(), int(cand.size()), 0.f, exact.data(),
                 scratch_fired.data());
  expect_firing_where_stale(exact, cand, gd.cout, c.name,
                            [&](const int32_t* cd, int n, float eps, float* stored, uint8_t* fired) {
                              return expand_depthwise_recompute(pair.expand, pair.expand_act, pair.dw, pair.dw_act,
                                                                pair.x.data(), cd, n, eps, stored, fired);
                            });
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

// The whole block: the pair of the case followed by a 1x1 projection to `cout` channels (not
// whole 16-column panels, so the GEMM's padded columns are left out of the fire step).
struct Block : Pair {
  PackedConv project;
  kern::ActSpec project_act{};  // linear, as MobileNetV2's projections
  std::vector<float> depthwise_map;  // the oracle's stored depthwise output

  Block(const PairCase& c, std::mt19937& rng) : Pair(c, rng) {
    const ConvGeometry& gd = dw.geometry;
    ConvGeometry gp;
    gp.in_h = gp.out_h = gd.out_h;
    gp.in_w = gp.out_w = gd.out_w;
    gp.cin = gd.cout;
    gp.cout = c.cin + 8;
    const auto wp = random_floats(size_t(gp.cin) * gp.cout, rng, -0.3f, 0.3f);
    const auto bp = random_floats(size_t(gp.cout), rng, -0.2f, 0.2f);
    project = pack_conv(gp, wp.data(), bp.data());
    const std::vector<float> e = expanded_map();
    depthwise_map.resize(size_t(gd.out_h) * gd.out_w * gd.cout);
    conv_dense(dw, e.data(), depthwise_map.data(), true);
    for (float& v : depthwise_map) v = kern::activate(dw_act, v);
  }
  int outputs() const { return project.geometry.out_h * project.geometry.out_w * project.geometry.cout; }
};

class ExpandDepthwiseProject : public ::testing::TestWithParam<PairCase> {};

// eps 0 against random stored maps: every candidate fires in both, with the same values.
TEST_P(ExpandDepthwiseProject, FiresTheSameValuesAsTheStoredMapsOracle) {
  const PairCase& c = GetParam();
  std::mt19937 rng(21);
  const Block b(c, rng);
  const ConvGeometry& gp = b.project.geometry;
  expect_same_firing(
      candidate_lists(gp, rng), size_t(b.outputs()), size_t(gp.out_h) * gp.out_w, rng, c.name,
      [&](const int32_t* cand, int n, float* stored, uint8_t* fired) {
        return conv_recompute(b.project, b.project_act, b.depthwise_map.data(), cand, n, 0.f, stored, fired);
      },
      [&](const int32_t* cand, int n, float* stored, uint8_t* fired) {
        return expand_depthwise_project_recompute(b.expand, b.expand_act, b.dw, b.dw_act, b.project, b.project_act,
                                                  b.x.data(), cand, n, 0.f, stored, fired);
      });
}

// eps > 0: stored = the exact result with some candidates moved far from it; exactly those fire
// and the others keep their stored values.
TEST_P(ExpandDepthwiseProject, FiresExactlyWhereTheStoredMapIsStale) {
  const PairCase& c = GetParam();
  std::mt19937 rng(22);
  const Block b(c, rng);
  const ConvGeometry& gp = b.project.geometry;
  const auto cand = random_blob_pixel_list(gp.out_h, gp.out_w, 0.3, rng);
  std::vector<float> exact(size_t(b.outputs()), -100.f);
  std::vector<uint8_t> scratch_fired(size_t(gp.out_h) * gp.out_w, 0);
  conv_recompute(b.project, b.project_act, b.depthwise_map.data(), cand.data(), int(cand.size()), 0.f,
                 exact.data(), scratch_fired.data());
  expect_firing_where_stale(exact, cand, gp.cout, c.name,
                            [&](const int32_t* cd, int n, float eps, float* stored, uint8_t* fired) {
                              return expand_depthwise_project_recompute(b.expand, b.expand_act, b.dw, b.dw_act,
                                                                        b.project, b.project_act, b.x.data(), cd, n,
                                                                        eps, stored, fired);
                            });
}

INSTANTIATE_TEST_SUITE_P(Shapes, ExpandDepthwiseProject, ::testing::ValuesIn(kPairs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ExpandDepthwiseProjectErrors, RejectsABlockItCannotFuse) {
  std::mt19937 rng(23);
  const Block block(kPairs[0], rng);
  PackedConv wide = block.project;
  wide.geometry.cin += 1;  // does not read the depthwise output
  std::vector<float> out(size_t(block.outputs()));
  std::vector<uint8_t> fired(out.size(), 0);
  const int32_t cand[] = {0};
  EXPECT_FALSE(expand_depthwise_project_fits(block.expand.geometry, block.dw.geometry, wide.geometry));
  EXPECT_THROW(expand_depthwise_project_recompute(block.expand, block.expand_act, block.dw, block.dw_act, wide,
                                                  block.project_act, block.x.data(), cand, 1, 0.f, out.data(),
                                                  fired.data()),
               std::invalid_argument);
  const int32_t outside[] = {int32_t(out.size())};
  EXPECT_THROW(expand_depthwise_project_recompute(block.expand, block.expand_act, block.dw, block.dw_act,
                                                  block.project, block.project_act, block.x.data(), outside, 1, 0.f,
                                                  out.data(), fired.data()),
               std::out_of_range);
}

}  // namespace
}  // namespace dcnn::cpu::test
