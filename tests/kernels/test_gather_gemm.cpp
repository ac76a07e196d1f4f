// gather_gemm (kernels/cpu/gather_gemm.h) against a naive triple loop: rows picked by an index
// (out of order, repeated) or consecutive with a stride, row counts off the register block,
// widths off the 16-column panels, and K past one cache chunk. A row's result must not depend
// on the rows it is blocked with (the recompute kernels' results may not depend on the
// candidate list around a pixel), so every row is also checked bit for bit against the same
// row computed alone. Every ISA variant this CPU runs is checked, not only the one picked.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "kernels/cpu/gather_gemm.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

struct GatherCase {
  int m, n, k;
  bool indexed;
};

void check(Isa isa, const GatherCase& c) {
  std::mt19937 rng(c.m * 131 + c.n * 7 + c.k + (c.indexed ? 1 : 0));
  const int64_t stride = c.k + 5;
  const int source_rows = c.m + 17;
  const auto a = random_floats(size_t(source_rows) * size_t(stride), rng);
  const int ldb = c.n + 3;
  const auto b = random_floats(size_t(c.k) * size_t(ldb), rng);
  const AlignedFloats padded = pad_b(b.data(), c.k, c.n, ldb);
  const GemmB packed{padded.data(), c.k, c.n, padded_ld(c.n)};
  ASSERT_EQ(packed.ld % 16, 0);
  ASSERT_GE(packed.ld, c.n);
  std::vector<int32_t> index(size_t(c.m));
  std::uniform_int_distribution<int> pick(0, source_rows - 1);
  for (auto& i : index) i = pick(rng);
  if (c.m > 2) index[1] = index[0];  // a repeated row
  const int32_t* idx = c.indexed ? index.data() : nullptr;
  const int ldc = packed.ld + 16;
  std::vector<float> out(size_t(c.m) * ldc, -7.f);
  gather_gemm_on(isa, a.data(), stride, idx, c.m, packed, out.data(), ldc);
  std::vector<float> alone(static_cast<size_t>(ldc));
  for (int i = 0; i < c.m; ++i) {
    const float* row = a.data() + (c.indexed ? int64_t{index[size_t(i)]} : int64_t{i}) * stride;
    for (int j = 0; j < c.n; ++j) {
      double acc = 0.0;
      for (int l = 0; l < c.k; ++l) acc += double(row[l]) * b[size_t(l) * ldb + j];
      ASSERT_NEAR(out[size_t(i) * ldc + j], acc, 1e-4 * (1.0 + std::abs(acc)))
          << "isa " << int(isa) << " m " << c.m << " n " << c.n << " k " << c.k << " row " << i << " col " << j;
    }
    // Padding columns: 0 where a vector wrote them, untouched past the last (half) vector.
    for (int j = c.n; j < packed.ld; ++j)
      ASSERT_TRUE(out[size_t(i) * ldc + j] == 0.f || out[size_t(i) * ldc + j] == -7.f) << "padding column " << j;
    for (int j = packed.ld; j < ldc; ++j) ASSERT_EQ(out[size_t(i) * ldc + j], -7.f) << "past ld, column " << j;
    gather_gemm_on(isa, row, stride, nullptr, 1, packed, alone.data(), ldc);
    ASSERT_EQ(std::memcmp(alone.data(), out.data() + size_t(i) * ldc, sizeof(float) * size_t(c.n)), 0)
        << "row " << i << " differs from the same row computed alone";
  }
}

TEST(GatherGemm, MatchesNaiveProduct) {
  int variants = 0;
  for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512}) {
    if (!cpu_runs(isa)) continue;
    ++variants;
    SCOPED_TRACE(std::string("isa ") + to_string(isa));
    for (const GatherCase& c : {GatherCase{1, 1, 1, true}, GatherCase{3, 17, 5, true}, GatherCase{9, 24, 48, true},
                                GatherCase{13, 48, 27, false}, GatherCase{64, 96, 24, true},
                                GatherCase{37, 34, 96, true}, GatherCase{20, 144, 300, true},
                                GatherCase{11, 40, 600, false}, GatherCase{8, 33, 257, true}})
      check(isa, c);
  }
  EXPECT_GE(variants, 1);
  // gather_gemm runs the variant kernel_isa() names (the widest, unless DELTACNN_CPU_ISA says).
  std::mt19937 rng(9);
  const auto a = random_floats(50 * 30, rng), b = random_floats(30 * 40, rng);
  const AlignedFloats padded = pad_b(b.data(), 30, 40, 40);
  const GemmB packed{padded.data(), 30, 40, padded_ld(40)};
  std::vector<float> picked(size_t(50) * packed.ld), chosen(picked.size());
  gather_gemm(a.data(), 30, nullptr, 50, packed, picked.data(), packed.ld);
  gather_gemm_on(kernel_isa(), a.data(), 30, nullptr, 50, packed, chosen.data(), packed.ld);
  EXPECT_EQ(picked, chosen) << "gather_gemm does not run kernel_isa()'s variant (" << to_string(kernel_isa()) << ")";
}

// The epilogue: bias and activation on the finished rows, stored at their own rows of dst (the
// fused pairs' buffer slots), equal to gather_gemm into C and then activate_as, for K within
// one chunk and past it.
TEST(GatherGemm, EpilogueEqualsProductThenActivation) {
  using kern::ActFn;
  for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512}) {
    if (!cpu_runs(isa)) continue;
    for (const int k : {24, 300})
      for (const kern::ActSpec act : {kern::ActSpec{ActFn::Identity, 0.f, 0.f}, kern::ActSpec{ActFn::Relu, 0.f, 0.f},
                                      kern::ActSpec{ActFn::Clip, 0.f, 6.f}}) {
        SCOPED_TRACE(std::string("isa ") + to_string(isa) + " k " + std::to_string(k) + " act " +
                     std::to_string(int(act.fn)));
        ASSERT_TRUE(gather_gemm_fuses(act));
        std::mt19937 rng(k + int(act.fn));
        const int m = 21, n = 48;  // whole panels: the epilogue needs no padding columns
        const auto a = random_floats(size_t(m + 5) * k, rng, -2.f, 2.f);
        const auto b = random_floats(size_t(k) * n, rng, -1.f, 1.f);
        const auto bias = random_floats(size_t(n), rng, -3.f, 3.f);
        const GemmB packed{b.data(), k, n, n};
        std::vector<int32_t> index(static_cast<size_t>(m)), slots(static_cast<size_t>(m));
        for (int i = 0; i < m; ++i) index[size_t(i)] = (i * 7) % (m + 5), slots[size_t(i)] = (i * 5 + 3) % (2 * m);
        std::vector<float> plain(size_t(m) * n), scratch(size_t(m) * n), dst(size_t(2 * m) * n, -9.f);
        gather_gemm_on(isa, a.data(), k, index.data(), m, packed, plain.data(), n);
        const GemmEpilogue ep = epilogue_into(bias.data(), act, dst.data(), n, slots.data());
        gather_gemm_on(isa, a.data(), k, index.data(), m, packed, scratch.data(), n, &ep);
        std::vector<bool> written(size_t(2 * m), false);
        for (int i = 0; i < m; ++i) {
          written[size_t(slots[size_t(i)])] = true;
          for (int j = 0; j < n; ++j) {
            const float want = kern::activate(act, plain[size_t(i) * n + j] + bias[size_t(j)]);
            ASSERT_EQ(dst[size_t(slots[size_t(i)]) * n + j], want) << "row " << i << " col " << j;
          }
        }
        for (int r = 0; r < 2 * m; ++r) {
          if (written[size_t(r)]) continue;
          for (int j = 0; j < n; ++j) ASSERT_EQ(dst[size_t(r) * n + j], -9.f) << "row " << r << " not listed";
        }
      }
  }
}

TEST(GatherGemm, NothingToDo) {
  const std::vector<float> b(4 * 3, 1.f);
  const AlignedFloats padded = pad_b(b.data(), 4, 3, 3);
  const GemmB packed{padded.data(), 4, 3, padded_ld(3)};
  std::vector<float> out(16, -1.f);
  gather_gemm(nullptr, 4, nullptr, 0, packed, out.data(), 16);
  for (float v : out) EXPECT_EQ(v, -1.f);
}

}  // namespace
}  // namespace dcnn::cpu::test
