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

TEST(Gemm, CandidateBlocksCoverTheListAndShareItEvenly) {
  const int threads = omp_get_max_threads();
  for (int n : {1, 15, 100, 600, 1000, 5000, 20001})
    for (int most : {64, 256}) {
      const CandidateBlocks b = split_candidates(n, most, int64_t{1} << 40);  // threads pay
      SCOPED_TRACE("n " + std::to_string(n) + " block " + std::to_string(most));
      EXPECT_GE(int64_t{b.block} * b.blocks, n);
      EXPECT_LT(int64_t{b.block} * (b.blocks - 1), n);
      EXPECT_LE(b.block, std::max(most, 16) + 15);
      EXPECT_GE(b.threads, 1);
      EXPECT_LE(b.threads, threads);
      // The rows each thread gets under a static schedule (contiguous runs of blocks, run
      // lengths differing by at most one): the busiest thread has at most its fair share plus
      // 10 % or the 16-row rounding of its blocks (600 in blocks of 256 gave one thread 512
      // rows where 300 were fair).
      const int q = b.blocks / b.threads, extra = b.blocks % b.threads;
      int first = 0, most_rows = 0;
      for (int t = 0; t < b.threads; ++t) {
        const int count = q + (t < extra ? 1 : 0);
        const int rows = std::min(n, (first + count) * b.block) - std::min(n, first * b.block);
        most_rows = std::max(most_rows, rows);
        first += count;
      }
      const int fair = (n + b.threads - 1) / b.threads;
      EXPECT_LE(most_rows, fair + std::max(fair / 10, 16 * (q + 1)));
    }
}

}  // namespace
}  // namespace dcnn::cpu::test
