// delta-ablation: the two delta forms of docs/cpu-engine.md, kernel against kernel, on the most
// expensive layer shapes of MoveNet MultiPose at 768x576, at several active fractions.
//
//   delta-ablation [--min-seconds S]
//
// For each layer and fraction f of active input pixels (blobs, the shape of real delta masks):
//   dense      oneDNN conv with bias and activation fused (what a keyframe costs)
//   propagate  today's delta propagation: sparse conv on the delta map (inactive inputs hold
//              0), then the truncation step on acc + res (activation_delta), then the clear
//              of the output for the next frame
//   recompute  recompute from stored maps: the same candidate pixels computed from the stored
//              input map, bias + activation + compare with the stored output in the epilogue
// and the overhead per active value, time / (candidate fraction * dense time): 1.0 means a
// candidate costs exactly its share of the dense layer.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "kernels/cpu/activation.h"
#include "kernels/cpu/conv.h"
#include "kernels/cpu/conv_onednn.h"
#include "kernels/cpu/conv_recompute.h"
#include "kernels/cpu/mask.h"
#include "tools/bench/blob_mask.h"
#include "tools/bench/conv_shapes.h"
#include "tools/bench/min_seconds_option.h"


namespace {

using namespace dcnn;
using cpu::ConvGeometry;

struct Layer {
  const char* name;
  int in_h, in_w, cin, cout, k, stride, groups;
  bool relu6;
};

double best_ms(const std::function<void()>& setup, const std::function<void()>& call, double min_seconds) {
  double best = 1e30;
  int runs = 0;
  const auto start = std::chrono::steady_clock::now();
  while (runs < 5 || std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < min_seconds) {
    setup();
    const auto t0 = std::chrono::steady_clock::now();
    call();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ++runs;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const double min_seconds = dcnn::tools::min_seconds_option("delta-ablation", argc, argv);
  const Layer layers[] = {
      {"block_1_expand 1x1 24->144 @384x288", 288, 384, 24, 144, 1, 1, 1, true},
      {"block_1_depthwise 3x3 s2 C144 @384x288", 288, 384, 144, 144, 3, 2, 144, true},
      {"block_2_expand 1x1 40->240 @192x144", 144, 192, 40, 240, 1, 1, 1, true},
      {"block_2_depthwise 3x3 C240 @192x144", 144, 192, 240, 240, 3, 1, 240, true},
      {"block_2_project 1x1 240->40 @192x144", 144, 192, 240, 40, 1, 1, 1, false},
      {"head 3x3 64->64 @192x144", 144, 192, 64, 64, 3, 1, 1, true},
      {"out_relu 1x1 480->1280 @24x18", 18, 24, 480, 1280, 1, 1, 1, true},
  };
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::printf("delta-ablation: OpenMP threads %d; best of runs; overhead = ms / (candidates * dense ms)\n\n",
              omp_get_max_threads());
  std::printf("%-40s %6s %7s %8s | %9s %8s | %9s %8s\n", "layer", "input", "cand", "dense ms", "propagate",
              "overhead", "recompute", "overhead");
  for (const Layer& l : layers) {
    const ConvGeometry g = bench::same_padded_conv(l.in_h, l.in_w, l.cin, l.cout, l.k, l.stride, l.groups);
    std::vector<float> w(size_t(g.cout) * (g.cin / g.groups) * g.kh * g.kw), bias(size_t(g.cout));
    for (float& x : w) x = u(rng) * 0.2f;
    for (float& x : bias) x = u(rng);
    const cpu::PackedConv packed = cpu::pack_conv(g, w.data(), bias.data());
    kern::ActSpec act;
    if (l.relu6) act.fn = kern::ActFn::Clip, act.alpha = 0.f, act.beta = 6.f;
    cpu::OnednnConv dense(g, w.data(), bias.data(), act);
    const size_t in_size = size_t(g.in_h) * g.in_w * g.cin, out_px = size_t(g.out_h) * g.out_w;
    std::vector<float> in_map(in_size), delta_in(in_size, 0.f), out_map(out_px * g.cout), out_delta(out_px * g.cout),
        acc(out_px * g.cout), res(out_px * g.cout, 0.f);
    for (float& x : in_map) x = u(rng);
    dense.run(in_map.data(), out_map.data());
    std::copy(out_map.begin(), out_map.end(), acc.begin());
    const double dense_ms = best_ms([] {}, [&] { dense.run(in_map.data(), out_delta.data()); }, min_seconds);
    const cpu::Footprint1D rows = cpu::window_footprint(g.in_h, g.out_h, g.kh, g.stride_h, 1, g.pad_top);
    const cpu::Footprint1D cols = cpu::window_footprint(g.in_w, g.out_w, g.kw, g.stride_w, 1, g.pad_left);
    std::vector<uint8_t> scratch(size_t(g.in_h) * g.out_w), out_mask(out_px), fired(out_px);
    std::vector<int32_t> list(out_px);
    for (double f : {0.1, 0.25, 0.5}) {
      const std::vector<uint8_t> in_mask = bench::blob_mask(g.in_h, g.in_w, f, rng);
      // The delta map: small changes at active inputs, exact zeros elsewhere.
      for (size_t p = 0; p < size_t(g.in_h) * g.in_w; ++p)
        for (int c = 0; c < g.cin; ++c) delta_in[p * g.cin + c] = in_mask[p] ? 0.05f * u(rng) : 0.f;
      cpu::footprint_mask(in_mask.data(), g.in_h, g.in_w, rows, cols, scratch.data(), out_mask.data());
      const int n = cpu::compact_mask(out_mask.data(), int64_t(out_px), list.data());
      std::vector<uint8_t> mask_copy(out_mask);
      const double prop_ms = best_ms(
          [&] { mask_copy = out_mask; },
          [&] {
            cpu::conv_sparse(packed, delta_in.data(), list.data(), n, out_delta.data());
            cpu::activation_delta(act, out_delta.data(), out_delta.data(), acc.data(), res.data(), list.data(), n,
                                  g.cout, 0.01f, mask_copy.data());
            cpu::clear_pixels(out_delta.data(), mask_copy.data(), list.data(), n, g.cout);
          },
          min_seconds);
      // Recompute: the stored input map changed at the active inputs.
      for (size_t i = 0; i < in_size; ++i) in_map[i] += delta_in[i];
      const double rec_ms = best_ms(
          [] {},
          [&] {
            cpu::conv_recompute(packed, act, in_map.data(), list.data(), n, 0.01f, out_map.data(), fired.data());
            for (int i = 0; i < n; ++i) fired[size_t(list[size_t(i)])] = 0;  // next frame's clear
          },
          min_seconds);
      const double cand = double(n) / double(out_px);
      std::printf("%-40s %5.0f%% %6.1f%% %8.3f | %9.3f %7.2fx | %9.3f %7.2fx\n", l.name, f * 100, cand * 100,
                  dense_ms, prop_ms, prop_ms / (cand * dense_ms), rec_ms, rec_ms / (cand * dense_ms));
    }
  }
  return 0;
}
