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

// How a recompute kernel splits n candidate pixels doing `flops` in all into blocks of about
// `block` rows for OpenMP's static schedule: small lists (the stride-32 maps hold a few hundred
// pixels) would fit one block and one thread, so every thread the work pays for gets the same
// number of blocks, and the blocks the same number of 8-row panels (gather_gemm's register
// block) give or take one. Fixed-size blocks rounded to 16 rows left the threads' shares 20-40 %
// apart on lists of 100-300 pixels (a thread idle at the barrier for 16-18 % of a delta frame).
struct CandidateBlocks {
  int n = 0, blocks = 0, threads = 1;
  // Block b holds candidates [first(b), first(b + 1)).
  int first(int b) const;
};
CandidateBlocks split_candidates(int n, int block, int64_t flops);

}  // namespace dcnn::cpu
