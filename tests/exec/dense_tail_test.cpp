// The dense tail (engine/exec/dense_tail.h): which nodes it holds, that the executor really
// switches between running the heads dense on their accumulated input and in delta mode, and
// that the switching keeps the result exact (eps 0) and bounded (eps > 0, no drift from a stale
// tail state).
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/exec/compiled_model.h"
#include "engine/exec/dense_tail.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

SequenceOptions busy_then_quiet(int h, int w) {
  SequenceOptions so;
  so.height = h;
  so.width = w;
  so.patches = 1;    // one small patch: a quiet frame, the tail stays in delta mode
  so.patch_size = 4;
  so.shake_period = 9;  // a one-pixel shake makes nearly every pixel change: the tail goes dense
  return so;
}

TEST(DenseTail, HoldsTheHeadsUpToTheLastMerge) {
  auto model = compile_model(fpn_with_heads(48, 64), Backend::Cpu, test_normalization());
  DenseTail tail(*model, 0.25f);
  ASSERT_FALSE(tail.empty());
  const auto& ops = model->ops();
  const ir::Graph& g = model->graph();
  // Every graph output is written by a tail node, no tail node is a merge, and the tail stays
  // within its share of the model's work.
  for (int out : g.outputs) EXPECT_TRUE(tail.produces(out)) << g.tensors[size_t(out)].name;
  int64_t macs = 0;
  for (size_t k : tail.ops()) {
    EXPECT_EQ(ops[k]->inputs().size(), 1u) << ops[k]->name();
    macs += ops[k]->macs();
  }
  EXPECT_LE(double(macs), DenseTail::kMaxMacShare * double(model->total_macs()));
  EXPECT_FALSE(tail.contains(0)) << "the tail reached the first node";
  // break_even >= 1 turns it off.
  EXPECT_TRUE(DenseTail(*model, 1.f).empty());
}

TEST(DenseTail, SwitchesBetweenDenseAndDeltaAndStaysExact) {
  const int H = 48, W = 64;
  auto model = compile_model(fpn_with_heads(H, W), Backend::Cpu, test_normalization());
  DeltaSettings s = exact_settings();
  s.head_dense_break_even = 0.3f;
  DenseTail tail(*model, s.head_dense_break_even);
  ASSERT_FALSE(tail.empty());
  const size_t last = tail.ops().back();

  Executor dense(model, ExecMode::Dense, s);
  Executor delta(model, ExecMode::Delta, s);
  SyntheticSequence seq(busy_then_quiet(H, W));
  int tail_dense = 0, tail_delta = 0;
  for (int f = 0; f < 60; ++f) {
    const auto& frame = seq.next();
    dense.run(frame.data());
    delta.run(frame.data());
    const FrameStats& st = delta.stats();
    if (!st.keyframe && st.layers[last].active > 0.f) (st.layers[last].dense ? tail_dense : tail_delta)++;
    for (int o = 0; o < dense.num_outputs(); ++o) {
      const Shape sh = dense.output_shape(o);
      float scale = 1e-3f, err = 0.f;
      for (int64_t i = 0; i < sh.size(); ++i) {
        scale = std::max(scale, std::fabs(dense.output(o)[i]));
        err = std::max(err, std::fabs(dense.output(o)[i] - delta.output(o)[i]));
      }
      ASSERT_LE(err, 1e-4f * scale) << "frame " << f << " output " << o;
    }
  }
  // Both paths must have run, or the test proves nothing about the switching.
  EXPECT_GT(tail_dense, 3) << "delta-mode tail frames: " << tail_delta;
  EXPECT_GT(tail_delta, 3) << "dense tail frames: " << tail_dense;
}

TEST(DenseTail, SwitchingWithThresholdsDoesNotDrift) {
  const int H = 40, W = 56;
  DeltaSettings s;
  s.input_threshold = 4.f;
  s.default_threshold = 0.02f;
  s.keyframe_interval = 0;
  s.truncate_linear = true;
  s.head_dense_break_even = 0.3f;
  SequenceOptions so = busy_then_quiet(H, W);
  so.noise_sigma = 1.f;
  auto e = compare_dense_delta(fpn_with_heads(H, W), s, so, 800);
  double early = 0.0, late = 0.0;
  for (size_t f = 100; f < 300; ++f) early += e[f].mean_rel;
  for (size_t f = e.size() - 200; f < e.size(); ++f) late += e[f].mean_rel;
  EXPECT_GT(early, 0.0) << "thresholds > 0 should cost some accuracy";
  EXPECT_LE(late, 1.2 * early + 1e-6) << "mean error grew: frames 100-300 " << early / 200
                                      << ", last 200 " << late / 200;
  EXPECT_LT(worst(e), 0.5f);
}

}  // namespace
}  // namespace dcnn::test
