// The real thing: shipped models imported from ONNX, run on vtest frames. With every threshold 0
// the delta heads equal the dense heads to float tolerance; with the shipped thresholds the
// error stays bounded and most input pixels are skipped. Needs ./scripts/setup.sh (models/,
// data/vtest.avi); fails with that message when they are missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "engine/core/error.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"
#include "engine/ir/shape_inference.h"
#include "engine/exec/compiled_model.h"
#include "kernels/cpu/gather_gemm_bf16.h"
#include "tests/common/test_paths.h"
#include "tests/exec/delta_harness.h"

namespace dcnn::test {
namespace {

// vtest frames resized (INTER_LINEAR) to w x h, RGB, 0..255 floats.
std::vector<std::vector<float>> vtest_frames(int w, int h, int count) {
  const std::string path = source_path("data/vtest.avi");
  if (!file_exists(path)) ADD_FAILURE() << missing_asset_message(path);
  cv::VideoCapture cap(path);
  std::vector<std::vector<float>> frames;
  cv::Mat f, r, rgb, f32;
  while (int(frames.size()) < count && cap.read(f)) {
    cv::resize(f, r, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
    cv::cvtColor(r, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(f32, CV_32FC3);
    frames.emplace_back(f32.ptr<float>(), f32.ptr<float>() + size_t(w) * h * 3);
  }
  return frames;
}

ir::Graph load(const std::string& relative, int w, int h) {
  const std::string path = source_path(relative);
  if (!file_exists(path)) ADD_FAILURE() << missing_asset_message(path);
  ir::ImportOptions o;
  o.input_width = w;
  o.input_height = h;
  ir::Graph g = ir::import_onnx(path, o);
  ir::run_default_passes(g);
  ir::infer_shapes(g);
  return g;
}

struct ModelRun {
  float max_rel = 0.f, mean_rel = 0.f, input_active = 0.f;
};

ModelRun run(const ir::Graph& g, const DeltaSettings& s, const std::vector<std::vector<float>>& frames,
             Precision precision = Precision::F32) {
  auto model = compile_model(g, Backend::Cpu, InputNormalization{}, 0, precision);
  Executor dense(model, ExecMode::Dense, s);
  Executor delta(model, ExecMode::Delta, s);
  ModelRun r;
  double mean_sum = 0.0;
  for (const auto& f : frames) {
    dense.run(f.data());
    delta.run(f.data());
    for (int h = 0; h < dense.num_outputs(); ++h) {
      const int64_t n = dense.output_shape(h).size();
      float scale = 1e-3f;
      for (int64_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(dense.output(h)[i]));
      double sum = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        const float d = std::fabs(dense.output(h)[i] - delta.output(h)[i]);
        r.max_rel = std::max(r.max_rel, d / scale);
        sum += d / scale;
      }
      mean_sum += sum / double(n) / dense.num_outputs();
    }
    if (!delta.stats().keyframe) r.input_active += delta.stats().input_active;
  }
  r.mean_rel = float(mean_sum / frames.size());
  r.input_active /= float(frames.size() - 1);
  return r;
}

TEST(ModelDelta, MoveNetMultiPoseExactWithZeroThresholds) {
  const int w = 256, h = 192;  // fully convolutional: any multiple of 32
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  auto frames = vtest_frames(w, h, 5);
  ASSERT_EQ(frames.size(), 5u);
  for (float break_even : {1.f, 0.4f}) {
    ModelRun r = run(g, exact_settings(break_even), frames);
    EXPECT_LE(r.max_rel, 1e-4f) << "break_even " << break_even;
  }
}

TEST(ModelDelta, MoveNetMultiPoseRecomputeFormExactWithZeroThresholds) {
  const int w = 256, h = 192;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  auto frames = vtest_frames(w, h, 5);
  ASSERT_EQ(frames.size(), 5u);
  DeltaSettings s = exact_settings();
  s.form = DeltaForm::Recompute;
  ModelRun r = run(g, s, frames);
  EXPECT_LE(r.max_rel, 1e-4f);
}

// With every threshold 0 and no pixel above the input threshold, vtest changes everywhere
// (sensor noise), so the test above runs every layer's dense form. Here the frames change in
// one moving window only (the rest repeats the first frame exactly): the sparse paths of every
// op, pair, chain and block run, and still equal dense.
// vtest frames in which only a 64x48 window moving right changes (the rest repeats frame 0).
std::vector<std::vector<float>> window_frames(int w, int h, int count) {
  auto frames = vtest_frames(w, h, count);
  for (size_t f = 1; f < frames.size(); ++f) {
    std::vector<float> mixed = frames[0];
    const int x0 = 24 + 20 * int(f), y0 = 60;
    for (int y = y0; y < y0 + 48; ++y)
      for (int x = x0; x < x0 + 64; ++x)
        for (int c = 0; c < 3; ++c) {
          const size_t i = (size_t(y) * w + size_t(x)) * 3 + size_t(c);
          mixed[i] = frames[f][i];
        }
    frames[f] = std::move(mixed);
  }
  return frames;
}

TEST(ModelDelta, MoveNetMultiPoseRecomputeFormExactOnFramesThatChangeInAWindow) {
  const int w = 256, h = 192;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  auto frames = window_frames(w, h, 6);
  ASSERT_EQ(frames.size(), 6u);
  DeltaSettings s = exact_settings(1.f);  // never the dense form
  s.form = DeltaForm::Recompute;
  s.keyframe_break_even = 1.f;
  const ModelRun r = run(g, s, frames);
  EXPECT_LT(r.input_active, 0.1f) << "the window should leave most input pixels unchanged";
  EXPECT_LE(r.max_rel, 1e-4f);
}

// Precision bf16 (the GEMM convs multiply in bf16, dense passes as sparse ones): the same
// exactness with every threshold 0, on the window frames (sparse paths) and on whole vtest
// frames (dense forms); where the CPU lacks AVX-512 BF16 the precision is refused.
TEST(ModelDelta, MoveNetMultiPoseBf16ExactWithZeroThresholds) {
  const int w = 256, h = 192;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  if (!cpu::cpu_has_bf16()) {
    EXPECT_THROW(compile_model(g, Backend::Cpu, InputNormalization{}, 0, Precision::BF16), Error);
    GTEST_SKIP() << "this CPU has no AVX-512 BF16: precision bf16 is refused (checked)";
  }
  DeltaSettings s = exact_settings(1.f);  // never the dense form
  s.form = DeltaForm::Recompute;
  s.keyframe_break_even = 1.f;
  const ModelRun sparse = run(g, s, window_frames(w, h, 6), Precision::BF16);
  EXPECT_LT(sparse.input_active, 0.1f);
  EXPECT_LE(sparse.max_rel, 1e-4f);
  DeltaSettings dense_forms = exact_settings();
  dense_forms.form = DeltaForm::Recompute;
  EXPECT_LE(run(g, dense_forms, vtest_frames(w, h, 4), Precision::BF16).max_rel, 1e-4f);
}

// bf16 against fp32: the heads of a bf16 dense stream stay within the rounding of 8-bit
// mantissas through the network's ~60 GEMM convs (measured on two vtest frames at 256x192:
// worst 2-6.4 %, mean 0.18-0.56 % of each head's largest value; bounds at about twice that);
// garbage, a lost bias or a mis-packed weight would be off by whole units.
TEST(ModelDelta, MoveNetMultiPoseBf16DenseCloseToFp32) {
  const int w = 256, h = 192;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  if (!cpu::cpu_has_bf16()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
  auto fp32 = compile_model(g, Backend::Cpu, InputNormalization{});
  auto bf16 = compile_model(g, Backend::Cpu, InputNormalization{}, 0, Precision::BF16);
  EXPECT_EQ(bf16->precision(), Precision::BF16);
  const DeltaSettings s = exact_settings();
  Executor a(fp32, ExecMode::Dense, s), b(bf16, ExecMode::Dense, s);
  for (const auto& f : vtest_frames(w, h, 2)) {
    a.run(f.data());
    b.run(f.data());
    for (int o = 0; o < a.num_outputs(); ++o) {
      const int64_t n = a.output_shape(o).size();
      float scale = 1e-3f, worst = 0.f;
      double sum = 0.0;
      for (int64_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(a.output(o)[i]));
      for (int64_t i = 0; i < n; ++i) {
        const float d = std::fabs(a.output(o)[i] - b.output(o)[i]);
        worst = std::max(worst, d);
        sum += d;
      }
      std::printf("bf16 vs fp32 %s: worst %.4f, mean %.5f of %.3f\n", a.output_name(o).c_str(), worst / scale,
                  sum / double(n) / scale, scale);
      EXPECT_LE(worst, 0.12f * scale) << a.output_name(o);
      EXPECT_LE(sum / double(n), 0.012 * scale) << a.output_name(o);
      EXPECT_GT(worst, 0.f) << a.output_name(o) << ": bf16 should round somewhere";
    }
  }
}

// The heads MultiPose's decoder reads at a few cells (box, joint regression, offsets, heatmap),
// queried: delta frames skip them and output_at computes any cell as the stream that computes
// them whole has it, with the shipped thresholds, on keyframes, window frames and busy frames;
// the other heads are untouched.
TEST(ModelDelta, MoveNetMultiPoseQueriedHeadsEqualTheWholeMaps) {
  const int w = 256, h = 192;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  auto frames = window_frames(w, h, 5);
  const auto busy = vtest_frames(w, h, 40);
  ASSERT_EQ(busy.size(), 40u);
  frames.push_back(busy[39]);  // a change everywhere (a busy frame), then the window again
  frames.push_back(frames[1]);
  auto model = compile_model(g, Backend::Cpu, InputNormalization{});
  DeltaSettings s;
  s.input_threshold = 10.f;
  s.default_threshold = 0.05f;
  s.form = DeltaForm::Recompute;
  s.keyframe_break_even = 0.5f;
  s.truncate_linear = true;  // as shipped (configs/*.yaml)
  Executor whole(model, ExecMode::Delta, s);
  Executor queried(model, ExecMode::Delta, s);
  std::vector<int> cell_heads;
  for (int o = 0; o < whole.num_outputs(); ++o) {
    const std::string& n = whole.output_name(o);
    if (n == "kpt_regress" || n == "kpt_offset" || n == "box_scale" || n == "box_offset" || n == "kpt_heatmap")
      cell_heads.push_back(o);
  }
  ASSERT_EQ(cell_heads.size(), 5u);
  queried.set_queried_outputs(cell_heads);
  int skipped_frames = 0;
  for (size_t f = 0; f < frames.size(); ++f) {
    whole.run(frames[f].data());
    queried.run(frames[f].data());
    bool skipped = false;
    for (int o = 0; o < whole.num_outputs(); ++o) {
      const Shape shape = whole.output_shape(o);
      const bool is_cell_head = std::count(cell_heads.begin(), cell_heads.end(), o) > 0;
      ASSERT_FALSE(whole.output_at_cells_only(o));
      if (!is_cell_head) {
        ASSERT_FALSE(queried.output_at_cells_only(o));
      }
      std::vector<float> got(size_t(shape.size()));
      if (queried.output_at_cells_only(o)) {
        skipped = true;
        EXPECT_EQ(queried.output(o), nullptr);
        std::vector<int32_t> cells(size_t(shape.pixels()));
        for (size_t c = 0; c < cells.size(); ++c) cells[c] = int32_t(c);
        queried.output_at(o, cells.data(), int(cells.size()), got.data());
      } else {
        std::copy_n(queried.output(o), got.size(), got.begin());
      }
      const std::vector<float> want(whole.output(o), whole.output(o) + got.size());
      EXPECT_EQ(got, want) << "frame " << f << ", " << whole.output_name(o);
    }
    skipped_frames += skipped ? 1 : 0;
    EXPECT_EQ(skipped, !queried.stats().keyframe) << "frame " << f;
  }
  EXPECT_GE(skipped_frames, 4);
  const int32_t outside = int32_t(whole.output_shape(cell_heads[0]).pixels());
  std::vector<float> values(64);
  EXPECT_THROW(queried.output_at(cell_heads[0], &outside, 1, values.data()), Error);
}

// At the shipped 768x576 the first blocks' expanded tensors are 26-64 MB, so dense passes run
// expand -> depthwise fused (kernels/cpu/expand_depthwise.h): a dense stream equals the unfused
// one (DELTACNN_CPU_FUSE_EXPAND=0), and the recompute stream with its fused keyframes equals
// dense with every threshold 0.
TEST(ModelDelta, MoveNetMultiPoseFusedDensePassesAtTheShippedSize) {
  const int w = 768, h = 576;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  auto frames = vtest_frames(w, h, 3);
  ASSERT_EQ(frames.size(), 3u);
  auto model = compile_model(g, Backend::Cpu, InputNormalization{});
  DeltaSettings s = exact_settings();
  s.form = DeltaForm::Recompute;
  Executor fused(model, ExecMode::Dense, s);
  setenv("DELTACNN_CPU_FUSE_EXPAND", "0", 1);
  Executor apart(model, ExecMode::Dense, s);
  unsetenv("DELTACNN_CPU_FUSE_EXPAND");
  EXPECT_LT(fused.activation_bytes(), apart.activation_bytes());  // the arena drops the 64 MB map
  for (const auto& f : frames) {
    fused.run(f.data());
    apart.run(f.data());
    for (int o = 0; o < fused.num_outputs(); ++o) {
      const int64_t n = fused.output_shape(o).size();
      float scale = 1e-3f, worst = 0.f;
      for (int64_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(apart.output(o)[i]));
      for (int64_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(fused.output(o)[i] - apart.output(o)[i]));
      EXPECT_LE(worst, 1e-4f * scale) << fused.output_name(o);
    }
  }
  EXPECT_LE(run(g, s, frames).max_rel, 1e-4f);
}

TEST(ModelDelta, MoveNetMultiPoseRecomputeFormBoundedWithShippedThresholds) {
  const int w = 256, h = 192;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  auto frames = vtest_frames(w, h, 8);
  ASSERT_EQ(frames.size(), 8u);
  DeltaSettings s;
  s.input_threshold = 10.f;
  s.default_threshold = 0.05f;
  s.form = DeltaForm::Recompute;
  s.keyframe_break_even = 0.5f;  // as shipped: the busy-frame arena doubles as the fire scratch
  ModelRun r = run(g, s, frames);
  EXPECT_LT(r.input_active, 0.2f);
  EXPECT_GT(r.mean_rel, 0.f);
  EXPECT_LT(r.mean_rel, 0.05f);
  std::printf("movenet-multipose %dx%d recompute, shipped thresholds: input active %.4f, max rel err %.4f, "
              "mean %.5f\n", w, h, r.input_active, r.max_rel, r.mean_rel);
}

TEST(ModelDelta, MoveNetMultiPoseBoundedWithShippedThresholds) {
  const int w = 256, h = 192;
  ir::Graph g = load("models/movenet-multipose.onnx", w, h);
  auto frames = vtest_frames(w, h, 8);
  ASSERT_EQ(frames.size(), 8u);
  DeltaSettings s;  // the config's defaults: input 10 levels, eps 0.05
  s.input_threshold = 10.f;
  s.default_threshold = 0.05f;
  ModelRun r = run(g, s, frames);
  EXPECT_LT(r.input_active, 0.2f) << "a static camera should leave most pixels inactive";
  EXPECT_GT(r.mean_rel, 0.f);
  EXPECT_LT(r.mean_rel, 0.05f);
  std::printf("movenet-multipose %dx%d, shipped thresholds: input active %.4f, max rel err %.4f, mean %.5f\n",
              w, h, r.input_active, r.max_rel, r.mean_rel);
}

TEST(ModelDelta, CenterNetWithSqueezeExciteExactWithZeroThresholds) {
  const int w = 256, h = 256;
  ir::Graph g = load("models/centernet.onnx", w, h);
  auto frames = vtest_frames(w, h, 4);
  ASSERT_EQ(frames.size(), 4u);
  ModelRun r = run(g, exact_settings(), frames);
  EXPECT_LE(r.max_rel, 1e-4f);
}

}  // namespace
}  // namespace dcnn::test
