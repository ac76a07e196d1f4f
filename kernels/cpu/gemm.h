// Row-major single-precision GEMM used by every CPU conv kernel.
// The kernels parallelise themselves (OpenMP over row blocks), so the BLAS underneath always
// runs single-threaded in the calling thread; mixing two thread pools oversubscribes the cores.
#pragma once

#include <cstdint>

namespace dcnn::cpu {

// C[m][n] = A[m][k] * B[k][n]            (accumulate == false)
// C[m][n] = A[m][k] * B[k][n] + C[m][n]  (accumulate == true)
// All matrices row-major with the given leading dimensions. Runs in the calling thread.
void sgemm_rows(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                int ldc, bool accumulate);

// Same product, the m rows split into contiguous blocks across OpenMP threads when the work is
// large enough to pay for the fork/join (see threads_for_flops).
void sgemm_rows_parallel(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                         float* c, int ldc, bool accumulate);

// How many OpenMP threads a kernel doing `flops` floating point operations should use:
// 1 below a threshold where the fork/join costs more than it saves, else all available.
int threads_for_flops(int64_t flops);

// How a recompute kernel splits n candidate pixels doing `flops` in all into blocks of at most
// `block` rows for OpenMP: small lists (the stride-32 maps hold a few hundred pixels) would fit
// one block and one thread, so they are split so that every thread the work pays for gets a
// share, in 16-row panels, and every thread gets the same number of blocks.
struct CandidateBlocks {
  int block = 1, blocks = 0, threads = 1;
};
CandidateBlocks split_candidates(int n, int block, int64_t flops);

}  // namespace dcnn::cpu
