// gather_gemm in bf16 (kernels/cpu/gather_gemm_bf16.h) against a naive product of the same
// operands rounded to bf16 (round to nearest even) and summed in double: odd K (the last pair's
// high half), K past one chunk, widths off the 16-column panels and half panels, rows by an index
// (out of order, repeated). Rounding A or B any other way (truncation) is off by up to one bf16
// step, far past the tolerance of fp32 sums. Every row must equal the same row computed alone,
// bit for bit (a recomputed pixel must not depend on the candidates around it), and gather_gemm
// must take this kernel when B carries pairs. Skipped where the CPU has no AVX-512 BF16.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "kernels/cpu/gather_gemm_bf16.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

float to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
  std::memcpy(&f, &u, 4);
  return f;
}

struct Bf16Case {
  int m, n, k;
  bool indexed;
};

void check(const Bf16Case& c) {
  SCOPED_TRACE("m " + std::to_string(c.m) + " n " + std::to_string(c.n) + " k " + std::to_string(c.k));
  std::mt19937 rng(c.m * 131 + c.n * 7 + c.k);
  const int64_t stride = c.k + 3;
  const int source_rows = c.m + 9;
  const auto a = random_floats(size_t(source_rows) * size_t(stride), rng);
  const auto b = random_floats(size_t(c.k) * size_t(c.n), rng);
  const AlignedFloats padded = pad_b(b.data(), c.k, c.n, c.n);
  GemmB packed{padded.data(), c.k, c.n, padded_ld(c.n)};
  const AlignedWords pairs = pack_b_pairs(packed);
  ASSERT_EQ(pairs.size(), size_t((c.k + 1) / 2) * size_t(packed.ld));
  packed.pairs = pairs.data();
  std::vector<int32_t> index(size_t(c.m));
  std::uniform_int_distribution<int> pick(0, source_rows - 1);
  for (auto& i : index) i = pick(rng);
  if (c.m > 2) index[2] = index[0];
  const int32_t* idx = c.indexed ? index.data() : nullptr;
  const int ldc = packed.ld + 16;
  std::vector<float> out(size_t(c.m) * size_t(ldc), -7.f), alone(size_t(ldc), -7.f);
  gather_gemm_bf16(a.data(), stride, idx, c.m, packed, out.data(), ldc);
  for (int i = 0; i < c.m; ++i) {
    const float* row = a.data() + (c.indexed ? int64_t{index[size_t(i)]} : int64_t{i}) * stride;
    for (int j = 0; j < c.n; ++j) {
      double acc = 0.0, size = 0.0;
      for (int l = 0; l < c.k; ++l) {
        const double t = double(to_bf16(row[l])) * double(to_bf16(b[size_t(l) * size_t(c.n) + size_t(j)]));
        acc += t;
        size += std::fabs(t);
      }
      ASSERT_NEAR(out[size_t(i) * ldc + j], acc, 1e-5 * size + 1e-6) << "row " << i << " col " << j;
    }
    for (int j = c.n; j < packed.ld; ++j)
      ASSERT_TRUE(out[size_t(i) * ldc + j] == 0.f || out[size_t(i) * ldc + j] == -7.f) << "padding column " << j;
    for (int j = packed.ld; j < ldc; ++j) ASSERT_EQ(out[size_t(i) * ldc + j], -7.f) << "past ld, column " << j;
    gather_gemm_bf16(row, stride, nullptr, 1, packed, alone.data(), ldc);
    ASSERT_EQ(std::memcmp(alone.data(), out.data() + size_t(i) * ldc, sizeof(float) * size_t(c.n)), 0)
        << "row " << i << " differs from the same row computed alone";
  }
  // gather_gemm takes the bf16 kernel for B with pairs, whatever the ISA argument.
  std::vector<float> dispatched(out.size(), -7.f);
  gather_gemm_on(Isa::Baseline, a.data(), stride, idx, c.m, packed, dispatched.data(), ldc);
  EXPECT_EQ(dispatched, out);
}

TEST(GatherGemmBf16, MatchesBf16RoundedProduct) {
  if (!cpu_has_bf16()) GTEST_SKIP() << "this CPU has no AVX-512 BF16 (precision bf16 is refused here)";
  for (const Bf16Case& c : {Bf16Case{1, 1, 1, true}, Bf16Case{3, 17, 5, true}, Bf16Case{9, 24, 48, true},
                            Bf16Case{13, 48, 27, false}, Bf16Case{70, 96, 24, true}, Bf16Case{37, 34, 96, true},
                            Bf16Case{20, 144, 300, true}, Bf16Case{11, 40, 601, false},
                            Bf16Case{8, 33, 257, true}, Bf16Case{130, 8, 16, true}})
    check(c);
}

// The epilogue as in fp32: bias, then the activation, to each row's own slot of dst, equal to
// the product into C followed by activate_as; rows not listed untouched.
TEST(GatherGemmBf16, EpilogueEqualsProductThenActivation) {
  if (!cpu_has_bf16()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
  using kern::ActFn;
  for (const int n : {48, 24})
    for (const int k : {24, 301})
      for (const kern::ActSpec act : {kern::ActSpec{ActFn::Identity, 0.f, 0.f}, kern::ActSpec{ActFn::Relu, 0.f, 0.f},
                                      kern::ActSpec{ActFn::Clip, 0.f, 6.f}}) {
        SCOPED_TRACE("n " + std::to_string(n) + " k " + std::to_string(k) + " act " + std::to_string(int(act.fn)));
        std::mt19937 rng(k + n + int(act.fn));
        const int m = 21;
        const auto a = random_floats(size_t(m + 5) * size_t(k), rng, -2.f, 2.f);
        const auto b = random_floats(size_t(k) * size_t(n), rng, -1.f, 1.f);
        const auto bias = random_floats(size_t(n), rng, -3.f, 3.f);
        const AlignedFloats padded = pad_b(b.data(), k, n, n);
        GemmB packed{padded.data(), k, n, padded_ld(n)};
        const AlignedWords pairs = pack_b_pairs(packed);
        packed.pairs = pairs.data();
        std::vector<int32_t> index(static_cast<size_t>(m)), slots(static_cast<size_t>(m));
        for (int i = 0; i < m; ++i) index[size_t(i)] = (i * 7) % (m + 5), slots[size_t(i)] = (i * 5 + 3) % (2 * m);
        std::vector<float> plain(size_t(m) * packed.ld), scratch(size_t(m) * packed.ld), dst(size_t(2 * m) * n, -9.f);
        gather_gemm_bf16(a.data(), k, index.data(), m, packed, plain.data(), packed.ld);
        const GemmEpilogue ep = epilogue_into(bias.data(), act, dst.data(), n, slots.data());
        gather_gemm_bf16(a.data(), k, index.data(), m, packed, scratch.data(), packed.ld, &ep);
        std::vector<bool> written(size_t(2 * m), false);
        for (int i = 0; i < m; ++i) {
          written[size_t(slots[size_t(i)])] = true;
          for (int j = 0; j < n; ++j)
            ASSERT_EQ(dst[size_t(slots[size_t(i)]) * n + j],
                      kern::activate(act, plain[size_t(i) * packed.ld + j] + bias[size_t(j)]))
                << "row " << i << " col " << j;
        }
        for (int r = 0; r < 2 * m; ++r) {
          if (written[size_t(r)]) continue;
          for (int j = 0; j < n; ++j) ASSERT_EQ(dst[size_t(r) * n + j], -9.f) << "row " << r << " not listed";
        }
      }
}

}  // namespace
}  // namespace dcnn::cpu::test
