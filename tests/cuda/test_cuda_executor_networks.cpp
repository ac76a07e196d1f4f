// Whole small networks (tests/exec/networks.h) on the CUDA executor against the CPU executor on
// the same synthetic frames: dense and delta with every threshold 0 (<= 1e-4 x scale), with
// thresholds (bounded error, like the CPU's), every conv form (sparse, dense on deltas,
// break-even), linear truncation, reset and keyframes, and a 1000-frame no-drift run.
// Skips without a GPU (CudaTest).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "engine/core/error.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/executor.h"
#include "engine/exec/run_together.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/cuda/executor_compare.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"
#include "tests/exec/synthetic_sequence.h"

namespace dcnn::test {
namespace {

using dcnn::cuda::test::CudaTest;

struct NetCase {
  const char* name;
  std::function<ir::Graph(int, int)> build;
};

const NetCase kNets[] = {
    {"mobilenet_v2_block", [](int h, int w) { return mobilenet_v2_block(h, w); }},
    {"squeeze_excite_block", [](int h, int w) { return squeeze_excite_block(h, w); }},
    {"fpn_upsample_add", [](int h, int w) { return fpn_upsample_add(h, w); }},
    {"concat_branches", [](int h, int w) { return concat_branches(h, w); }},
    {"deconv_decoder", [](int h, int w) { return deconv_decoder(h, w); }},
};

SequenceOptions busy_sequence(bool noisy) {
  SequenceOptions seq;
  seq.height = 48;
  seq.width = 64;
  seq.patches = 3;
  seq.patch_size = 8;
  seq.scene_cut_frame = 35;
  seq.shake_period = 23;
  seq.noise_sigma = noisy ? 1.5f : 0.f;
  return seq;
}

// The four executors of one comparison: CPU and CUDA, dense and delta, same settings.
struct Quad {
  std::shared_ptr<const CompiledModel> cpu_model, gpu_model;
  std::unique_ptr<Executor> cpu_dense, cpu_delta, gpu_dense, gpu_delta;
  Quad(const ir::Graph& g, const DeltaSettings& s)
      : cpu_model(compile_model(g, Backend::Cpu, test_normalization())),
        gpu_model(compile_model(g, Backend::Cuda, test_normalization())),
        cpu_dense(std::make_unique<Executor>(cpu_model, ExecMode::Dense, s)),
        cpu_delta(std::make_unique<Executor>(cpu_model, ExecMode::Delta, s)),
        gpu_dense(std::make_unique<Executor>(gpu_model, ExecMode::Dense, s)),
        gpu_delta(std::make_unique<Executor>(gpu_model, ExecMode::Delta, s)) {}
  std::vector<Executor*> all() { return {cpu_dense.get(), cpu_delta.get(), gpu_dense.get(), gpu_delta.get()}; }
};

// Noisy 32x32 video with a camera shake every 97 frames, for the long-run (drift) tests.
SequenceOptions long_run_sequence() {
  SequenceOptions o;
  o.height = 32;
  o.width = 32;
  o.noise_sigma = 2.f;
  o.shake_period = 97;
  return o;
}

// eps = 0: CUDA dense == CPU dense, CUDA delta == CPU dense, and the input masks agree exactly.
void expect_exact(const NetCase& net, const DeltaSettings& settings, bool noisy, int frames = 60) {
  Quad q(net.build(48, 64), settings);
  SyntheticSequence seq(busy_sequence(noisy));
  float worst_dense = 0.f, worst_delta = 0.f;
  run_side_by_side(q.all(), frames, [&]() -> const std::vector<float>& { return seq.next(); },
                   [&](int f) {
                     worst_dense = std::max(worst_dense, head_difference(*q.gpu_dense, *q.cpu_dense, *q.cpu_dense));
                     worst_delta = std::max(worst_delta, head_difference(*q.gpu_delta, *q.cpu_dense, *q.cpu_dense));
                     EXPECT_EQ(q.gpu_delta->stats().keyframe, q.cpu_delta->stats().keyframe) << "frame " << f;
                     EXPECT_FLOAT_EQ(q.gpu_delta->stats().input_active, q.cpu_delta->stats().input_active)
                         << net.name << " frame " << f;
                   });
  EXPECT_LE(worst_dense, 1e-4f) << net.name << ": CUDA dense vs CPU dense";
  EXPECT_LE(worst_delta, 1e-4f) << net.name << ": CUDA delta (eps 0) vs CPU dense, break_even "
                                << settings.dense_break_even << ", truncate_linear "
                                << settings.truncate_linear;
}

TEST_F(CudaTest, ExecutorNetworksExactSparseForm) {
  for (const NetCase& net : kNets) expect_exact(net, exact_settings(1.f), false);
}

TEST_F(CudaTest, ExecutorNetworksExactDenseOnDeltasForm) {
  for (const NetCase& net : kNets) expect_exact(net, exact_settings(0.f), false);
}

TEST_F(CudaTest, ExecutorNetworksExactBreakEvenChoiceNoisyInput) {
  for (const NetCase& net : kNets) expect_exact(net, exact_settings(0.4f), true);
}

TEST_F(CudaTest, ExecutorNetworksExactWithLinearTruncation) {
  DeltaSettings s = exact_settings(0.4f);
  s.truncate_linear = true;
  for (const NetCase& net : kNets) expect_exact(net, s, true);
}

TEST_F(CudaTest, ExecutorNetworksExactWithInputDilation) {
  DeltaSettings s = exact_settings(0.4f);
  s.input_dilation = 2;
  for (const NetCase& net : kNets) expect_exact(net, s, false);
}

// Busy-scene keyframes (break-even 0: every delta frame with any change is busy): both backends
// pick the same dense frames, the dense runs skip the state except their last frame, and the
// delta probes between them still equal dense.
TEST_F(CudaTest, ExecutorNetworksExactWithBusyKeyframes) {
  DeltaSettings s = exact_settings(0.4f);
  s.keyframe_break_even = 0.f;
  for (const NetCase& net : kNets) expect_exact(net, s, true);
}

// eps > 0 over 60 frames: the CUDA delta error against dense stays bounded like the CPU's (the
// two backends may truncate a pixel differently after float rounding, so they are compared by
// their error, not value by value), and the input masks agree exactly.
TEST_F(CudaTest, ExecutorNetworksBoundedWithThresholds) {
  for (const NetCase& net : kNets) {
    DeltaSettings s;
    s.input_threshold = 4.f;
    s.default_threshold = 0.02f;
    s.keyframe_interval = 0;
    s.truncate_linear = true;
    Quad q(net.build(48, 64), s);
    SyntheticSequence seq(busy_sequence(true));
    float cpu_err = 0.f, gpu_err = 0.f, mean_active_gap = 0.f;
    run_side_by_side(q.all(), 60, [&]() -> const std::vector<float>& { return seq.next(); },
                     [&](int f) {
                       cpu_err = std::max(cpu_err, head_difference(*q.cpu_delta, *q.cpu_dense, *q.cpu_dense));
                       gpu_err = std::max(gpu_err, head_difference(*q.gpu_delta, *q.gpu_dense, *q.gpu_dense));
                       EXPECT_FLOAT_EQ(q.gpu_delta->stats().input_active, q.cpu_delta->stats().input_active)
                           << net.name << " frame " << f;
                       mean_active_gap = std::max(mean_active_gap, std::fabs(q.gpu_delta->stats().mean_active -
                                                                             q.cpu_delta->stats().mean_active));
                     });
    std::printf("%s eps 0.02: max rel error cpu %.5f cuda %.5f, max mean-active gap %.4f\n", net.name,
                cpu_err, gpu_err, mean_active_gap);
    EXPECT_GT(gpu_err, 0.f) << net.name << ": thresholds should truncate something";
    EXPECT_LE(gpu_err, 2.f * cpu_err + 1e-3f) << net.name;
    EXPECT_LE(mean_active_gap, 0.1f) << net.name << ": CUDA and CPU sparsity should agree closely";
  }
}

// Stats are filled like the CPU's: one entry per node with names, keyframe flags, fractions.
TEST_F(CudaTest, ExecutorStatsMatchCpuLayout) {
  DeltaSettings s = exact_settings(0.4f);
  s.time_layers = true;
  Quad q(mobilenet_v2_block(48, 64), s);
  SyntheticSequence seq(busy_sequence(false));
  run_side_by_side(q.all(), 5, [&]() -> const std::vector<float>& { return seq.next(); }, [](int) {});
  const FrameStats& g = q.gpu_delta->stats();
  const FrameStats& c = q.cpu_delta->stats();
  EXPECT_EQ(g.backend, "cuda");
  EXPECT_EQ(g.mode, "delta");
  EXPECT_EQ(g.frame_index, 4);
  ASSERT_EQ(g.layers.size(), c.layers.size());
  for (size_t k = 0; k < g.layers.size(); ++k) {
    EXPECT_EQ(g.layers[k].name, c.layers[k].name);
    EXPECT_EQ(g.layers[k].op, c.layers[k].op);
    EXPECT_GE(g.layers[k].active, 0.f);
    EXPECT_LE(g.layers[k].active, 1.f);
    EXPECT_GE(g.layers[k].ms, 0.0);
  }
  EXPECT_GT(g.infer_ms, 0.0);
}

// reset() and periodic keyframes: the frame after either is a dense pass equal to CPU dense, and
// delta frames after it are exact again (eps 0), on both backends at the same frames.
TEST_F(CudaTest, ExecutorResetAndKeyframes) {
  DeltaSettings s = exact_settings(0.4f);
  s.keyframe_interval = 7;
  Quad q(squeeze_excite_block(48, 64), s);
  SyntheticSequence seq(busy_sequence(true));
  run_side_by_side(q.all(), 40, [&]() -> const std::vector<float>& { return seq.next(); }, [&](int f) {
    const bool expected = f <= 20 ? f % 7 == 0 : (f - 21) % 7 == 0;  // reset after frame 20
    EXPECT_EQ(q.gpu_delta->stats().keyframe, expected) << "frame " << f;
    EXPECT_EQ(q.cpu_delta->stats().keyframe, expected) << "frame " << f;
    EXPECT_LE(head_difference(*q.gpu_delta, *q.cpu_dense, *q.cpu_dense), 1e-4f) << "frame " << f;
    if (f == 20) {
      q.gpu_delta->reset();
      q.cpu_delta->reset();
    }
  });
  // After the reset at frame 20, frame 21 was a dense pass and frame_index restarted.
  EXPECT_EQ(q.gpu_delta->stats().frame_index, q.cpu_delta->stats().frame_index);
  // set_mode / set_threshold_scale take effect at the next frame, as on the CPU.
  q.gpu_delta->set_mode(ExecMode::Dense);
  q.gpu_delta->run(seq.next().data());
  EXPECT_TRUE(q.gpu_delta->stats().keyframe);
  EXPECT_EQ(q.gpu_delta->stats().mode, "dense");
}

// 1000 frames without keyframes, thresholds on, noisy input: the error against dense must not
// grow (nothing is ever dropped, DESIGN.md), i.e. the last 200 frames are no worse than the
// first 200 by more than a small margin.
TEST_F(CudaTest, ExecutorLongRunNoDrift) {
  DeltaSettings s;
  s.input_threshold = 3.f;
  s.default_threshold = 0.02f;
  s.keyframe_interval = 0;
  s.truncate_linear = true;
  const ir::Graph g = mobilenet_v2_block(32, 32);
  auto model = compile_model(g, Backend::Cuda, test_normalization());
  Executor dense(model, ExecMode::Dense, s), delta(model, ExecMode::Delta, s);
  SyntheticSequence seq(long_run_sequence());
  const int frames = 1000;
  float first = 0.f, last = 0.f;
  for (int f = 0; f < frames; ++f) {
    const std::vector<float>& frame = seq.next();
    dense.run(frame.data());
    delta.run(frame.data());
    const float e = head_difference(delta, dense, dense);
    if (f < 200) first = std::max(first, e);
    if (f >= frames - 200) last = std::max(last, e);
  }
  std::printf("long run: max rel error frames 0-199 %.5f, %d-%d %.5f\n", first, frames - 200,
              frames - 1, last);
  EXPECT_LE(last, 1.5f * first + 1e-3f) << "error grows over time: drift";
  EXPECT_LE(last, 0.1f);
}

// Several streams share one CUDA model (weights uploaded once) and stay independent.
TEST_F(CudaTest, ExecutorStreamsShareOneModel) {
  const ir::Graph g = fpn_upsample_add(48, 64);
  auto model = compile_model(g, Backend::Cuda, test_normalization());
  auto cpu = compile_model(g, Backend::Cpu, test_normalization());
  DeltaSettings s = exact_settings(0.4f);
  Executor a(model, ExecMode::Delta, s), b(model, ExecMode::Delta, s), ref(cpu, ExecMode::Dense, s);
  SequenceOptions oa = busy_sequence(false), ob = busy_sequence(true);
  ob.seed = 99;
  SyntheticSequence sa(oa), sb(ob);
  for (int f = 0; f < 20; ++f) {
    const std::vector<float>& fa = sa.next();
    const std::vector<float>& fb = sb.next();
    a.run(fa.data());
    b.run(fb.data());
    ref.run(fa.data());
    EXPECT_LE(head_difference(a, ref, ref), 1e-4f) << "frame " << f;
  }
}

// Layer thresholds 0, every part of the input rule on: per-pixel threshold, block test, dilation.
DeltaSettings input_rule_settings() {
  DeltaSettings s = exact_settings(0.4f);
  s.input_threshold = 12.f;
  s.input_block = 8;
  s.input_block_threshold = 2.f;
  s.input_dilation = 1;
  return s;
}

// The input rule (per-pixel threshold, block-mean test, dilation) picks the same pixels as the
// CPU's on every frame; with layer thresholds 0 nothing else truncates, so the CUDA delta heads
// equal the CPU delta heads to float tolerance even though both differ from dense.
TEST_F(CudaTest, ExecutorInputRuleMatchesCpu) {
  const DeltaSettings s = input_rule_settings();
  for (const NetCase& net : kNets) {
    Quad q(net.build(48, 64), s);
    SyntheticSequence seq(busy_sequence(true));
    float worst = 0.f;
    run_side_by_side(q.all(), 50, [&]() -> const std::vector<float>& { return seq.next(); }, [&](int f) {
      EXPECT_FLOAT_EQ(q.gpu_delta->stats().input_active, q.cpu_delta->stats().input_active)
          << net.name << " frame " << f;
      worst = std::max(worst, head_difference(*q.gpu_delta, *q.cpu_delta, *q.cpu_dense));
    });
    EXPECT_LE(worst, 1e-4f) << net.name << ": CUDA delta vs CPU delta with input truncation only";
  }
}

// Zone masks (Executor::set_input_ignore_mask) clear the same pixels on both backends, after
// the block test and dilation, with CUDA graphs on: a mask over the left third, set after the
// first delta frames and cleared again, keeps CUDA delta equal to CPU delta.
TEST_F(CudaTest, ExecutorIgnoreMaskMatchesCpu) {
  const DeltaSettings s = input_rule_settings();
  std::vector<uint8_t> left_third(48 * 64, 0);
  for (int y = 0; y < 48; ++y)
    for (int x = 0; x < 64 / 3; ++x) left_third[size_t(y) * 64 + x] = 1;
  for (const NetCase& net : kNets) {
    Quad q(net.build(48, 64), s);
    SyntheticSequence seq(busy_sequence(true));
    float worst = 0.f;
    run_side_by_side(q.all(), 40, [&]() -> const std::vector<float>& { return seq.next(); }, [&](int f) {
      EXPECT_FLOAT_EQ(q.gpu_delta->stats().input_active, q.cpu_delta->stats().input_active)
          << net.name << " frame " << f;
      worst = std::max(worst, head_difference(*q.gpu_delta, *q.cpu_delta, *q.cpu_dense));
      if (f == 5 || f == 30) {
        const std::vector<uint8_t> mask = f == 5 ? left_third : std::vector<uint8_t>();
        q.cpu_delta->set_input_ignore_mask(mask);
        q.gpu_delta->set_input_ignore_mask(mask);
      }
    });
    EXPECT_LE(worst, 1e-4f) << net.name << ": CUDA delta vs CPU delta with a zone mask";
  }
}

// Steady-state delta frames replayed as CUDA graphs give exactly what direct launches give
// (same kernels in the same order), with thresholds on, across a scene cut that flips conv forms.
TEST_F(CudaTest, ExecutorCudaGraphsMatchDirectLaunches) {
  for (const NetCase& net : kNets) {
    DeltaSettings on;
    on.input_threshold = 4.f;
    on.default_threshold = 0.02f;
    on.keyframe_interval = 25;
    on.truncate_linear = true;
    DeltaSettings off = on;
    off.cuda_graphs = false;
    auto model = compile_model(net.build(48, 64), Backend::Cuda, test_normalization());
    Executor graphs(model, ExecMode::Delta, on), direct(model, ExecMode::Delta, off);
    SyntheticSequence seq(busy_sequence(true));
    run_side_by_side({&graphs, &direct}, 60, [&]() -> const std::vector<float>& { return seq.next(); },
                     [&](int f) {
                       EXPECT_EQ(head_difference(graphs, direct, direct), 0.f) << net.name << " frame " << f;
                       EXPECT_EQ(graphs.stats().mean_active, direct.stats().mean_active) << net.name << " frame " << f;
                       if (f == 30) {  // a new threshold scale records a new graph
                         graphs.set_threshold_scale(2.f);
                         direct.set_threshold_scale(2.f);
                       }
                     });
  }
}

// Dense frames are the same launches every frame, so with graphs on they are replayed as one
// graph after the first (direct) one: bit-identical heads to direct launches, in dense mode and
// for the keyframes of a delta stream, and one recording per kind of dense frame, not one per
// frame.
TEST_F(CudaTest, ExecutorDenseFramesAsGraphsMatchDirectLaunches) {
  for (const NetCase& net : kNets) {
    DeltaSettings on = exact_settings(0.4f);
    on.keyframe_interval = 3;
    DeltaSettings off = on;
    off.cuda_graphs = false;
    auto model = compile_model(net.build(48, 64), Backend::Cuda, test_normalization());
    Executor dense_graphs(model, ExecMode::Dense, on), dense_direct(model, ExecMode::Dense, off);
    Executor delta_graphs(model, ExecMode::Delta, on), delta_direct(model, ExecMode::Delta, off);
    SyntheticSequence seq(busy_sequence(false));
    run_side_by_side({&dense_graphs, &dense_direct, &delta_graphs, &delta_direct}, 12,
                     [&]() -> const std::vector<float>& { return seq.next(); }, [&](int f) {
                       EXPECT_EQ(head_difference(dense_graphs, dense_direct, dense_direct), 0.f)
                           << net.name << " dense frame " << f;
                       EXPECT_EQ(head_difference(delta_graphs, delta_direct, delta_direct), 0.f)
                           << net.name << " delta frame " << f;
                       EXPECT_EQ(delta_graphs.stats().keyframe, delta_direct.stats().keyframe);
                     });
    // Frame 0 runs directly, frame 1 records, frames 2..11 replay.
    EXPECT_EQ(dense_graphs.stats().graphs_recorded, 1) << net.name;
    EXPECT_EQ(dense_direct.stats().graphs_recorded, 0) << net.name;
    // A replayed frame reports its graph's size; a direct one none.
    EXPECT_GT(dense_graphs.stats().graph_nodes, 0) << net.name;
    EXPECT_EQ(dense_direct.stats().graph_nodes, 0) << net.name;
    // Keyframes 0, 3, 6, 9: the first direct, the second recorded, the rest replayed; plus the
    // steady delta frames' graphs (a handful of conv-form choices, never one per frame).
    EXPECT_GE(delta_graphs.stats().graphs_recorded, 2) << net.name;
    EXPECT_LE(delta_graphs.stats().graphs_recorded, 6) << net.name;
  }
}

// Streams stepped together (run_together.h): every stream's frame is enqueued on its own CUDA
// stream before any is waited for, so their kernels overlap. Each stream's heads equal the same
// stream run alone bit for bit (same kernels, same order) and its own CPU dense reference; its
// outputs may not be read while its frame is in flight.
TEST_F(CudaTest, ExecutorStreamsSteppedTogether) {
  constexpr int kStreams = 4;
  const ir::Graph g = fpn_upsample_add(48, 64);
  auto model = compile_model(g, Backend::Cuda, test_normalization());
  auto cpu = compile_model(g, Backend::Cpu, test_normalization());
  const DeltaSettings s = exact_settings(0.4f);
  std::vector<std::unique_ptr<Executor>> together, alone, ref;
  std::vector<SyntheticSequence> cameras;
  std::vector<Executor*> group;
  for (int k = 0; k < kStreams; ++k) {
    together.push_back(std::make_unique<Executor>(model, ExecMode::Delta, s));
    alone.push_back(std::make_unique<Executor>(model, ExecMode::Delta, s));
    ref.push_back(std::make_unique<Executor>(cpu, ExecMode::Dense, s));
    SequenceOptions o = busy_sequence(k % 2 == 1);
    o.seed = 40 + uint32_t(k);
    cameras.emplace_back(o);
    group.push_back(together.back().get());
  }
  for (int f = 0; f < 40; ++f) {
    std::vector<std::vector<float>> frames;
    std::vector<const float*> inputs;
    for (auto& c : cameras) frames.push_back(c.next());
    for (auto& fr : frames) inputs.push_back(fr.data());
    run_together(group, inputs);
    for (size_t k = 0; k < kStreams; ++k) {
      alone[k]->run(inputs[k]);
      ref[k]->run(inputs[k]);
      EXPECT_EQ(head_difference(*together[k], *alone[k], *ref[k]), 0.f) << "stream " << k << " frame " << f;
      EXPECT_LE(head_difference(*together[k], *ref[k], *ref[k]), 1e-4f) << "stream " << k << " frame " << f;
    }
  }
  together[0]->submit(cameras[0].next().data());
  EXPECT_TRUE(together[0]->in_flight());
  EXPECT_THROW(together[0]->output(0), Error);
  EXPECT_THROW(together[0]->stats(), Error);
  together[0]->finish();
  EXPECT_FALSE(together[0]->in_flight());
  EXPECT_EQ(together[0]->stats().frame_index, 40);
}

// fp16 storage (Precision::F16): every small network, dense and delta with every threshold 0,
// within the fp16 bound of the CPU's fp32 dense heads (1e-2 x scale); thresholds on, the
// fp16 delta stays as close to the fp16 dense as the fp32 pair stays to each other, plus that bound.
TEST_F(CudaTest, ExecutorFp16NetworksWithinHalfPrecisionBound) {
  for (const NetCase& net : kNets) {
    const ir::Graph g = net.build(48, 64);
    auto cpu = compile_model(g, Backend::Cpu, test_normalization());
    auto half = compile_model(g, Backend::Cuda, test_normalization(), 0, Precision::F16);
    EXPECT_EQ(half->precision(), Precision::F16);
    const DeltaSettings s = exact_settings(0.4f);
    Executor ref(cpu, ExecMode::Dense, s), hd(half, ExecMode::Dense, s), hx(half, ExecMode::Delta, s);
    SyntheticSequence seq(busy_sequence(true));
    float dense_gap = 0.f, delta_gap = 0.f;
    run_side_by_side({&ref, &hd, &hx}, 60, [&]() -> const std::vector<float>& { return seq.next(); },
                     [&](int) {
                       dense_gap = std::max(dense_gap, head_difference(hd, ref, ref));
                       delta_gap = std::max(delta_gap, head_difference(hx, ref, ref));
                     });
    std::printf("%s fp16: dense vs CPU fp32 %.2e, delta (eps 0) vs CPU fp32 %.2e\n", net.name,
                dense_gap, delta_gap);
    EXPECT_LE(dense_gap, 1e-2f) << net.name << ": fp16 dense";
    EXPECT_LE(delta_gap, 1e-2f) << net.name << ": fp16 delta, eps 0";
  }
}

// fp16 deltas are rounded where they are stored, so the sum downstream drifts a little per frame;
// fp32 accumulators keep it small and keyframes reset it. 600 frames, keyframe every 100, eps 0:
// the worst error of the last 100 frames is no worse than that of the first 100 (plus margin).
TEST_F(CudaTest, ExecutorFp16DriftIsBoundedByKeyframes) {
  DeltaSettings s = exact_settings(0.4f);
  s.keyframe_interval = 100;
  const ir::Graph g = mobilenet_v2_block(32, 32);
  auto cpu = compile_model(g, Backend::Cpu, test_normalization());
  auto half = compile_model(g, Backend::Cuda, test_normalization(), 0, Precision::F16);
  Executor ref(cpu, ExecMode::Dense, s), delta(half, ExecMode::Delta, s);
  SyntheticSequence seq(long_run_sequence());
  float first = 0.f, last = 0.f;
  for (int f = 0; f < 600; ++f) {
    const std::vector<float>& frame = seq.next();
    ref.run(frame.data());
    delta.run(frame.data());
    const float e = head_difference(delta, ref, ref);
    if (f < 100) first = std::max(first, e);
    if (f >= 500) last = std::max(last, e);
  }
  std::printf("fp16 long run: max rel error frames 0-99 %.5f, 500-599 %.5f\n", first, last);
  EXPECT_LE(first, 1e-2f);
  EXPECT_LE(last, 1.5f * first + 1e-3f) << "fp16 error grows from keyframe period to period";
}

}  // namespace
}  // namespace dcnn::test
