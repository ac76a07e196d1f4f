// Helpers shared by the GPU test suites: a fixture that skips (with the reason) when no usable
// CUDA device is present, RAII device buffers, seeded random data, CPU reference loops for
// windowed ops, and a relative-tolerance comparison.
#pragma once

#include <gtest/gtest.h>

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/device.h"
#include "kernels/cuda/window.h"

namespace dcnn::cuda::test {

#define ASSERT_CUDA(expr) ASSERT_EQ((expr), cudaSuccess) << #expr
#define ASSERT_STATUS(expr)                              \
  do {                                                   \
    ::dcnn::cuda::Status st_ = (expr);                   \
    ASSERT_TRUE(st_.ok) << #expr << ": " << st_.message; \
  } while (0)

class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (dcnn::cuda::device_count(&why) == 0) GTEST_SKIP() << "no usable CUDA device: " << why;
    static bool printed = false;
    if (!printed) std::printf("device: %s\n", dcnn::cuda::describe_device(0).c_str());
    printed = true;
  }
};

// Device buffer of n elements, freed on scope exit. Tests check ok() before use.
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t n) : n_(n) {
    if (n == 0 || cudaMalloc(&ptr_, n * sizeof(T)) != cudaSuccess) ptr_ = nullptr;
  }
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {
    if (ptr_ &&
        cudaMemcpy(ptr_, host.data(), n_ * sizeof(T), cudaMemcpyHostToDevice) != cudaSuccess)
      release();
  }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* get() const { return ptr_; }
  size_t size() const { return n_; }
  bool ok() const { return ptr_ != nullptr; }
  std::vector<T> download() const {
    std::vector<T> host(n_);
    if (!ptr_) {
      ADD_FAILURE() << "download from a buffer whose cudaMalloc failed";
      return host;
    }
    // Kernels run asynchronously: a launch or execution error surfaces here, and is reported
    // by name rather than as a mismatch against zeros.
    cudaError_t err = cudaDeviceSynchronize();
    if (err == cudaSuccess)
      err = cudaMemcpy(host.data(), ptr_, n_ * sizeof(T), cudaMemcpyDeviceToHost);
    if (err != cudaSuccess)
      ADD_FAILURE() << "device error before download: " << cudaGetErrorString(err);
    return host;
  }
  cudaError_t upload(const std::vector<T>& host) {
    if (host.size() != n_) return cudaErrorInvalidValue;
    return cudaMemcpy(ptr_, host.data(), n_ * sizeof(T), cudaMemcpyHostToDevice);
  }

 private:
  void release() {
    if (ptr_) cudaFree(ptr_);
    ptr_ = nullptr;
  }
  T* ptr_ = nullptr;
  size_t n_ = 0;
};

inline std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Mask with roughly `fraction` of the bytes set, never none and never all.
inline std::vector<uint8_t> random_mask(size_t n, uint32_t seed, double fraction) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution on(fraction);
  std::vector<uint8_t> m(n);
  for (auto& b : m) b = on(rng) ? 1 : 0;
  m[0] = 1;
  m[n - 1] = 0;
  return m;
}

inline std::vector<int32_t> list_of(const std::vector<uint8_t>& mask) {
  std::vector<int32_t> list;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) list.push_back(static_cast<int32_t>(i));
  return list;
}

// `list` followed by up to `extra` pixels the mask leaves out: list entries past a device count,
// which a kernel reading the count must never write.
inline std::vector<int32_t> pad_with_inactive(const std::vector<int32_t>& list,
                                              const std::vector<uint8_t>& mask, size_t extra) {
  std::vector<int32_t> padded = list;
  for (size_t p = 0; p < mask.size() && padded.size() < list.size() + extra; ++p)
    if (!mask[p]) padded.push_back(static_cast<int32_t>(p));
  return padded;
}

// `full` (c values per pixel) at the listed pixels, `sentinel` everywhere else: what a kernel
// that writes only the listed pixels of a buffer pre-filled with the sentinel must leave.
inline std::vector<float> at_listed_pixels(const std::vector<float>& full,
                                           const std::vector<int32_t>& list, int c, float sentinel) {
  std::vector<float> want(full.size(), sentinel);
  for (int32_t p : list)
    for (int ch = 0; ch < c; ++ch) want[size_t(p) * c + ch] = full[size_t(p) * c + ch];
  return want;
}

// Zeroes the channels of every pixel whose mask byte is 0 (the delta invariant).
inline void zero_inactive(std::vector<float>& values, const std::vector<uint8_t>& mask, int c) {
  for (size_t p = 0; p < mask.size(); ++p)
    if (!mask[p]) std::fill(values.begin() + p * c, values.begin() + (p + 1) * c, 0.f);
}

inline std::vector<__half> to_half(const std::vector<float>& v) {
  std::vector<__half> h(v.size());
  for (size_t i = 0; i < v.size(); ++i) h[i] = __float2half(v[i]);
  return h;
}
inline std::vector<float> to_float(const std::vector<__half>& v) {
  std::vector<float> f(v.size());
  for (size_t i = 0; i < v.size(); ++i) f[i] = __half2float(v[i]);
  return f;
}
// The values an fp16 buffer holds for v (round to nearest): the inputs of an fp16 case, on
// which its fp32 reference is computed.
inline std::vector<float> round_to_half(const std::vector<float>& v) {
  return to_float(to_half(v));
}

// Reference NHWC convolution on the host (ONNX OIHW weights), double accumulation.
struct RefConv {
  Window2D w;
  int cin = 0, cout = 0, groups = 1;

  float at(const std::vector<float>& in, const std::vector<float>& oihw, const float* bias, int oy,
           int ox, int co) const {
    const int cin_g = cin / groups, cout_g = cout / groups, g = co / cout_g;
    double acc = bias ? bias[co] : 0.0;
    for (int ky = 0; ky < w.kh; ++ky) {
      int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
      if (iy < 0 || iy >= w.in_h) continue;
      for (int kx = 0; kx < w.kw; ++kx) {
        int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
        if (ix < 0 || ix >= w.in_w) continue;
        for (int ci = 0; ci < cin_g; ++ci)
          acc += double(oihw[((size_t(co) * cin_g + ci) * w.kh + ky) * w.kw + kx]) *
                 in[(size_t(iy) * w.in_w + ix) * cin + g * cin_g + ci];
      }
    }
    return static_cast<float>(acc);
  }
  std::vector<float> dense(const std::vector<float>& in, const std::vector<float>& oihw,
                           const float* bias) const {
    std::vector<float> out(size_t(w.out_h) * w.out_w * cout);
    for (int oy = 0; oy < w.out_h; ++oy)
      for (int ox = 0; ox < w.out_w; ++ox)
        for (int co = 0; co < cout; ++co)
          out[(size_t(oy) * w.out_w + ox) * cout + co] = at(in, oihw, bias, oy, ox, co);
    return out;
  }
};

// Output size of a window along one axis with explicit begin/end padding.
inline int window_out(int in, int k, int stride, int dil, int pad_begin, int pad_end) {
  return (in + pad_begin + pad_end - ((k - 1) * dil + 1)) / stride + 1;
}

inline Window2D make_window(int in_h, int in_w, int k, int stride, int dil, int pad_begin,
                            int pad_end) {
  Window2D w;
  w.in_h = in_h;
  w.in_w = in_w;
  w.kh = w.kw = k;
  w.stride_h = w.stride_w = stride;
  w.dil_h = w.dil_w = dil;
  w.pad_top = w.pad_left = pad_begin;
  w.pad_bottom = w.pad_right = pad_end;
  w.out_h = window_out(in_h, k, stride, dil, pad_begin, pad_end);
  w.out_w = window_out(in_w, k, stride, dil, pad_begin, pad_end);
  return w;
}

// max |got - want| <= tol * max(1, max |want|): fp32 tolerance relative to the data's scale.
inline void expect_near_scaled(const std::vector<float>& got, const std::vector<float>& want,
                               float tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  float scale = 1.f;
  for (float v : want) scale = std::max(scale, std::fabs(v));
  size_t worst = 0;
  float worst_err = 0.f;
  for (size_t i = 0; i < got.size(); ++i) {
    float e = std::fabs(got[i] - want[i]);
    if (std::isnan(e) || e > worst_err) {
      worst_err = std::isnan(e) ? INFINITY : e;
      worst = i;
      if (std::isnan(e)) break;
    }
  }
  EXPECT_LE(worst_err, tol * scale) << what << ": element " << worst << " got " << got[worst]
                                    << " want " << want[worst] << " (scale " << scale << ")";
}

}  // namespace dcnn::cuda::test
