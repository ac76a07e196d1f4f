// Whole small networks: delta mode with all thresholds 0 equals dense to float tolerance over
// 60 frames, with the convs forced sparse, forced dense-on-deltas, or chosen by break-even, with
// linear truncation on, with the output heads run dense from their accumulated input (always, or
// switching between dense and delta by activity) and with the block-mean input test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "engine/core/error.h"
#include "engine/exec/compiled_model.h"
#include "engine/ir/passes.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

struct NetCase {
  const char* name;
  std::function<ir::Graph(int, int)> build;
};

struct ExactCase {
  float break_even;
  bool truncate_linear;
  float head_dense_break_even;  // 1: heads always delta; 0: dense tail whenever anything changed
  int input_block;              // block-mean input test on (it only adds active pixels)
};

// 60 frames at 48x64: moving patches, camera shake and a scene cut, optionally noisy.
SequenceOptions test_sequence(float noise_sigma) {
  SequenceOptions seq;
  seq.height = 48;
  seq.width = 64;
  seq.patches = 3;
  seq.patch_size = 8;
  seq.scene_cut_frame = 35;
  seq.shake_period = 23;
  seq.noise_sigma = noise_sigma;
  return seq;
}

void expect_exact(const NetCase& net, bool noisy) {
  const ExactCase cases[] = {
      {1.f, false, 1.f, 0},   {0.f, false, 1.f, 0},   {0.4f, false, 1.f, 0},
      {0.4f, true, 1.f, 0},   {0.4f, true, 0.f, 0},   {0.4f, true, 0.1f, 4},
  };
  for (const ExactCase& c : cases) {
    DeltaSettings settings = exact_settings(c.break_even);
    settings.truncate_linear = c.truncate_linear;
    settings.head_dense_break_even = c.head_dense_break_even;
    settings.input_block = c.input_block;
    settings.input_block_threshold = 0.5f;
    auto errors = compare_dense_delta(net.build(48, 64), settings, test_sequence(noisy ? 1.5f : 0.f), 60);
    EXPECT_LE(worst(errors), 1e-4f) << net.name << " break_even " << c.break_even << " truncate_linear "
                                    << c.truncate_linear << " head_dense_break_even "
                                    << c.head_dense_break_even << " input_block " << c.input_block;
  }
}

const NetCase kNets[] = {
    {"mobilenet_v2_block", [](int h, int w) { return mobilenet_v2_block(h, w); }},
    {"squeeze_excite_block", [](int h, int w) { return squeeze_excite_block(h, w); }},
    {"fpn_upsample_add", [](int h, int w) { return fpn_upsample_add(h, w); }},
    {"concat_branches", [](int h, int w) { return concat_branches(h, w); }},
    {"fpn_with_heads", [](int h, int w) { return fpn_with_heads(h, w); }},
    {"deconv_decoder", [](int h, int w) { return deconv_decoder(h, w); }},
};

TEST(DeltaNetworks, MobileNetV2BlockWithResidual) { expect_exact(kNets[0], false); }
TEST(DeltaNetworks, SqueezeExciteBlock) { expect_exact(kNets[1], false); }
TEST(DeltaNetworks, FpnUpsampleAdd) { expect_exact(kNets[2], false); }
TEST(DeltaNetworks, ConcatBranches) { expect_exact(kNets[3], false); }
TEST(DeltaNetworks, FpnWithHeads) { expect_exact(kNets[4], false); }
TEST(DeltaNetworks, DeconvDecoder) { expect_exact(kNets[5], false); }
TEST(DeltaNetworks, AllNetworksNoisyInput) {
  for (const NetCase& net : kNets) expect_exact(net, true);
}

// DeltaForm::Recompute (stored maps instead of acc + res) on the networks whose ops all have a
// recompute form: with every threshold 0 it equals dense, with and without linear truncation,
// under noise, shake and a scene cut, whichever form each layer takes: by the default
// break-even, always the dense form (break-even 0: every layer, the expand -> depthwise pairs
// included, fires from a dense pass) or by measured cost (delta.path_choice: measured).
struct PathCase {
  float break_even;
  bool measured;
};

void expect_exact_recompute(const NetCase& net) {
  for (PathCase path : {PathCase{0.4f, false}, PathCase{0.f, false}, PathCase{0.4f, true}})
  for (bool truncate_linear : {false, true})
    for (float noise : {0.f, 1.5f}) {
      DeltaSettings settings = exact_settings(path.break_even);
      settings.measured_path_choice = path.measured;
      settings.form = DeltaForm::Recompute;
      settings.truncate_linear = truncate_linear;
      auto errors = compare_dense_delta(net.build(48, 64), settings, test_sequence(noise), 60);
      EXPECT_LE(worst(errors), 1e-4f) << net.name << " truncate_linear " << truncate_linear << " noise " << noise
                                      << " break_even " << path.break_even << " measured " << path.measured;
      // Delta frames really ran sparse (not a string of keyframes that trivially match dense).
      int sparse = 0;
      for (const FrameError& e : errors) sparse += e.keyframe ? 0 : 1;
      EXPECT_GT(sparse, 40) << net.name;
    }
}

// The busy-scene rule on: busy runs of dense frames that keep no state run in the workspace's
// arena and leave their outputs in the output maps (a recompute stream has no heads of its own);
// the frame after a run re-initialises every map. Every frame, busy or not, equals dense.
TEST(DeltaNetworksRecompute, BusyRunsInTheArenaEqualDense) {
  for (const NetCase& net : {kNets[0], kNets[4]}) {
    DeltaSettings settings = exact_settings();
    settings.form = DeltaForm::Recompute;
    settings.keyframe_break_even = 0.15f;
    auto errors = compare_dense_delta(net.build(48, 64), settings, test_sequence(1.5f), 60);
    EXPECT_LE(worst(errors), 1e-4f) << net.name;
    int busy = 0, sparse = 0;
    for (size_t f = 1; f < errors.size(); ++f) (errors[f].keyframe ? busy : sparse) += 1;
    EXPECT_GT(busy, 6) << net.name << ": the sequence should make busy runs";
    EXPECT_GT(sparse, 6) << net.name << ": and calm probes between them";
  }
}

TEST(DeltaNetworksRecompute, MobileNetV2BlockWithResidual) { expect_exact_recompute(kNets[0]); }
TEST(DeltaNetworksRecompute, SqueezeExciteBlock) { expect_exact_recompute(kNets[1]); }
TEST(DeltaNetworksRecompute, FpnUpsampleAdd) { expect_exact_recompute(kNets[2]); }
TEST(DeltaNetworksRecompute, ConcatBranches) { expect_exact_recompute(kNets[3]); }
TEST(DeltaNetworksRecompute, FpnWithHeads) { expect_exact_recompute(kNets[4]); }
// Depthwise -> 1x1 (ReLU) -> 1x1 heads: the chain holds neither inner tensor, and its
// candidates are the depthwise footprint of the fired feature pixels.
TEST(DeltaNetworksRecompute, SeparableHeadsChain) {
  const NetCase net{"separable_heads", [](int h, int w) { return separable_heads(h, w); }};
  expect_exact_recompute(net);
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  auto model = compile_model(net.build(48, 64), Backend::Cpu, test_normalization());
  const size_t chained = Executor(model, ExecMode::Delta, settings).activation_bytes();
  setenv("DELTACNN_CPU_FUSE_EXPAND", "0", 1);
  const size_t stored = Executor(model, ExecMode::Delta, settings).activation_bytes();
  unsetenv("DELTACNN_CPU_FUSE_EXPAND");
  // Per head: the depthwise output (12 ch) and the middle layer (24 ch) on the 24x32 feature
  // map (12x16 for the stride-2 head), as floats.
  const size_t inner = (2 * 24 * 32 * 36 + 12 * 16 * 36) * sizeof(float);
  EXPECT_GE(stored, chained + inner);
}

// The expanded tensor of an inverted-residual block has no stored map in the recompute form
// (the depthwise conv computes it where it reads it, kernels/cpu/expand_depthwise.h): the
// stream holds at least its size less than with every map stored (the ablation switch).
TEST(DeltaNetworksRecompute, ExpandedTensorHasNoStoredMap) {
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  auto model = compile_model(kNets[0].build(48, 64), Backend::Cpu, test_normalization());
  size_t expanded = 0;  // the largest output of a 1x1 conv feeding a depthwise conv
  const ir::Graph& g = model->graph();
  for (size_t k = 0; k + 1 < model->ops().size(); ++k) {
    const Op& a = *model->ops()[k];
    const Op& b = *model->ops()[k + 1];
    if (b.can_compute_input_from(a))
      expanded = std::max(expanded, size_t(g.tensors[size_t(a.output())].shape.size()) * sizeof(float));
  }
  if (expanded == 0)  // (exec-delta-networks-fused runs this with DELTACNN_CPU_BLOCKS=all)
    GTEST_SKIP() << "no expand -> depthwise pair fuses at this size (expand_depthwise_recompute_pays)";
  const size_t unstored = Executor(model, ExecMode::Delta, settings).activation_bytes();
  setenv("DELTACNN_CPU_FUSE_EXPAND", "0", 1);
  const size_t stored = Executor(model, ExecMode::Delta, settings).activation_bytes();
  unsetenv("DELTACNN_CPU_FUSE_EXPAND");
  EXPECT_GE(stored, unstored + expanded);
}

// The stats say which layer's kernel computes a fused layer (what deltacnn-bench --layers needs
// to hold a pair's time against both layers' shares): the expand names its depthwise conv (or
// the block's projection, when the whole block is fused) in the recompute form, and nothing is fused with the ablation switch or in the propagate form.
TEST(DeltaNetworksRecompute, StatsNameTheLayerThatComputesAFusedOne) {
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  auto model = compile_model(kNets[0].build(48, 64), Backend::Cpu, test_normalization());
  int pairs = 0;
  {
    const Executor e(model, ExecMode::Delta, settings);
    const auto& ops = model->ops();
    for (size_t k = 0; k + 1 < ops.size(); ++k) {
      const int in = e.stats().layers[k].computed_in;
      if (ops[k + 1]->can_compute_input_from(*ops[k])) {
        // A whole block's projection computes both the expand and the depthwise conv.
        const bool block = k + 2 < ops.size() && ops[k + 2]->can_compute_input_from_pair(*ops[k], *ops[k + 1]);
        EXPECT_EQ(in, int(block ? k + 2 : k + 1)) << ops[k]->name();
        ++pairs;
      } else if (in >= 0 && ops[k]->kind_name() == std::string("Add")) {
        // A residual add is fired by the projection just before it (its kernel adds the residual).
        EXPECT_EQ(in, int(k) - 1) << ops[k]->name();
      } else if (in >= 0) {
        EXPECT_GT(in, int(k)) << ops[k]->name() << ": computed by an earlier layer";
      }
    }
  }
  setenv("DELTACNN_CPU_FUSE_EXPAND", "0", 1);
  setenv("DELTACNN_CPU_RESIDUAL_ADDS", "0", 1);
  const Executor unfused(model, ExecMode::Delta, settings);
  unsetenv("DELTACNN_CPU_FUSE_EXPAND");
  unsetenv("DELTACNN_CPU_RESIDUAL_ADDS");
  settings.form = DeltaForm::Propagate;
  const Executor propagate(model, ExecMode::Delta, settings);
  for (const Executor* e : {&unfused, &propagate})
    for (const LayerStat& l : e->stats().layers) EXPECT_EQ(l.computed_in, -1) << l.name;
  if (pairs == 0)  // (exec-delta-networks-fused runs this with DELTACNN_CPU_BLOCKS=all)
    GTEST_SKIP() << "no expand -> depthwise pair fuses at this size (expand_depthwise_recompute_pays)";
}

// A block's projection fires its residual add's output (conv + bias + residual, the add's map):
// the projection's output has no map and the add no pass of its own. Where the block's expand
// runs apart with a threshold of its own, the residual can fire where the expand did not, and
// the sum must change there too: with a large threshold on the expand only (everything else 0),
// the fused stream equals the stream with every add apart (DELTACNN_CPU_RESIDUAL_ADDS=0) bit for
// bit on every frame. (Without the residual's fired pixels among the candidates it does not.)
TEST(DeltaNetworksRecompute, ResidualAddFiredByItsProjection) {
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  auto model = compile_model(kNets[0].build(48, 64), Backend::Cpu, test_normalization());
  const auto& ops = model->ops();
  size_t add = 0;
  {
    const Executor e(model, ExecMode::Delta, settings);
    for (size_t k = 1; k < ops.size(); ++k)
      if (ops[k]->kind_name() == std::string("Add") && e.stats().layers[k].computed_in == int(k) - 1) add = k;
  }
  ASSERT_GT(add, 3u) << "the block's add is not fired by its projection";
  const size_t projection_map = size_t(ops[add - 1]->output_shape().size()) * sizeof(float);
  const size_t expand = add - 3;  // expand -> depthwise -> projection -> add
  ASSERT_EQ(ops[expand + 1]->output(), ops[add - 1]->inputs()[0]);
  settings.layer_thresholds[ops[expand]->name()] = 0.5f;
  Executor fused(model, ExecMode::Delta, settings);
  setenv("DELTACNN_CPU_RESIDUAL_ADDS", "0", 1);
  Executor apart(model, ExecMode::Delta, settings);
  unsetenv("DELTACNN_CPU_RESIDUAL_ADDS");
  EXPECT_GE(apart.persistent_bytes(), fused.persistent_bytes() + projection_map);
  SyntheticSequence seq(test_sequence(1.5f));
  int residual_only = 0;  // delta frames where the sum fired beyond the projection's candidates
  for (int f = 0; f < 40; ++f) {
    const std::vector<float>& frame = seq.next();
    fused.run(frame.data());
    apart.run(frame.data());
    ASSERT_TRUE(same_heads(fused, apart)) << "frame " << f;
    const LayerStat& sum = fused.stats().layers[add];
    if (!fused.stats().keyframe && sum.computed > fused.stats().layers[add - 2].active) ++residual_only;
  }
  // (A whole block, DELTACNN_CPU_BLOCKS=all, computes its expand inside: the residual's fired
  // pixels are its candidates anyway.)
  if (fused.stats().layers[expand].computed_in < 0) {
    EXPECT_GT(residual_only, 0) << "no frame tested the residual's own fired pixels";
  }
}

// In the recompute form a projection that fires its residual sum fires it with the add's
// threshold, so an entry on the projection is never read there: an entry that differs from the
// add's is a warning naming both nodes and both values, an equal one (what a YAML serving the
// propagate form and the CUDA backend holds) is not, and neither the propagate form nor a stream
// with the adds apart warns (they read every entry).
TEST(DeltaNetworksRecompute, WarnsOfAThresholdItsFusedUnitNeverReads) {
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  settings.truncate_linear = true;  // (a projection has no activation: its entry needs truncation)
  auto model = compile_model(kNets[0].build(48, 64), Backend::Cpu, test_normalization());
  const auto& ops = model->ops();
  size_t add = 0;
  {
    const Executor e(model, ExecMode::Delta, settings);
    EXPECT_TRUE(e.warnings().empty()) << e.warnings().front();
    for (size_t k = 1; k < ops.size(); ++k)
      if (ops[k]->kind_name() == std::string("Add") && e.stats().layers[k].computed_in == int(k) - 1) add = k;
  }
  ASSERT_GT(add, 0u) << "no add is fired by its projection";
  const std::string projection = ops[add - 1]->name(), sum = ops[add]->name();
  settings.layer_thresholds[sum] = 0.25f;
  settings.layer_thresholds[projection] = 0.25f;
  EXPECT_TRUE(Executor(model, ExecMode::Delta, settings).warnings().empty());
  settings.layer_thresholds[projection] = 0.5f;
  {
    const Executor e(model, ExecMode::Delta, settings);
    ASSERT_EQ(e.warnings().size(), 1u);
    const std::string& w = e.warnings()[0];
    for (const std::string& said : {"delta.layer_thresholds." + projection + " is 0.5", "inside '" + sum + "'",
                                    std::string("own threshold 0.25"), std::string("no effect on the CPU backend")})
      EXPECT_NE(w.find(said), std::string::npos) << said << " not in: " << w;
  }
  setenv("DELTACNN_CPU_RESIDUAL_ADDS", "0", 1);
  const Executor apart(model, ExecMode::Delta, settings);
  unsetenv("DELTACNN_CPU_RESIDUAL_ADDS");
  EXPECT_TRUE(apart.warnings().empty()) << apart.warnings().front();
  settings.form = DeltaForm::Propagate;
  EXPECT_TRUE(Executor(model, ExecMode::Delta, settings).warnings().empty());
}

// The FPN's upsampling fires its lateral sum (interpolation + the lateral conv's stored row into
// the sum's map): ir::place_resize_before_sum moves each Resize that only an Add reads to just
// before that Add, after the lateral conv, and the executor then books the Add under the
// Resize. With everything at threshold 0 it equals dense; with a large threshold on the coarse
// path's activated sum (which then rarely fires, so the upsampling's own candidates are few) the
// lateral conv's fired pixels must still reach the sum: the stream equals the one with the sums
// apart (DELTACNN_CPU_RESIDUAL_ADDS=0) bit for bit, and frames where the sum was computed beyond
// the upsampling's footprint occur.
TEST(DeltaNetworksRecompute, LateralSumFiredByItsUpsampling) {
  ir::Graph graph = fpn_upsample_add(48, 64);
  ASSERT_EQ(ir::place_resize_before_sum(graph), 2);  // both upsamplings move after their lateral conv
  ASSERT_NO_THROW(graph.validate());
  EXPECT_EQ(ir::place_resize_before_sum(graph), 0);  // and stay there
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  EXPECT_LE(worst(compare_dense_delta(graph, settings, test_sequence(1.5f), 40)), 1e-4f);
  auto model = compile_model(graph, Backend::Cpu, test_normalization());
  const auto& ops = model->ops();
  size_t sum = 0;
  {
    const Executor e(model, ExecMode::Delta, settings);
    for (size_t k = 1; k < ops.size(); ++k)
      if (ops[k]->kind_name() == std::string("Add") && ops[k - 1]->kind_name() == std::string("Resize") &&
          e.stats().layers[k].computed_in == int(k) - 1)
        sum = k;
  }
  ASSERT_GT(sum, 0u) << "no lateral sum is fired by its upsampling";
  // The coarse path's sum (the Add with a ReLU) feeds the fused upsampling.
  for (size_t k = 0; k + 1 < sum; ++k)
    if (ops[k]->kind_name() == std::string("Add")) settings.layer_thresholds[ops[k]->name()] = 0.5f;
  Executor fused(model, ExecMode::Delta, settings);
  setenv("DELTACNN_CPU_RESIDUAL_ADDS", "0", 1);
  Executor apart(model, ExecMode::Delta, settings);
  unsetenv("DELTACNN_CPU_RESIDUAL_ADDS");
  SyntheticSequence seq(test_sequence(1.5f));
  int lateral_only = 0;
  for (int f = 0; f < 40; ++f) {
    const std::vector<float>& frame = seq.next();
    fused.run(frame.data());
    apart.run(frame.data());
    ASSERT_TRUE(same_heads(fused, apart)) << "frame " << f;
    if (!apart.stats().keyframe && fused.stats().layers[sum].computed > apart.stats().layers[sum - 1].computed)
      ++lateral_only;
  }
  EXPECT_GT(lateral_only, 0) << "no frame tested the lateral conv's own fired pixels";
}

// deltacnn-bench's "/computed" column: a layer's computed fraction counts its candidates, fired or
// not, so it is never below the fired (active) fraction; with a threshold some candidates do not
// fire; in the propagate form (no candidates) the two are the same number.
TEST(DeltaNetworksRecompute, StatsCountCandidatesComputedBesideTheFiredOnes) {
  DeltaSettings settings = exact_settings();
  settings.default_threshold = 0.05f;
  settings.form = DeltaForm::Recompute;
  auto model = compile_model(kNets[4].build(48, 64), Backend::Cpu, test_normalization());
  Executor recompute(model, ExecMode::Delta, settings);
  settings.form = DeltaForm::Propagate;
  Executor propagate(model, ExecMode::Delta, settings);
  SequenceOptions options;
  options.height = 48;
  options.width = 64;
  SyntheticSequence seq(options);
  int layers_with_unfired = 0, delta_frames = 0;
  for (int f = 0; f < 6; ++f) {
    const std::vector<float>& frame = seq.next();
    recompute.run(frame.data());
    propagate.run(frame.data());
    if (recompute.stats().keyframe) continue;
    ++delta_frames;
    for (const LayerStat& l : recompute.stats().layers) {
      EXPECT_GE(l.computed, l.active) << l.name << " frame " << f;
      EXPECT_LE(l.computed, 1.f) << l.name << " frame " << f;
      if (l.computed > l.active) ++layers_with_unfired;
    }
    for (const LayerStat& l : propagate.stats().layers) EXPECT_EQ(l.computed, l.active) << l.name;
  }
  EXPECT_EQ(delta_frames, 5);
  EXPECT_GT(layers_with_unfired, 0) << "no candidate stayed below the threshold in 5 delta frames";
}

TEST(DeltaNetworksRecompute, AnOpWithoutRecomputeFormIsAConfigErrorNamingIt) {
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  auto model = compile_model(deconv_decoder(48, 64), Backend::Cpu, test_normalization());
  try {
    Executor e(model, ExecMode::Delta, settings);
    FAIL() << "expected a Config error";
  } catch (const Error& err) {
    EXPECT_EQ(err.kind(), ErrorKind::Config);
    EXPECT_NE(std::string(err.what()).find("ConvTranspose"), std::string::npos) << err.what();
    EXPECT_NE(std::string(err.what()).find("delta.form"), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace dcnn::test
