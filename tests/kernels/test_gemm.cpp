// sgemm_rows / sgemm_rows_parallel (kernels/cpu/gemm.h) against a naive triple loop, with
// leading dimensions wider than the matrices and both overwrite and accumulate modes.
#include <gtest/gtest.h>

#include <omp.h>

#include "kernels/cpu/gemm.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

struct GemmCase {
  int m, n, k;
};

void check(const GemmCase& c, bool parallel, bool accumulate) {
  std::mt19937 rng(c.m * 131 + c.n * 7 + c.k);
  const int lda = c.k + 3, ldb = c.n + 1, ldc = c.n + 5;
  const auto a = random_floats(size_t(c.m) * lda, rng);
  const auto b = random_floats(size_t(std::max(c.k, 1)) * ldb, rng);
  auto out = random_floats(size_t(c.m) * ldc, rng);
  std::vector<float> expected = out;
  for (int i = 0; i < c.m; ++i)
    for (int j = 0; j < c.n; ++j) {
      double acc = accumulate ? out[size_t(i) * ldc + j] : 0.0;
      for (int l = 0; l < c.k; ++l) acc += double(a[size_t(i) * lda + l]) * b[size_t(l) * ldb + j];
      expected[size_t(i) * ldc + j] = float(acc);
    }
  if (parallel)
    sgemm_rows_parallel(c.m, c.n, c.k, a.data(), lda, b.data(), ldb, out.data(), ldc, accumulate);
  else
    sgemm_rows(c.m, c.n, c.k, a.data(), lda, b.data(), ldb, out.data(), ldc, accumulate);
  // Padding columns beyond n must be untouched: compared too, since expected copies them.
  expect_close(expected, out,
               "m" + std::to_string(c.m) + " n" + std::to_string(c.n) + " k" + std::to_string(c.k) +
                   (parallel ? " parallel" : " serial") + (accumulate ? " accumulate" : ""));
}

TEST(Gemm, MatchesNaiveProduct) {
  const GemmCase cases[] = {{1, 1, 1}, {7, 5, 3}, {33, 17, 27}, {256, 24, 96}, {1000, 64, 576},
                            {4099, 16, 16}, {5, 9, 0}};
  for (const GemmCase& c : cases)
    for (bool parallel : {false, true})
      for (bool accumulate : {false, true}) check(c, parallel, accumulate);
}

TEST(Gemm, ThreadCountForSmallWorkIsOne) {
  EXPECT_EQ(threads_for_flops(1000), 1);
  EXPECT_GE(threads_for_flops(int64_t{1} << 40), 1);
  EXPECT_LE(threads_for_flops(int64_t{1} << 40), omp_get_max_threads());
}

}  // namespace
}  // namespace dcnn::cpu::test
