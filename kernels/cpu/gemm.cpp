// GEMM backend choice: OpenBLAS cblas_sgemm, single-threaded, parallelised by us with OpenMP.
//
// Why OpenBLAS and not Eigen: measured with tools/bench/gemm-compare (best of runs, one thread,
// AMD EPYC with AVX-512, 2026-11-22) on the 17 GEMM shapes the conv kernels produce
// (M = 256..110592 rows, K = 3..1152, N = 16..960):
//   - OpenBLAS picks AVX-512 kernels at run time (DYNAMIC_ARCH); Eigen is compiled with the
//     project's baseline flags and only gets SSE2. OpenBLAS won every shape, 1.7x-3.1x
//     (e.g. 3x3 64->64 head: 70 vs 33 GFLOP/s; sparse 3x3 at 5 %: 100 vs 36 GFLOP/s;
//     1x1 96->24 at 1 %: 106 vs 37 GFLOP/s); total over all shapes 79 ms vs 184 ms.
//   - Even with Eigen rebuilt for -march=native (AVX-512 + FMA), which a distributable
//     binary cannot assume, OpenBLAS won all 17 shapes, by 1.02x-1.55x (73 ms vs 83 ms total).
// Single-threaded BLAS with our own row split keeps one thread pool (OpenMP) in the process
// and lets every kernel decide from its own work size whether threads pay at all.
#include "kernels/cpu/gemm.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <mutex>

namespace dcnn::cpu {
namespace {

// OpenBLAS (the pthread build Debian ships) would otherwise start its own pool with one thread
// per core and nest it inside our OpenMP threads. Pinning it to one thread makes every sgemm
// run in the calling thread.
void ensure_blas_single_threaded() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

// Below ~2 MFLOP a GEMM-based conv finishes in well under 0.1 ms on one core; the OpenMP
// fork/join and cache traffic of a second thread costs about as much.
constexpr int64_t kMinFlopsPerThread = int64_t{1} << 21;

// Row blocks handed to a thread are multiples of this so OpenBLAS's micro-kernel (which works
// on panels of 8..16 rows) sees full panels.
constexpr int kRowGranule = 16;

}  // namespace

int threads_for_flops(int64_t flops) {
  const int max_threads = omp_get_max_threads();
  if (max_threads <= 1 || flops < 2 * kMinFlopsPerThread) return 1;
  const int64_t by_work = flops / kMinFlopsPerThread;
  return static_cast<int>(std::min<int64_t>(max_threads, by_work));
}

void sgemm_rows(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                int ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  ensure_blas_single_threaded();
  if (k <= 0) {
    // An empty sum: C = 0 (or unchanged when accumulating). cblas handles this too, but some
    // BLAS builds reject lda < 1 for k == 0.
    if (!accumulate)
      for (int i = 0; i < m; ++i) std::fill(c + int64_t{i} * ldc, c + int64_t{i} * ldc + n, 0.f);
    return;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb,
              accumulate ? 1.0f : 0.0f, c, ldc);
}

void sgemm_rows_parallel(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                         float* c, int ldc, bool accumulate) {
  const int64_t flops = int64_t{2} * m * n * k;
  const int threads = std::min(threads_for_flops(flops), std::max(1, m / kRowGranule));
  if (threads <= 1) {
    sgemm_rows(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    return;
  }
  ensure_blas_single_threaded();
  // One contiguous block per thread: each thread streams its own rows of A and C and shares
  // the (usually small, cache-resident) B.
  const int granules = (m + kRowGranule - 1) / kRowGranule;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const int g0 = static_cast<int>(int64_t{granules} * t / nt);
    const int g1 = static_cast<int>(int64_t{granules} * (t + 1) / nt);
    const int r0 = g0 * kRowGranule;
    const int r1 = std::min(m, g1 * kRowGranule);
    if (r1 > r0)
      sgemm_rows(r1 - r0, n, k, a + int64_t{r0} * lda, lda, b, ldb, c + int64_t{r0} * ldc, ldc,
                 accumulate);
  }
}

CandidateBlocks split_candidates(int n, int block, int64_t flops) {
  const int want_threads = threads_for_flops(flops);
  if (want_threads > 1 && n < want_threads * block) block = std::max(16, (n / want_threads + 15) / 16 * 16);
  CandidateBlocks b;
  b.block = block;
  b.blocks = (n + block - 1) / block;
  b.threads = std::max(1, std::min(want_threads, b.blocks));
  return b;
}

}  // namespace dcnn::cpu
