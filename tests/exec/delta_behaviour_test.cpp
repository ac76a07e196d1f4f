// Executor behaviour beyond exactness: bounded error with thresholds over 2,000 frames (no
// drift), keyframes and reset reproduce the dense result exactly, sparsity really happens, and
// bad input becomes a dcnn::Error that names what is wrong.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <numeric>
#include <string>

#include "engine/core/error.h"
#include "engine/exec/compiled_model.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/graph_builder.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

DeltaSettings lossy_settings() {
  DeltaSettings s;
  s.input_threshold = 4.f;
  s.default_threshold = 0.02f;
  s.keyframe_interval = 0;  // nothing may hide a drift
  return s;
}

double mean_error(const std::vector<FrameError>& e, size_t from, size_t to) {
  double sum = 0.0;
  for (size_t f = from; f < to; ++f) sum += e[f].mean_rel;
  return sum / double(to - from);
}

// 2,000 frames of a noisy sequence with thresholds > 0 and no keyframes: the error must not
// grow (a change below eps stays pending and fires once it adds up), and the thresholds must
// buy sparsity.
void expect_no_drift(const ir::Graph& graph, const DeltaSettings& settings, const std::string& label) {
  SequenceOptions seq;
  seq.height = 40;
  seq.width = 56;
  seq.patches = 3;
  seq.patch_size = 7;
  seq.noise_sigma = 1.f;
  auto errors = compare_dense_delta(graph, settings, seq, 2000);
  const double early = mean_error(errors, 100, 300);
  const double late = mean_error(errors, 1800, 2000);
  EXPECT_GT(early, 0.0) << label << ": thresholds > 0 should truncate something";
  EXPECT_LE(late, 1.2 * early) << label << ": error grew from " << early << " to " << late;
  EXPECT_LT(worst(errors), 0.25f) << label;
  double active = 0.0;
  for (size_t f = 1; f < errors.size(); ++f) active += errors[f].mean_active;
  EXPECT_LT(active / double(errors.size() - 1), 0.6) << label;
  std::printf("%s: mean rel error frames 100-300: %.3g, 1800-2000: %.3g, mean active %.3f\n", label.c_str(),
              early, late, active / double(errors.size() - 1));
}

TEST(DeltaDrift, ErrorStaysBoundedOver2000Frames) {
  for (bool truncate_linear : {false, true}) {
    for (auto build : {mobilenet_v2_block, squeeze_excite_block}) {
      DeltaSettings settings = lossy_settings();
      settings.truncate_linear = truncate_linear;
      expect_no_drift(build(40, 56, 9), settings, "propagate, truncate_linear " + std::to_string(truncate_linear));
    }
  }
}

// The recompute form compares against the last propagated map: no drift either.
TEST(DeltaDrift, RecomputeFormErrorStaysBoundedOver2000Frames) {
  for (bool truncate_linear : {false, true}) {
    DeltaSettings settings = lossy_settings();
    settings.truncate_linear = truncate_linear;
    settings.form = DeltaForm::Recompute;
    expect_no_drift(mobilenet_v2_block(40, 56, 9), settings, "recompute, truncate_linear " + std::to_string(truncate_linear));
  }
}

bool same_heads(const Executor& a, const Executor& b) {
  for (int h = 0; h < a.num_outputs(); ++h)
    if (std::memcmp(a.output(h), b.output(h), sizeof(float) * size_t(a.output_shape(h).size())) != 0)
      return false;
  return true;
}

TEST(DeltaKeyframes, KeyframeResetAndModeSwitchGiveTheDenseResultExactly) {
  auto model = compile_model(fpn_upsample_add(40, 56), Backend::Cpu, test_normalization());
  DeltaSettings s = lossy_settings();
  s.keyframe_interval = 10;
  Executor dense(model, ExecMode::Dense, s);
  Executor delta(model, ExecMode::Delta, s);
  SequenceOptions so;
  so.height = 40;
  so.width = 56;
  so.noise_sigma = 2.f;
  SyntheticSequence seq(so);
  int differing_delta_frames = 0;
  for (int f = 0; f < 45; ++f) {
    if (f == 25) delta.reset();
    if (f == 30) delta.force_keyframe();
    if (f == 37) delta.set_mode(ExecMode::Dense);
    if (f == 40) delta.set_mode(ExecMode::Delta);
    const auto& frame = seq.next();
    // Said before the frame runs (the stabiliser renews its reference on a dense frame).
    const bool announced = delta.next_frame_dense();
    dense.run(frame.data());
    delta.run(frame.data());
    // The interval counts from the last dense pass: 0, 10, 20, reset at 25, forced at 30; dense
    // mode 37-39 and the switch back at 40 are dense too.
    const bool expect_key = f == 0 || f == 10 || f == 20 || f == 25 || f == 30 || (f >= 37 && f <= 40);
    EXPECT_EQ(delta.stats().keyframe, expect_key) << "frame " << f;
    EXPECT_EQ(announced, expect_key) << "frame " << f;
    if (expect_key) {
      EXPECT_TRUE(same_heads(dense, delta)) << "keyframe " << f << " differs from dense";
    } else if (!same_heads(dense, delta)) {
      ++differing_delta_frames;
    }
  }
  EXPECT_EQ(delta.stats().frame_index, 44 - 25) << "reset() restarts the index, force_keyframe() does not";
  // Thresholded delta frames are approximations; if none differed the test proves nothing.
  EXPECT_GT(differing_delta_frames, 5);
}

// A scene cut makes one delta frame fully active: with keyframe_break_even below that, the next
// frame runs dense (and equals the dense executor bit for bit), the one after probes delta again
// and, the scene being calm, stays in delta. Without it (break-even 1) no extra keyframe runs.
TEST(DeltaKeyframes, BusyFrameIsFollowedByADenseFrameUntilTheSceneCalms) {
  auto model = compile_model(fpn_upsample_add(40, 56), Backend::Cpu, test_normalization());
  const int cut = 6;
  for (float break_even : {0.5f, 1.f}) {
    DeltaSettings s = lossy_settings();
    s.keyframe_break_even = break_even;
    Executor dense(model, ExecMode::Dense, s);
    Executor delta(model, ExecMode::Delta, s);
    SequenceOptions so;
    so.height = 40;
    so.width = 56;
    so.scene_cut_frame = cut;
    SyntheticSequence seq(so);
    for (int f = 0; f < cut + 4; ++f) {
      const auto& frame = seq.next();
      const bool announced = delta.next_frame_dense();
      dense.run(frame.data());
      delta.run(frame.data());
      const FrameStats& st = delta.stats();
      EXPECT_EQ(announced, st.keyframe) << "frame " << f << ": the busy rule's dense frame is known ahead";
      if (f == cut) {
        EXPECT_GT(st.mean_active, 0.9f) << "the cut should make the frame busy";
      }
      const bool expect_key = f == 0 || (break_even < 1.f && f == cut + 1);
      EXPECT_EQ(st.keyframe, expect_key) << "frame " << f << ", break-even " << break_even;
      if (expect_key) {
        EXPECT_TRUE(same_heads(dense, delta)) << "keyframe " << f << " differs from dense";
      }
      if (f > cut + 1) {
        EXPECT_LT(st.mean_active, 0.5f) << "frame " << f;
      }
    }
  }
}

// Every delta frame is "busy" at break-even 0, so the stream alternates dense runs (most of them
// without keeping state) and single delta probes. Thresholds 0: a probe that starts from a stale
// state (a dense frame that should have kept it but did not) would differ from dense.
TEST(DeltaKeyframes, BusyRunsLeaveAnExactStateForTheNextProbe) {
  DeltaSettings s = exact_settings();
  s.keyframe_interval = 0;
  s.keyframe_break_even = 0.f;
  SequenceOptions so;
  so.height = 40;
  so.width = 56;
  so.noise_sigma = 2.f;
  const auto errors = compare_dense_delta(fpn_upsample_add(40, 56), s, so, 60);
  std::string pattern;
  for (const FrameError& e : errors) pattern += e.keyframe ? 'K' : 'd';
  // Dense runs of 1, 2, 4, 8, 16, 16 frames between the probes.
  EXPECT_EQ(pattern, "Kd" "K" "d" "KK" "d" "KKKK" "d" "KKKKKKKK" "d" + std::string(16, 'K') + "d" +
                         std::string(16, 'K') + "d" + std::string(5, 'K'));
  EXPECT_LE(worst(errors), 1e-4f);
}

TEST(DeltaSparsity, StaticInputHasNoActivePixelsAfterTheFirstFrame) {
  auto model = compile_model(mobilenet_v2_block(48, 64), Backend::Cpu, test_normalization());
  Executor delta(model, ExecMode::Delta, exact_settings());
  SequenceOptions so;
  so.height = 48;
  so.width = 64;
  so.patches = 0;
  SyntheticSequence seq(so);
  delta.run(seq.next().data());
  EXPECT_TRUE(delta.stats().keyframe);
  std::vector<float> first(delta.output(0), delta.output(0) + delta.output_shape(0).size());
  for (int f = 1; f < 5; ++f) {
    delta.run(seq.next().data());
    const FrameStats& st = delta.stats();
    EXPECT_FALSE(st.keyframe);
    EXPECT_EQ(st.input_active, 0.f);
    EXPECT_EQ(st.mean_active, 0.f);
    for (const LayerStat& l : st.layers) {
      EXPECT_EQ(l.active, 0.f) << l.name;
      EXPECT_FALSE(l.dense) << l.name;
    }
    EXPECT_EQ(0, std::memcmp(first.data(), delta.output(0), sizeof(float) * first.size()));
  }
}

TEST(DeltaSparsity, MovingPatchActivatesAboutItsFootprint) {
  const int H = 64, W = 96, P = 8;
  auto model = compile_model(mobilenet_v2_block(H, W), Backend::Cpu, test_normalization());
  Executor delta(model, ExecMode::Delta, exact_settings());
  SequenceOptions so;
  so.height = H;
  so.width = W;
  so.patches = 1;
  so.patch_size = P;
  SyntheticSequence seq(so);
  delta.run(seq.next().data());
  for (int f = 1; f < 20; ++f) {
    delta.run(seq.next().data());
    const FrameStats& st = delta.stats();
    // Changed pixels lie in the union of the patch's old and new squares.
    const float footprint = 2.f * P * P / float(H * W);
    EXPECT_GT(st.input_active, 0.f) << "frame " << f;
    EXPECT_LE(st.input_active, footprint) << "frame " << f;
    EXPECT_GT(st.mean_active, 0.f);
    EXPECT_LT(st.mean_active, 0.25f) << "frame " << f;
    ASSERT_EQ(st.layers.size(), model->graph().nodes.size());
  }
}

TEST(ExecutorErrors, CudaBackendIsAnEngineError) {
  try {
    compile_model(mobilenet_v2_block(16, 16), Backend::Cuda, test_normalization());
    FAIL() << "expected dcnn::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Device);
    EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
  }
}

TEST(ExecutorErrors, UnknownLayerThresholdNamesTheKey) {
  auto model = compile_model(mobilenet_v2_block(16, 16), Backend::Cpu, test_normalization());
  DeltaSettings s;
  s.layer_thresholds["no_such_node"] = 0.1f;
  try {
    Executor e(model, ExecMode::Delta, s);
    FAIL() << "expected dcnn::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("no_such_node"), std::string::npos) << e.what();
  }
  // A real node with an activation is accepted; one without an activation is refused.
  const auto& nodes = model->graph().nodes;
  DeltaSettings ok;
  ok.layer_thresholds[nodes[0].name] = 0.1f;
  EXPECT_NO_THROW(Executor(model, ExecMode::Delta, ok));
  DeltaSettings linear;
  linear.layer_thresholds[nodes[3].name] = 0.1f;  // the 1x1 projection has no activation
  EXPECT_THROW(Executor(model, ExecMode::Delta, linear), Error);
}

TEST(ExecutorErrors, BadGraphsNameTheNode) {
  GraphBuilder b(16, 16);
  int x = b.conv(b.input(), 8, 3);
  ir::Graph g = b.finish({x});
  g.nodes[0].as<ir::ConvParams>().cin = 5;
  try {
    compile_model(g, Backend::Cpu, test_normalization());
    FAIL() << "expected dcnn::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(g.nodes[0].name), std::string::npos) << e.what();
  }

  GraphBuilder b2(16, 16);
  int y = b2.conv(b2.input(), 8, 3);
  int z = b2.conv(b2.input(), 4, 3);
  ir::Graph g2 = b2.finish({b2.add(y, z)});
  EXPECT_THROW(compile_model(g2, Backend::Cpu, test_normalization()), Error);

  GraphBuilder b3(16, 16);
  ir::Graph g3 = b3.finish({});
  b3.conv(b3.input(), 4, 3);
  EXPECT_THROW(compile_model(g3, Backend::Cpu, test_normalization()), Error);
}

// Zone masks (Executor::set_input_ignore_mask): masked pixels never enter the active set, also
// through the block test and dilation; their reference keeps its value until a dense pass; an
// executor whose mask was cleared computes bit for bit what one that never had a mask does.
std::vector<float> shifted_frame(int h, int w, int frame) {
  std::vector<float> x(size_t(h) * w * 3);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float((i * 7 + size_t(frame) * 40) % 200);
  return x;
}

// The stabiliser switches the phase-tolerant input test per frame: on, a change that stays
// within its reference neighbourhood's [min, max] does not fire; off (a frame left as it came),
// the same change is real and fires.
TEST(DeltaPhaseTolerance, SwitchedPerFrame) {
  const int H = 32, W = 48;
  auto model = compile_model(mobilenet_v2_block(H, W), Backend::Cpu, test_normalization());
  DeltaSettings s = exact_settings();
  s.input_threshold = 8.f;
  s.input_phase_tolerant = true;
  s.form = DeltaForm::Recompute;
  Executor delta(model, ExecMode::Delta, s);
  // A 50 / 150 checkerboard: every pixel's 3x3 neighbourhood spans [50, 150].
  std::vector<float> board(size_t(H) * W * 3), changed;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      for (int c = 0; c < 3; ++c) board[(size_t(y) * W + x) * 3 + c] = (x + y) % 2 ? 150.f : 50.f;
  changed = board;
  for (int y = 10; y < 14; ++y)  // a patch of the 50s raised by 50 levels: within [50, 150]
    for (int x = 20; x < 26; ++x)
      if ((x + y) % 2 == 0)
        for (int c = 0; c < 3; ++c) changed[(size_t(y) * W + x) * 3 + c] = 100.f;
  delta.run(board.data());
  ASSERT_TRUE(delta.stats().keyframe);
  delta.run(changed.data());
  EXPECT_FALSE(delta.stats().keyframe);
  EXPECT_EQ(delta.stats().input_active, 0.f) << "tolerant: the change stays within the neighbourhood";
  delta.set_input_phase_tolerant(false);
  delta.run(changed.data());  // the reference still holds the 50s there
  EXPECT_NEAR(delta.stats().input_active, 12.f / float(H * W), 1e-6f) << "plain: the 12 raised pixels fire";
  // Back on, a sub-pixel shift of the board moves each pixel within its neighbourhood: no fire.
  delta.set_input_phase_tolerant(true);
  std::vector<float> blurred = changed;
  for (size_t i = 0; i + 3 < blurred.size(); ++i) blurred[i] = 0.7f * changed[i] + 0.3f * changed[i + 3];
  delta.run(blurred.data());
  EXPECT_EQ(delta.stats().input_active, 0.f);
}

TEST(DeltaIgnoreMask, MaskedPixelsNeverFire) {
  const int H = 32, W = 48;
  auto model = compile_model(mobilenet_v2_block(H, W), Backend::Cpu, test_normalization());
  for (bool grow : {false, true}) {
    DeltaSettings s = exact_settings();
    if (grow) s.input_dilation = 2, s.input_block = 8, s.input_block_threshold = 1.f;
    Executor delta(model, ExecMode::Delta, s);
    std::vector<uint8_t> right_half(size_t(H) * W, 0);
    for (int y = 0; y < H; ++y)
      for (int x = W / 2; x < W; ++x) right_half[size_t(y) * W + x] = 1;
    delta.set_input_ignore_mask(right_half);
    delta.run(shifted_frame(H, W, 0).data());
    EXPECT_TRUE(delta.stats().keyframe);
    for (int f = 1; f < 4; ++f) {
      delta.run(shifted_frame(H, W, f).data());  // every pixel changes by 40 levels
      EXPECT_FALSE(delta.stats().keyframe);
      EXPECT_FLOAT_EQ(delta.stats().input_active, 0.5f) << "frame " << f << (grow ? " with block + dilation" : "");
    }
  }
}

TEST(DeltaIgnoreMask, WholeMaskFreezesTheInputUntilADensePass) {
  const int H = 32, W = 48;
  auto model = compile_model(mobilenet_v2_block(H, W), Backend::Cpu, test_normalization());
  Executor delta(model, ExecMode::Delta, exact_settings());
  Executor dense(model, ExecMode::Dense, exact_settings());
  delta.set_input_ignore_mask(std::vector<uint8_t>(size_t(H) * W, 1));
  delta.run(shifted_frame(H, W, 0).data());
  const std::vector<float> first(delta.output(0), delta.output(0) + delta.output_shape(0).size());
  delta.run(shifted_frame(H, W, 1).data());
  EXPECT_EQ(delta.stats().input_active, 0.f);
  // The network still sees the reference: the last frame fed before the mask (frame 0).
  EXPECT_EQ(0, std::memcmp(first.data(), delta.output(0), sizeof(float) * first.size()));
  // A dense pass (here a reset) reads the real frame, masked or not.
  delta.reset();
  delta.run(shifted_frame(H, W, 2).data());
  dense.run(shifted_frame(H, W, 2).data());
  EXPECT_TRUE(delta.stats().keyframe);
  EXPECT_EQ(0, std::memcmp(dense.output(0), delta.output(0), sizeof(float) * first.size()));
}

TEST(DeltaIgnoreMask, ClearedMaskIsBitIdenticalToNoMask) {
  const int H = 32, W = 48;
  auto model = compile_model(mobilenet_v2_block(H, W), Backend::Cpu, test_normalization());
  DeltaSettings s = exact_settings();
  s.input_threshold = 10.f;
  Executor plain(model, ExecMode::Delta, s), cleared(model, ExecMode::Delta, s);
  cleared.set_input_ignore_mask(std::vector<uint8_t>(size_t(H) * W, 1));
  cleared.set_input_ignore_mask({});
  SequenceOptions so;
  so.height = H;
  so.width = W;
  so.patches = 2;
  so.patch_size = 6;
  so.noise_sigma = 3.f;
  SyntheticSequence seq(so);
  for (int f = 0; f < 10; ++f) {
    const std::vector<float> x = seq.next();
    plain.run(x.data());
    cleared.run(x.data());
    EXPECT_EQ(plain.stats().input_active, cleared.stats().input_active);
    EXPECT_EQ(0, std::memcmp(plain.output(0), cleared.output(0), sizeof(float) * plain.output_shape(0).size()))
        << "frame " << f;
  }
}

TEST(DeltaIgnoreMask, BadMasksAreInputErrors) {
  auto model = compile_model(mobilenet_v2_block(16, 16), Backend::Cpu, test_normalization());
  Executor e(model, ExecMode::Delta, DeltaSettings{});
  try {
    e.set_input_ignore_mask(std::vector<uint8_t>(10, 0));
    FAIL() << "no error";
  } catch (const Error& err) {
    EXPECT_EQ(int(err.kind()), int(ErrorKind::Input));
    EXPECT_STREQ(err.what(), "input ignore mask has 10 bytes; expected 256 (the 16x16 model input), or none");
  }
  EXPECT_THROW(e.set_input_ignore_mask(std::vector<uint8_t>(256, 2)), Error);
}

TEST(ExecutorErrors, BadRuntimeInput) {
  auto model = compile_model(mobilenet_v2_block(16, 16), Backend::Cpu, test_normalization());
  Executor e(model, ExecMode::Delta, DeltaSettings{});
  EXPECT_THROW(e.run(nullptr), Error);
  EXPECT_THROW(e.set_threshold_scale(-1.f), Error);
  EXPECT_THROW(e.set_keyframe_interval(-3), Error);
  EXPECT_THROW(e.output(5), Error);
  DeltaSettings bad;
  bad.dense_break_even = 2.f;
  EXPECT_THROW(Executor(model, ExecMode::Delta, bad), Error);
  DeltaSettings bad_keyframes;
  bad_keyframes.keyframe_break_even = -0.5f;
  EXPECT_THROW(Executor(model, ExecMode::Delta, bad_keyframes), Error);
}

}  // namespace
}  // namespace dcnn::test
