#include "kernels/cpu/fire.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "kernels/cpu/scratch.h"
#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {
namespace {

using kern::ActFn;

// Threads for a fire step over n pixels of c values that its caller runs outside any parallel
// region (the elementwise ops, the dense forms) on maps mostly out of cache: one thread alone
// is held to its share of the memory bandwidth. Below 64Ki values a second thread's fork/join
// costs about what it saves; inside a parallel region it stays on the calling thread.
int fire_threads(int n, int c) {
  return int64_t{n} * c >= (int64_t{1} << 16) && !omp_in_parallel() ? omp_get_max_threads() : 1;
}

// The activation kind is a template argument so each loop vectorises (as in activation.cpp).
// AtPixels: row i is at rows + pixels[i] * ld (a full-size map) instead of rows + i * ld.
template <ActFn F, bool AtPixels>
DCNN_SIMD_CLONES int fire_loop(const float* rows, int64_t ld, const int32_t* pixels, int n, int c,
                               const float* bias, float eps, float* stored, uint8_t* fired, float alpha,
                               float beta) {
  int count = 0;
  for (int i = 0; i < n; ++i) {
    const float* __restrict r = rows + (AtPixels ? int64_t{pixels[i]} : int64_t{i}) * ld;
    float* __restrict s = stored + int64_t{pixels[i]} * c;
    // Two passes over the row (it is in cache): whether any channel changed by more than eps
    // (max over channels > eps), then, only for a pixel that fires, the same values again into
    // the stored map. The test is an OR of comparisons under `omp simd`: written as a running
    // float max, GCC kept it scalar (no reassociation without -ffast-math; 5 % of a MultiPose
    // run, all vmaxss).
    int over = 0;
#pragma omp simd reduction(| : over)
    for (int j = 0; j < c; ++j) {
      const float v = kern::activate_as<F>(bias ? r[j] + bias[j] : r[j], alpha, beta);
      over |= std::fabs(v - s[j]) > eps;
    }
    if (over) {
      for (int j = 0; j < c; ++j) s[j] = kern::activate_as<F>(bias ? r[j] + bias[j] : r[j], alpha, beta);
      fired[pixels[i]] = 1;
      ++count;
    }
  }
  return count;
}

template <bool AtPixels>
int fire_dispatch(const kern::ActSpec& a, const float* rows, int64_t ld, const int32_t* pixels, int n, int c,
                  const float* bias, float eps, float* stored, uint8_t* fired) {
#define DCNN_FIRE_CASE(K) \
  case ActFn::K: return fire_loop<ActFn::K, AtPixels>(rows, ld, pixels, n, c, bias, eps, stored, fired, a.alpha, a.beta);
  switch (a.fn) {
    DCNN_FIRE_CASE(Identity)
    DCNN_FIRE_CASE(Relu)
    DCNN_FIRE_CASE(Clip)
    DCNN_FIRE_CASE(LeakyRelu)
    DCNN_FIRE_CASE(Sigmoid)
    DCNN_FIRE_CASE(HardSigmoid)
    DCNN_FIRE_CASE(HardSwish)
  }
#undef DCNN_FIRE_CASE
  return 0;
}

}  // namespace

int fire_rows(const kern::ActSpec& a, const float* rows, int64_t ld, const int32_t* pixels, int n, int c,
              const float* bias, float eps, float* stored, uint8_t* fired) {
  return fire_dispatch<false>(a, rows, ld, pixels, n, c, bias, eps, stored, fired);
}

int fire_at_pixels(const kern::ActSpec& a, const float* values, const int32_t* pixels, int n, int c, float eps,
                   float* stored, uint8_t* fired) {
  // Pixels are distinct, so the threads' stores and flags never meet.
  const int threads = fire_threads(n, c);
  if (threads <= 1) return fire_dispatch<true>(a, values, c, pixels, n, c, nullptr, eps, stored, fired);
  int total = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total)
  for (int t = 0; t < threads; ++t) {
    const int i0 = int(int64_t{n} * t / threads), i1 = int(int64_t{n} * (t + 1) / threads);
    total += fire_dispatch<true>(a, values, c, pixels + i0, i1 - i0, c, nullptr, eps, stored, fired);
  }
  return total;
}

int fire_computed(const kern::ActSpec& a, const RowsCompute& compute, const int32_t* pixels, int n, int c,
                  float eps, float* stored, uint8_t* fired) {
  if (n <= 0) return 0;
  constexpr int kBlock = 128;  // 128 rows: 32 KiB at 64 channels, in cache for the fire step
  const int blocks = (n + kBlock - 1) / kBlock;
  const int threads = std::min(fire_threads(n, c), blocks);
  int total = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total) if (threads > 1)
  for (int b = 0; b < blocks; ++b) {
    const int i0 = b * kBlock, m = std::min(kBlock, n - i0);
    float* rows = scratch_floats(ScratchSlot::Product, size_t(m) * size_t(c));
    compute(pixels + i0, m, rows);
    total += fire_dispatch<false>(a, rows, c, pixels + i0, m, c, nullptr, eps, stored, fired);
  }
  return total;
}

}  // namespace dcnn::cpu
