// GEMM backend choice: oneDNN's dnnl_sgemm, single-threaded, parallelised by us with OpenMP.
//
// History, both measured with tools/bench/gemm-compare (best of runs, 2 threads splitting the
// rows, the 17 GEMM shapes the conv kernels produce: M = 256..110592, K = 16..1152, N = 16..960):
//   - 2026-11-22, AMD EPYC with AVX-512: OpenBLAS beat Eigen on every shape (1.7x-3.1x; Eigen
//     is built for the baseline ISA and only gets SSE2), so OpenBLAS it was.
//   - 2026-12-04, AMD EPYC family 26 (Zen 5, AVX-512): Debian's OpenBLAS 0.3.21 does not know
//     this CPU and runs its Haswell (AVX2) kernels (`openblas_get_corename()`), 37.2 ms over all
//     shapes; oneDNN 2.6's sgemm dispatches on CPU features, not on a model table, and took
//     18.2 ms (1.8x-3.7x on the wide shapes). Even with OpenBLAS forced to its AVX-512 kernels
//     (OPENBLAS_CORETYPE=SkylakeX, which must be set before the library loads, so a plugin
//     cannot do it for its host process) oneDNN won 16 of 17 shapes, 21.5 ms against 17.9 ms.
//     oneDNN is linked for the dense convs already, so it is one dependency less to trust.
// DELTACNN_CPU_GEMM=openblas switches back to OpenBLAS for comparisons.
// Single-threaded GEMM with our own row split keeps one thread pool (OpenMP) in the process
// and lets every kernel decide from its own work size whether threads pay at all.
#include "kernels/cpu/gemm.h"

#include <cblas.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

bool use_openblas() {
  static const bool openblas = [] {
    const char* v = std::getenv("DELTACNN_CPU_GEMM");
    return v != nullptr && std::strcmp(v, "openblas") == 0;
  }();
  return openblas;
}

// oneDNN (OpenMP runtime) runs a GEMM on one thread inside an active parallel region and on
// omp_get_max_threads() threads outside one. sgemm_rows promises the calling thread only (the
// callers split the rows themselves, and a fixed thread count keeps the summation order, hence
// the results, the same whoever calls), so outside a region the thread count is pinned to 1
// for the call.
void onednn_sgemm(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
                  bool accumulate) {
  const bool pin = !omp_in_parallel() && omp_get_max_threads() > 1;
  const int saved = pin ? omp_get_max_threads() : 0;
  if (pin) omp_set_num_threads(1);
  const dnnl_status_t status =
      dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, lda, b, ldb, accumulate ? 1.0f : 0.0f, c, ldc);
  if (pin) omp_set_num_threads(saved);
  // Only invalid arguments fail, and the kernels size everything themselves: a bug, not bad
  // input. Called inside OpenMP regions, where an exception could not propagate, so say what
  // failed and stop.
  if (status != dnnl_success) {
    std::fprintf(stderr, "deltacnn: internal error: dnnl_sgemm(m=%d n=%d k=%d lda=%d ldb=%d ldc=%d) returned %d\n",
                 m, n, k, lda, ldb, ldc, int(status));
    std::abort();
  }
}

// Below ~2 MFLOP a GEMM-based conv finishes in well under 0.1 ms on one core; the OpenMP
// fork/join and cache traffic of a second thread costs about as much.
constexpr int64_t kMinFlopsPerThread = int64_t{1} << 21;
// Candidate blocks are whole panels of gather_gemm's AVX-512 register block (8 rows).
constexpr int kPanelRows = 8;

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
  if (k <= 0) {
    // An empty sum: C = 0 (or unchanged when accumulating). cblas handles this too, but some
    // BLAS builds reject lda < 1 for k == 0.
    if (!accumulate)
      for (int i = 0; i < m; ++i) std::fill(c + int64_t{i} * ldc, c + int64_t{i} * ldc + n, 0.f);
    return;
  }
  if (!use_openblas()) {
    onednn_sgemm(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    return;
  }
  ensure_blas_single_threaded();
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
  CandidateBlocks b;
  b.n = n;
  const int want_threads = threads_for_flops(flops);
  const int per_block = std::max(1, block);
  if (want_threads > 1) {
    const int per_thread = (n + want_threads - 1) / want_threads;
    b.blocks = want_threads * ((per_thread + per_block - 1) / per_block);
  } else {
    b.blocks = (n + per_block - 1) / per_block;
  }
  b.blocks = std::max(0, std::min(b.blocks, (n + kPanelRows - 1) / kPanelRows));
  b.threads = std::max(1, std::min(want_threads, b.blocks));
  return b;
}

int CandidateBlocks::first(int b) const {
  const int64_t panels = (int64_t{n} + kPanelRows - 1) / kPanelRows;
  return int(std::min<int64_t>(n, kPanelRows * (panels * b / std::max(1, blocks))));
}

}  // namespace dcnn::cpu
