// The dense tail (engine/exec/dense_tail.h) on the CUDA executor against the CPU executor, on
// fpn_with_heads (tests/exec/networks.h), whose heads form a tail: with every threshold 0 the
// CUDA heads equal CPU dense whichever plan runs (head_dense_break_even 0: dense whenever the
// frontier changed; 0.3: switching; 1: no tail), with thresholds the error stays bounded like
// the CPU's, CUDA graphs replay the tail's plans exactly, and both backends see the same nodes.
// Skips without a GPU (CudaTest).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "engine/exec/compiled_model.h"
#include "engine/exec/dense_tail_plan.h"
#include "engine/exec/executor.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/cuda/executor_compare.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"
#include "tests/exec/synthetic_sequence.h"

namespace dcnn::test {
namespace {

using dcnn::cuda::test::CudaTest;

constexpr int kH = 48, kW = 64;

// One small patch (quiet frames keep the tail in delta mode) and a one-pixel shake every 9
// frames (nearly every pixel changes: the tail goes dense), as tests/exec/dense_tail_test.cpp.
SequenceOptions busy_then_quiet(bool noisy) {
  SequenceOptions so;
  so.height = kH;
  so.width = kW;
  so.patches = 1;
  so.patch_size = 4;
  so.shake_period = 9;
  so.noise_sigma = noisy ? 1.f : 0.f;
  return so;
}

struct TailRun {
  float worst_vs_cpu_dense = 0.f;
  int tail_dense_frames = 0;  // CUDA delta frames whose tail ran dense
  int tail_delta_frames = 0;
};

// CUDA delta (and CUDA dense) against CPU dense, eps 0, sparse conv form everywhere so that a
// tail node's `dense` flag can only come from the tail.
TailRun run_exact(float head_break_even, int frames = 60) {
  DeltaSettings s = exact_settings(1.f);
  s.head_dense_break_even = head_break_even;
  const ir::Graph g = fpn_with_heads(kH, kW);
  auto cpu = compile_model(g, Backend::Cpu, test_normalization());
  auto gpu = compile_model(g, Backend::Cuda, test_normalization());
  Executor cpu_dense(cpu, ExecMode::Dense, s), cpu_delta(cpu, ExecMode::Delta, s);
  Executor gpu_dense(gpu, ExecMode::Dense, s), gpu_delta(gpu, ExecMode::Delta, s);
  const DenseTailNodes tail = select_dense_tail(g, gpu->node_macs(), head_break_even);
  SyntheticSequence seq(busy_then_quiet(false));
  TailRun r;
  float worst_dense = 0.f;
  run_side_by_side({&cpu_dense, &cpu_delta, &gpu_dense, &gpu_delta}, frames,
                   [&]() -> const std::vector<float>& { return seq.next(); }, [&](int f) {
                     worst_dense = std::max(worst_dense, head_difference(gpu_dense, cpu_dense, cpu_dense));
                     const float e = head_difference(gpu_delta, cpu_dense, cpu_dense);
                     EXPECT_LE(e, 1e-4f) << "head_dense_break_even " << head_break_even << " frame " << f;
                     r.worst_vs_cpu_dense = std::max(r.worst_vs_cpu_dense, e);
                     const FrameStats& st = gpu_delta.stats();
                     if (st.keyframe || tail.empty()) return;
                     (st.layers[tail.nodes.back()].dense ? r.tail_dense_frames : r.tail_delta_frames)++;
                   });
  EXPECT_LE(worst_dense, 1e-4f) << "CUDA dense vs CPU dense";
  std::printf("head_dense_break_even %.2f: max rel error %.2g, tail dense %d / delta %d frames\n",
              head_break_even, r.worst_vs_cpu_dense, r.tail_dense_frames, r.tail_delta_frames);
  return r;
}

TEST_F(CudaTest, DenseTailAlwaysDenseIsExact) {
  const TailRun r = run_exact(0.f);
  EXPECT_GT(r.tail_dense_frames, 3) << "break-even 0 should run the tail dense on busy frames";
}

TEST_F(CudaTest, DenseTailSwitchingIsExact) {
  const TailRun r = run_exact(0.3f);
  // Both paths must have run, or the test proves nothing about the switching.
  EXPECT_GT(r.tail_dense_frames, 3);
  EXPECT_GT(r.tail_delta_frames, 3);
}

TEST_F(CudaTest, DenseTailOffIsExact) {
  const TailRun r = run_exact(1.f);
  EXPECT_EQ(r.tail_dense_frames + r.tail_delta_frames, 0) << "break-even 1 selects no tail";
}

// Thresholds on, switching tail, no keyframes: the CUDA error against CUDA dense stays bounded
// like the CPU's (their truncations may differ after float rounding) and does not grow.
TEST_F(CudaTest, DenseTailWithThresholdsIsBoundedLikeCpu) {
  DeltaSettings s;
  s.input_threshold = 4.f;
  s.default_threshold = 0.02f;
  s.keyframe_interval = 0;
  s.truncate_linear = true;
  s.head_dense_break_even = 0.3f;
  const ir::Graph g = fpn_with_heads(kH, kW);
  auto cpu = compile_model(g, Backend::Cpu, test_normalization());
  auto gpu = compile_model(g, Backend::Cuda, test_normalization());
  Executor cpu_dense(cpu, ExecMode::Dense, s), cpu_delta(cpu, ExecMode::Delta, s);
  Executor gpu_dense(gpu, ExecMode::Dense, s), gpu_delta(gpu, ExecMode::Delta, s);
  SyntheticSequence seq(busy_then_quiet(true));
  float cpu_err = 0.f, gpu_err = 0.f, gpu_early = 0.f, gpu_late = 0.f;
  const int frames = 300;
  run_side_by_side({&cpu_dense, &cpu_delta, &gpu_dense, &gpu_delta}, frames,
                   [&]() -> const std::vector<float>& { return seq.next(); }, [&](int f) {
                     cpu_err = std::max(cpu_err, head_difference(cpu_delta, cpu_dense, cpu_dense));
                     const float e = head_difference(gpu_delta, gpu_dense, gpu_dense);
                     gpu_err = std::max(gpu_err, e);
                     if (f < 100) gpu_early = std::max(gpu_early, e);
                     if (f >= frames - 100) gpu_late = std::max(gpu_late, e);
                   });
  std::printf("dense tail, eps 0.02: max rel error cpu %.5f cuda %.5f (cuda first 100 %.5f, last 100 %.5f)\n",
              cpu_err, gpu_err, gpu_early, gpu_late);
  EXPECT_GT(gpu_err, 0.f) << "thresholds should truncate something";
  EXPECT_LE(gpu_err, 2.f * cpu_err + 1e-3f);
  // Maxima over 100 frames are noisy: a generous margin still catches a stale tail state.
  EXPECT_LE(gpu_late, 2.f * gpu_early + 1e-3f) << "error grows over time: drift";
}

// Replayed CUDA graphs give exactly what direct launches give while the tail switches plans
// (a graph per plan, and per whether the tail's outputs were last written dense).
TEST_F(CudaTest, DenseTailCudaGraphsMatchDirectLaunches) {
  DeltaSettings on;
  on.input_threshold = 4.f;
  on.default_threshold = 0.02f;
  on.keyframe_interval = 25;
  on.truncate_linear = true;
  on.head_dense_break_even = 0.3f;
  DeltaSettings off = on;
  off.cuda_graphs = false;
  auto model = compile_model(fpn_with_heads(kH, kW), Backend::Cuda, test_normalization());
  Executor graphs(model, ExecMode::Delta, on), direct(model, ExecMode::Delta, off);
  SyntheticSequence seq(busy_then_quiet(true));
  run_side_by_side({&graphs, &direct}, 60, [&]() -> const std::vector<float>& { return seq.next(); },
                   [&](int f) {
                     EXPECT_EQ(head_difference(graphs, direct, direct), 0.f) << "frame " << f;
                     EXPECT_EQ(graphs.stats().mean_active, direct.stats().mean_active) << "frame " << f;
                   });
}

// Per-layer timing still gives one entry per node when the tail runs out of graph order.
TEST_F(CudaTest, DenseTailLayerTimes) {
  DeltaSettings s = exact_settings(1.f);
  s.head_dense_break_even = 0.3f;
  s.time_layers = true;
  auto model = compile_model(fpn_with_heads(kH, kW), Backend::Cuda, test_normalization());
  Executor delta(model, ExecMode::Delta, s);
  SyntheticSequence seq(busy_then_quiet(false));
  for (int f = 0; f < 12; ++f) {
    delta.run(seq.next().data());
    for (const LayerStat& l : delta.stats().layers) EXPECT_GE(l.ms, 0.0) << l.name << " frame " << f;
  }
}

// CompiledModel::nodes() describes a CUDA model like the CPU model of the same graph (what
// tools/tune and the bench's layer table read).
TEST_F(CudaTest, CompiledModelNodesMatchCpu) {
  const ir::Graph g = fpn_with_heads(kH, kW);
  auto cpu = compile_model(g, Backend::Cpu, test_normalization());
  auto gpu = compile_model(g, Backend::Cuda, test_normalization());
  EXPECT_TRUE(gpu->ops().empty());
  ASSERT_EQ(gpu->nodes().size(), g.nodes.size());
  ASSERT_EQ(cpu->nodes().size(), g.nodes.size());
  EXPECT_EQ(gpu->total_macs(), cpu->total_macs());
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const NodeInfo& a = cpu->nodes()[k];
    const NodeInfo& b = gpu->nodes()[k];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.kind, b.kind) << a.name;
    EXPECT_EQ(a.output, b.output) << a.name;
    EXPECT_EQ(a.output_shape.str(), b.output_shape.str()) << a.name;
    EXPECT_EQ(a.macs, b.macs) << a.name;
    EXPECT_EQ(a.has_threshold, b.has_threshold) << a.name;
    EXPECT_EQ(a.can_truncate_linear, b.can_truncate_linear) << a.name;
  }
}

}  // namespace
}  // namespace dcnn::test
