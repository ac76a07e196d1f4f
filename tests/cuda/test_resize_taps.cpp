// The CUDA Resize kernels' taps (kernels/cuda/resize_taps.h, the inline code the kernels run) on
// the CPU, against the CPU backend's Resize op (engine/exec/ops/resize.cpp, itself checked
// against OpenCV DNN in tests/ir): every mode, coordinate transformation and nearest rounding,
// up and down, odd sizes, given scales and sizes. Needs no GPU (suite cuda-host).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/exec/executor.h"
#include "kernels/cuda/resize_taps.h"
#include "tests/exec/graph_builder.h"
#include "tests/exec/synthetic_sequence.h"

namespace dcnn::test {
namespace {

struct Geometry {
  int in_h, in_w, out_h, out_w;
  float scale;  // 0: from the sizes
};

// The CUDA kernel's value at every output element, computed on the host with its taps.
std::vector<float> cuda_resize(const cuda::ResizeGeometry& g, const float* in) {
  std::vector<float> out(size_t(g.out_h) * g.out_w * g.c);
  for (int oy = 0; oy < g.out_h; ++oy)
    for (int ox = 0; ox < g.out_w; ++ox) {
      const auto ty = cuda::resize_taps::axis_taps(g, oy, g.in_h, g.out_h, g.scale_h);
      const auto tx = cuda::resize_taps::axis_taps(g, ox, g.in_w, g.out_w, g.scale_w);
      for (int ch = 0; ch < g.c; ++ch) {
        auto at = [&](int y, int x) { return in[(size_t(y) * g.in_w + x) * g.c + ch]; };
        const float top = (1.f - tx.w) * at(ty.i0, tx.i0) + tx.w * at(ty.i0, tx.i1);
        const float bottom = (1.f - tx.w) * at(ty.i1, tx.i0) + tx.w * at(ty.i1, tx.i1);
        out[(size_t(oy) * g.out_w + ox) * g.c + ch] = (1.f - ty.w) * top + ty.w * bottom;
      }
    }
  return out;
}

TEST(ResizeTaps, MatchCpuResizeForEveryMode) {
  const Geometry geometries[] = {{7, 9, 14, 18, 2.f}, {7, 9, 14, 18, 0.f}, {9, 7, 4, 3, 0.f},
                                 {5, 5, 13, 11, 0.f}, {6, 8, 3, 4, 0.5f}, {1, 4, 3, 8, 0.f}};
  const ir::CoordMode coords[] = {ir::CoordMode::HalfPixel, ir::CoordMode::PytorchHalfPixel,
                                  ir::CoordMode::AlignCorners, ir::CoordMode::Asymmetric};
  const ir::NearestRound rounds[] = {ir::NearestRound::RoundPreferFloor, ir::NearestRound::RoundPreferCeil,
                                     ir::NearestRound::Floor, ir::NearestRound::Ceil};
  InputNormalization identity;  // the graph sees the raw frame
  for (const Geometry& geo : geometries)
    for (ir::CoordMode coord : coords)
      for (int variant = 0; variant < 5; ++variant) {  // 4 nearest roundings, then linear
        const bool linear = variant == 4;
        const ir::ResizeMode mode = linear ? ir::ResizeMode::Linear : ir::ResizeMode::Nearest;
        const ir::NearestRound round = linear ? ir::NearestRound::RoundPreferFloor : rounds[variant];
        GraphBuilder b(geo.in_h, geo.in_w, 1);
        const int out = b.resize(b.input(), geo.out_h, geo.out_w, mode, coord, round, geo.scale);
        auto model = compile_model(b.finish({out}), Backend::Cpu, identity);
        Executor cpu(model, ExecMode::Dense, DeltaSettings{});
        SequenceOptions so;
        so.height = geo.in_h;
        so.width = geo.in_w;
        so.noise_sigma = 20.f;
        SyntheticSequence seq(so);
        const std::vector<float>& frame = seq.next();
        cpu.run(frame.data());

        cuda::ResizeGeometry g;
        g.in_h = geo.in_h;
        g.in_w = geo.in_w;
        g.out_h = geo.out_h;
        g.out_w = geo.out_w;
        g.c = 3;
        g.scale_h = g.scale_w = geo.scale;
        g.mode = linear ? cuda::ResizeMode::Linear : cuda::ResizeMode::Nearest;
        switch (coord) {
          case ir::CoordMode::HalfPixel: g.coord = cuda::CoordMode::HalfPixel; break;
          case ir::CoordMode::PytorchHalfPixel: g.coord = cuda::CoordMode::PytorchHalfPixel; break;
          case ir::CoordMode::AlignCorners: g.coord = cuda::CoordMode::AlignCorners; break;
          case ir::CoordMode::Asymmetric: g.coord = cuda::CoordMode::Asymmetric; break;
        }
        switch (round) {
          case ir::NearestRound::RoundPreferFloor: g.nearest = cuda::NearestRound::RoundPreferFloor; break;
          case ir::NearestRound::RoundPreferCeil: g.nearest = cuda::NearestRound::RoundPreferCeil; break;
          case ir::NearestRound::Floor: g.nearest = cuda::NearestRound::Floor; break;
          case ir::NearestRound::Ceil: g.nearest = cuda::NearestRound::Ceil; break;
        }
        const std::vector<float> want(cpu.output(0), cpu.output(0) + cpu.output_shape(0).size());
        const std::vector<float> got = cuda_resize(g, frame.data());
        float worst = 0.f;
        for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - want[i]));
        EXPECT_LE(worst, 1e-3f) << geo.in_h << "x" << geo.in_w << " -> " << geo.out_h << "x" << geo.out_w
                                << " scale " << geo.scale << " coord " << int(coord) << " mode "
                                << (linear ? "linear" : "nearest round " + std::to_string(variant));
      }
}

}  // namespace
}  // namespace dcnn::test
