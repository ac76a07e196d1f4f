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
  for (int n : {1, 15, 100, 200, 287, 600, 1000, 5000, 20001})
    for (int most : {64, 128, 256}) {
      const CandidateBlocks b = split_candidates(n, most, int64_t{1} << 40);  // threads pay
      SCOPED_TRACE("n " + std::to_string(n) + " block " + std::to_string(most));
      ASSERT_GE(b.blocks, 1);
      EXPECT_GE(b.threads, 1);
      EXPECT_LE(b.threads, threads);
      // The blocks tile [0, n) in order, each a whole number of 8-row panels but the last,
      // none empty, none much above `most`.
      EXPECT_EQ(b.first(0), 0);
      EXPECT_EQ(b.first(b.blocks), n);
      for (int k = 0; k < b.blocks; ++k) {
        const int rows = b.first(k + 1) - b.first(k);
        EXPECT_GT(rows, 0) << k;
        EXPECT_LE(rows, most + 8) << k;
        if (k + 1 < b.blocks) {
          EXPECT_EQ(rows % 8, 0) << k;
        }
      }
      // Under a static schedule each thread takes a contiguous run of blocks, the runs' lengths
      // differing by at most one; with whole runs per thread (blocks a multiple of the threads)
      // the threads' rows differ by at most one panel. (Blocks of 16-row multiples gave 100
      // candidates as 64 + 36 and 287 as 160 + 127.)
      if (b.blocks % b.threads == 0) {
        const int per = b.blocks / b.threads;
        int least = n, most_rows = 0;
        for (int t = 0; t < b.threads; ++t) {
          const int rows = b.first((t + 1) * per) - b.first(t * per);
          least = std::min(least, rows);
          most_rows = std::max(most_rows, rows);
        }
        EXPECT_LE(most_rows - least, 8);
      }
    }
}

}  // namespace
}  // namespace dcnn::cpu::test
