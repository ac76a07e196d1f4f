// Per-element activation math shared by the CPU kernels and the CUDA kernels, so both
// backends compute the same formula. Not always bit for bit: nvcc contracts alpha * x + beta
// (HardSigmoid, HardSwish) into one FMA and the device's expf is not glibc's, so CPU-vs-CUDA
// tests compare with a tolerance. Kernels know nothing of the graph IR: the engine translates
// ir::Activation into ActSpec once at model load.
#pragma once

#include <cmath>

#include "kernels/common/host_device.h"

namespace dcnn::kern {

enum class ActFn : int {
  Identity = 0,
  Relu,
  Clip,         // min alpha, max beta
  LeakyRelu,    // slope alpha
  Sigmoid,
  HardSigmoid,  // max(0, min(1, alpha * x + beta))
  HardSwish,    // x * max(0, min(1, x / 6 + 0.5))
};

struct ActSpec {
  ActFn fn = ActFn::Identity;
  float alpha = 0.f;
  float beta = 0.f;
};

// Written as max-then-min of plain comparisons so that compilers emit vector min/max.
DCNN_HOST_DEVICE inline float maxf(float a, float b) { return a > b ? a : b; }
DCNN_HOST_DEVICE inline float minf(float a, float b) { return a < b ? a : b; }
DCNN_HOST_DEVICE inline float clampf(float x, float lo, float hi) { return minf(maxf(x, lo), hi); }

// The same function with the kind fixed at compile time, so per-kind loops vectorise.
template <ActFn F>
DCNN_HOST_DEVICE inline float activate_as(float x, float alpha, float beta) {
  if constexpr (F == ActFn::Identity) return x;
  if constexpr (F == ActFn::Relu) return maxf(x, 0.f);
  if constexpr (F == ActFn::Clip) return clampf(x, alpha, beta);
  if constexpr (F == ActFn::LeakyRelu) return x >= 0.f ? x : alpha * x;
  if constexpr (F == ActFn::Sigmoid) return 1.f / (1.f + expf(-x));
  if constexpr (F == ActFn::HardSigmoid) return clampf(alpha * x + beta, 0.f, 1.f);
  if constexpr (F == ActFn::HardSwish) return x * clampf(x * (1.f / 6.f) + 0.5f, 0.f, 1.f);
  return x;
}

DCNN_HOST_DEVICE inline float activate(const ActSpec& a, float x) {
  switch (a.fn) {
    case ActFn::Identity: return x;
    case ActFn::Relu: return x > 0.f ? x : 0.f;
    case ActFn::Clip: return clampf(x, a.alpha, a.beta);
    case ActFn::LeakyRelu: return x >= 0.f ? x : a.alpha * x;
    case ActFn::Sigmoid: return 1.f / (1.f + expf(-x));
    case ActFn::HardSigmoid: return clampf(a.alpha * x + a.beta, 0.f, 1.f);
    case ActFn::HardSwish: return x * clampf(x * (1.f / 6.f) + 0.5f, 0.f, 1.f);
  }
  return x;
}

}  // namespace dcnn::kern
