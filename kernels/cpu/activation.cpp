#include "kernels/cpu/activation.h"

#include <cmath>
#include <cstring>

#include "kernels/cpu/parallel_shares.h"
#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {
namespace {

using kern::ActFn;

// One loop per activation kind (the kind is a template argument): with the switch inside the
// loop the compiler cannot vectorise, and this kernel runs on every activation site. The loop
// is its own function so that it gets the ISA clones (an OpenMP body would not inherit them:
// it ran on SSE2, 11.7 % of a CenterNet bench run in its hard-swish instance).
template <ActFn F>
DCNN_SIMD_CLONES void dense_range(const float* x, float* out, int64_t begin, int64_t end, float alpha,
                                  float beta) {
  for (int64_t i = begin; i < end; ++i) out[i] = kern::activate_as<F>(x[i], alpha, beta);
}

template <ActFn F>
void dense_loop(const float* x, float* out, int64_t total, float alpha, float beta) {
  for_each_share(total, total > 65536, [&](int64_t begin, int64_t end) {
    dense_range<F>(x, out, begin, end, alpha, beta);
  }, /*grain=*/16);
}

template <ActFn F>
void delta_loop(const float* d, float* out, float* acc, float* res, const int32_t* list, int n,
                int c, float eps, uint8_t* mask, float alpha, float beta) {
#pragma omp parallel for schedule(static) if (int64_t(n) * c > 32768)
  for (int i = 0; i < n; ++i) {
    const int64_t base = int64_t(list[i]) * c;
    const float* dp = d + base;  // d and out may alias (in-place step)
    float* op = out + base;
    float* __restrict ap = acc + base;
    float* __restrict rp = res + base;
    // Residual update and the change of the output, written tentatively; then its peak (two
    // loops, each of which the compiler vectorises).
    for (int ch = 0; ch < c; ++ch) {
      const float r = rp[ch] + dp[ch];
      rp[ch] = r;
      const float a = ap[ch];
      op[ch] = kern::activate_as<F>(a + r, alpha, beta) - kern::activate_as<F>(a, alpha, beta);
    }
    float peak = 0.f;
    for (int ch = 0; ch < c; ++ch) peak = kern::maxf(peak, std::fabs(op[ch]));
    if (peak > eps) {
      for (int ch = 0; ch < c; ++ch) {
        ap[ch] += rp[ch];
        rp[ch] = 0.f;
      }
    } else {
      std::memset(op, 0, sizeof(float) * size_t(c));
      mask[list[i]] = 0;
    }
  }
}

template <template <ActFn> class Call, typename... Args>
void dispatch(ActFn fn, Args&&... args) {
  switch (fn) {
    case ActFn::Identity: Call<ActFn::Identity>::run(args...); break;
    case ActFn::Relu: Call<ActFn::Relu>::run(args...); break;
    case ActFn::Clip: Call<ActFn::Clip>::run(args...); break;
    case ActFn::LeakyRelu: Call<ActFn::LeakyRelu>::run(args...); break;
    case ActFn::Sigmoid: Call<ActFn::Sigmoid>::run(args...); break;
    case ActFn::HardSigmoid: Call<ActFn::HardSigmoid>::run(args...); break;
    case ActFn::HardSwish: Call<ActFn::HardSwish>::run(args...); break;
  }
}

template <ActFn F>
struct Dense {
  template <typename... A> static void run(A... a) { dense_loop<F>(a...); }
};
template <ActFn F>
struct Delta {
  template <typename... A> static void run(A... a) { delta_loop<F>(a...); }
};

// Bias and activation from `rows` (row i) into dst (row slots[i], or row i when slots is null;
// dst may be rows): the activation kind a template argument so the loop vectorises.
template <ActFn F>
DCNN_SIMD_CLONES void activate_loop(const float* rows, const int32_t* slots, int64_t n, int c, const float* bias,
                                    float alpha, float beta, float* dst) {
  for (int64_t i = 0; i < n; ++i) {
    const float* r = rows + i * c;
    float* d = dst + (slots ? int64_t{slots[i]} : i) * c;
    for (int j = 0; j < c; ++j) d[j] = kern::activate_as<F>(bias ? r[j] + bias[j] : r[j], alpha, beta);
  }
}

}  // namespace

void activation_dense(const kern::ActSpec& a, const float* x, float* out, float* acc, float* res,
                      int64_t pixels, int c) {
  const int64_t total = pixels * c;
  if (acc) {
    if (acc != x) std::memcpy(acc, x, sizeof(float) * size_t(total));
    std::memset(res, 0, sizeof(float) * size_t(total));
  }
  dispatch<Dense>(a.fn, x, out, total, a.alpha, a.beta);
}

void activation_delta(const kern::ActSpec& a, const float* d, float* out, float* acc, float* res,
                      const int32_t* list, int n, int c, float eps, uint8_t* mask) {
  dispatch<Delta>(a.fn, d, out, acc, res, list, n, c, eps, mask, a.alpha, a.beta);
}

void activate_rows(const kern::ActSpec& a, const float* rows, const int32_t* slots, int64_t n, int c,
                   const float* bias, float* dst) {
  switch (a.fn) {
    case ActFn::Identity: return activate_loop<ActFn::Identity>(rows, slots, n, c, bias, a.alpha, a.beta, dst);
    case ActFn::Relu: return activate_loop<ActFn::Relu>(rows, slots, n, c, bias, a.alpha, a.beta, dst);
    case ActFn::Clip: return activate_loop<ActFn::Clip>(rows, slots, n, c, bias, a.alpha, a.beta, dst);
    case ActFn::LeakyRelu: return activate_loop<ActFn::LeakyRelu>(rows, slots, n, c, bias, a.alpha, a.beta, dst);
    case ActFn::Sigmoid: return activate_loop<ActFn::Sigmoid>(rows, slots, n, c, bias, a.alpha, a.beta, dst);
    case ActFn::HardSigmoid:
      return activate_loop<ActFn::HardSigmoid>(rows, slots, n, c, bias, a.alpha, a.beta, dst);
    case ActFn::HardSwish: return activate_loop<ActFn::HardSwish>(rows, slots, n, c, bias, a.alpha, a.beta, dst);
  }
}

}  // namespace dcnn::cpu
