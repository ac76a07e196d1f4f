// conv-kernels-bench: timings of the CPU conv kernels (kernels/cpu/conv.h) on the layer shapes
// of the shipped MobileNet FPN models, and the sparse/dense time ratio at several active-pixel
// fractions, which is what the executor's dense_break_even default is set from.
//
//   conv-kernels-bench [--min-seconds S]
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <functional>
#include <numeric>
#include <utility>
#include <random>
#include <vector>

#include "kernels/cpu/conv.h"
#include "kernels/cpu/conv_onednn.h"
#include "tools/bench/blob_mask.h"
#include "tools/bench/conv_shapes.h"
#include "tools/bench/min_seconds_option.h"


namespace {

using dcnn::cpu::ConvGeometry;

struct Layer {
  const char* name;
  int in_h, in_w, cin, cout, k, stride, groups;
};

ConvGeometry geometry_of(const Layer& l) {
  return dcnn::bench::same_padded_conv(l.in_h, l.in_w, l.cin, l.cout, l.k, l.stride, l.groups);
}

// Fastest of repeated timings (at least 5 runs, at least min_seconds in total). The minimum,
// not the median: on a shared machine other processes only ever add time, so the fastest run
// is the best estimate of what the kernel itself costs.
double best_ms(const std::function<void()>& call, double min_seconds) {
  call();
  std::vector<double> ms;
  const auto start = std::chrono::steady_clock::now();
  while (ms.size() < 5 ||
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < min_seconds) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return *std::min_element(ms.begin(), ms.end());
}

// Fastest times of two calls timed alternately, so both see the same background load; their
// ratio is then stable even on a busy machine where absolute times drift.
std::pair<double, double> best_ms_interleaved(const std::function<void()>& a,
                                              const std::function<void()>& b, double min_seconds) {
  a();
  b();
  double best_a = 1e30, best_b = 1e30;
  int runs = 0;
  const auto start = std::chrono::steady_clock::now();
  while (runs < 5 ||
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < min_seconds) {
    auto t0 = std::chrono::steady_clock::now();
    a();
    auto t1 = std::chrono::steady_clock::now();
    b();
    auto t2 = std::chrono::steady_clock::now();
    best_a = std::min(best_a, std::chrono::duration<double, std::milli>(t1 - t0).count());
    best_b = std::min(best_b, std::chrono::duration<double, std::milli>(t2 - t1).count());
    ++runs;
  }
  return {best_a, best_b};
}

struct Bench {
  ConvGeometry g;
  dcnn::cpu::PackedConv packed;
  std::vector<float> w, bias, in, out;
};

Bench make_bench(const Layer& l, std::mt19937& rng) {
  Bench b;
  b.g = geometry_of(l);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float>& w = b.w;
  std::vector<float>& bias = b.bias;
  w.resize(size_t(b.g.cout) * (b.g.cin / b.g.groups) * b.g.kh * b.g.kw);
  bias.resize(size_t(b.g.cout));
  for (float& x : w) x = d(rng);
  for (float& x : bias) x = d(rng);
  b.packed = dcnn::cpu::pack_conv(b.g, w.data(), bias.data());
  b.in.resize(size_t(b.g.in_h) * b.g.in_w * b.g.cin);
  for (float& x : b.in) x = d(rng);
  b.out.resize(size_t(b.g.out_h) * b.g.out_w * b.g.cout);
  return b;
}

// Sorted random pixels: the worst case for the kernels (almost no consecutive runs).
std::vector<int32_t> scattered_pixels(int pixels, double fraction, std::mt19937& rng) {
  std::vector<int32_t> all(pixels);
  std::iota(all.begin(), all.end(), 0);
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(std::max<size_t>(1, size_t(pixels * fraction)));
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  const double min_seconds = dcnn::tools::min_seconds_option("conv-kernels-bench", argc, argv);
  std::mt19937 rng(11);
  std::printf("OpenMP threads: %d\n\nDense pass with bias, best of runs (interleaved), ms: ours (im2col + OpenBLAS,\n"
              "direct depthwise) vs oneDNN (bias fused), and the largest |difference|:\n", omp_get_max_threads());
  const Layer dense_layers[] = {
      {"stem 3x3 s2 3->16 @768x576", 576, 768, 3, 16, 3, 2, 1},
      {"expand 1x1 16->96 @384x288", 288, 384, 16, 96, 1, 1, 1},
      {"dw 3x3 s2 C96 @384x288", 288, 384, 96, 96, 3, 2, 96},
      {"project 1x1 96->24 @192x144", 144, 192, 96, 24, 1, 1, 1},
      {"expand 1x1 24->144 @192x144", 144, 192, 24, 144, 1, 1, 1},
      {"dw 3x3 C144 @192x144", 144, 192, 144, 144, 3, 1, 144},
      {"dw 5x5 s2 C144 @192x144", 144, 192, 144, 144, 5, 2, 144},
      {"head 3x3 64->64 @192x144", 144, 192, 64, 64, 3, 1, 1},
      {"head 3x3 128->128 @96x72", 72, 96, 128, 128, 3, 1, 1},
      {"expand 1x1 160->960 @24x18", 18, 24, 160, 960, 1, 1, 1},
      {"dw 5x5 C960 @24x18", 18, 24, 960, 960, 5, 1, 960},
      {"SE 1x1 960->240 @1x1", 1, 1, 960, 240, 1, 1, 1},
      {"grouped 3x3 g4 64->64 @96x72", 72, 96, 64, 64, 3, 1, 4},
  };
  for (const Layer& l : dense_layers) {
    Bench b = make_bench(l, rng);
    dcnn::cpu::OnednnConv onednn(b.g, b.w.data(), b.bias.data(), dcnn::kern::ActSpec{});
    std::vector<float> out2(b.out.size());
    const auto [ms, ms2] = best_ms_interleaved(
        [&] { dcnn::cpu::conv_dense(b.packed, b.in.data(), b.out.data(), true); },
        [&] { onednn.run(b.in.data(), out2.data()); }, min_seconds);
    float diff = 0.f;
    for (size_t i = 0; i < out2.size(); ++i) diff = std::max(diff, std::fabs(out2[i] - b.out[i]));
    const double flops = 2.0 * b.g.out_h * b.g.out_w * b.g.cout * (b.g.cin / b.g.groups) * b.g.kh * b.g.kw;
    std::printf("  %-32s %8.3f ms %6.1f GFLOP/s | oneDNN %8.3f ms %6.1f GFLOP/s  %5.2fx  diff %.2g  %s\n", l.name,
                ms, flops / ms * 1e-6, ms2, flops / ms2 * 1e-6, ms / ms2, diff, onednn.implementation());
  }

  std::printf("\nSparse/dense time ratio (output pixel lists in raster order, no bias):\n");
  std::printf("  %-22s %-9s %8s | %6s %6s %6s %6s %6s | %s\n", "layer", "mask", "dense ms", "1%",
              "5%", "20%", "50%", "100%", "break-even");
  const Layer sparse_layers[] = {
      {"1x1 96->24 @192x144", 144, 192, 96, 24, 1, 1, 1},
      {"3x3 64->64 @192x144", 144, 192, 64, 64, 3, 1, 1},
      {"dw 3x3 C96 @192x144", 144, 192, 96, 96, 3, 1, 96},
  };
  for (const Layer& l : sparse_layers) {
    Bench b = make_bench(l, rng);
    const double dense_ms = best_ms(
        [&] { dcnn::cpu::conv_dense(b.packed, b.in.data(), b.out.data(), false); }, min_seconds);
    for (const char* mask : {"scattered", "blobs"}) {
      std::printf("  %-22s %-9s %8.3f |", l.name, mask, dense_ms);
      double break_even = -1, prev_f = 0, prev_r = 0;
      for (double f : {0.01, 0.05, 0.2, 0.5, 1.0}) {
        const auto list = mask[0] == 's' ? scattered_pixels(b.g.out_h * b.g.out_w, f, rng)
                                         : dcnn::bench::blob_pixels(b.g.out_h, b.g.out_w, f, rng);
        const auto [dense_now, sparse_now] = best_ms_interleaved(
            [&] { dcnn::cpu::conv_dense(b.packed, b.in.data(), b.out.data(), false); },
            [&] { dcnn::cpu::conv_sparse(b.packed, b.in.data(), list.data(), int(list.size()), b.out.data()); },
            min_seconds);
        const double r = sparse_now / dense_now;
        if (break_even < 0 && r >= 1.0)  // linear interpolation between the bracketing fractions
          break_even = prev_f + (1.0 - prev_r) * (f - prev_f) / (r - prev_r);
        prev_f = f;
        prev_r = r;
        std::printf(" %6.3f", r);
      }
      if (break_even < 0)
        std::printf(" | none (sparse <= dense at 100%%)\n");
      else
        std::printf(" | %.0f %% active\n", break_even * 100);
    }
  }

  std::printf("\nConvTranspose dense, best of runs, ms:\n");
  {
    dcnn::cpu::ConvTransposeGeometry g;
    g.in_h = 72;
    g.in_w = 96;
    g.cin = 64;
    g.cout = 32;
    g.kh = g.kw = 4;
    g.stride_h = g.stride_w = 2;
    g.pad_top = g.pad_left = 1;
    g.out_h = 144;
    g.out_w = 192;
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> w(size_t(g.cin) * g.cout * 16), in(size_t(g.in_h) * g.in_w * g.cin),
        out(size_t(g.out_h) * g.out_w * g.cout);
    for (float& x : w) x = d(rng);
    for (float& x : in) x = d(rng);
    const auto packed = dcnn::cpu::pack_conv_transpose(g, w.data(), nullptr);
    const double ms = best_ms([&] { dcnn::cpu::conv_transpose_dense(packed, in.data(), out.data(), true); },
                                min_seconds);
    const double flops = 2.0 * g.in_h * g.in_w * g.cin * g.cout * 16;
    std::printf("  %-32s %8.3f ms  %6.1f GFLOP/s\n", "4x4 s2 64->32 @96x72 -> 192x144", ms, flops / ms * 1e-6);
    // Sparse accumulate over scattered active input pixels vs the dense pass (the caller's
    // zeroing of the reached outputs is not included).
    std::printf("  sparse-accumulate/dense ratio, scattered input pixels:");
    for (double f : {0.01, 0.05, 0.2, 0.5, 1.0}) {
      const auto list = scattered_pixels(g.in_h * g.in_w, f, rng);
      const auto [dense_now, sparse_now] = best_ms_interleaved(
          [&] { dcnn::cpu::conv_transpose_dense(packed, in.data(), out.data(), false); },
          [&] {
            dcnn::cpu::conv_transpose_sparse_accumulate(packed, in.data(), list.data(), int(list.size()),
                                                        out.data());
          },
          min_seconds);
      std::printf(" %.0f%%: %.3f", f * 100, sparse_now / dense_now);
    }
    std::printf("\n");
  }
  return 0;
}
