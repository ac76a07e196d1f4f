// Every op, alone behind a small conv stem: delta mode with all thresholds 0 must equal the
// dense result to float tolerance on 50-frame synthetic sequences (static background, moving
// patches, camera shake, a scene cut; and a noisy variant), whichever conv form
// (sparse / dense-on-deltas) the break-even picks.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/exec/delta_harness.h"
#include "tests/exec/graph_builder.h"

namespace dcnn::test {
namespace {

using ir::ActKind;
using Build = std::function<int(GraphBuilder&, int stem)>;

struct OpCase {
  std::string name;
  Build build;
};

const ir::Activation kRelu = GraphBuilder::act(ActKind::Relu);

std::vector<OpCase> op_cases() {
  using GB = GraphBuilder;
  return {
      {"conv3x3_relu", [](GB& b, int x) { return b.conv(x, 8, 3, 1, 1, kRelu); }},
      {"conv3x3_stride2", [](GB& b, int x) { return b.conv(x, 12, 3, 2); }},
      {"conv1x1_sigmoid", [](GB& b, int x) { return b.conv(x, 6, 1, 1, 1, GB::act(ActKind::Sigmoid)); }},
      {"conv1x1_stride2", [](GB& b, int x) { return b.conv(x, 6, 1, 2); }},
      {"conv5x5_dil2_hardswish",
       [](GB& b, int x) { return b.conv(x, 8, 5, 1, 1, GB::act(ActKind::HardSwish), 2); }},
      {"depthwise3x3_relu6",
       [](GB& b, int x) { return b.conv(x, 8, 3, 1, 8, GB::act(ActKind::Clip, 0.f, 6.f)); }},
      {"depthwise3x3_stride2", [](GB& b, int x) { return b.conv(x, 8, 3, 2, 8, kRelu); }},
      {"grouped_conv_leaky",
       [](GB& b, int x) { return b.conv(x, 8, 3, 1, 2, GB::act(ActKind::LeakyRelu, 0.1f)); }},
      {"conv_transpose4x4_s2", [](GB& b, int x) { return b.conv_transpose(x, 6, 4, 2, 1, kRelu); }},
      {"conv_transpose3x3_s1", [](GB& b, int x) { return b.conv_transpose(x, 5, 3, 1, 1); }},
      {"act_relu", [](GB& b, int x) { return b.activation(x, kRelu); }},
      {"act_clip", [](GB& b, int x) { return b.activation(x, GB::act(ActKind::Clip, -0.5f, 0.5f)); }},
      {"act_leaky", [](GB& b, int x) { return b.activation(x, GB::act(ActKind::LeakyRelu, 0.2f)); }},
      {"act_sigmoid", [](GB& b, int x) { return b.activation(x, GB::act(ActKind::Sigmoid)); }},
      {"act_hardsigmoid",
       [](GB& b, int x) { return b.activation(x, GB::act(ActKind::HardSigmoid, 0.2f, 0.5f)); }},
      {"act_hardswish", [](GB& b, int x) { return b.activation(x, GB::act(ActKind::HardSwish)); }},
      {"affine", [](GB& b, int x) { return b.affine(x); }},
      {"affine_relu", [](GB& b, int x) { return b.affine(x, kRelu); }},
      {"add_relu", [](GB& b, int x) { return b.add(x, b.conv(x, 8, 3), 1.f, 1.f, kRelu); }},
      {"sub", [](GB& b, int x) { return b.add(x, b.conv(x, 8, 1), 1.f, -1.f); }},
      {"add_broadcast_vector", [](GB& b, int x) { return b.add(x, b.global_pool(x)); }},
      {"add_broadcast_vector_first", [](GB& b, int x) { return b.add(b.global_pool(x), x, 0.5f, 2.f); }},
      {"mul_same_shape", [](GB& b, int x) { return b.binary(x, b.conv(x, 8, 3), ir::BinaryKind::Mul); }},
      {"mul_gate_1x1xC",
       [](GB& b, int x) {
         int gate = b.conv(b.global_pool(x), 8, 1, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
         return b.binary(x, gate, ir::BinaryKind::Mul);
       }},
      {"mul_map_HxWx1",
       [](GB& b, int x) {
         int map = b.conv(x, 1, 3, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
         return b.binary(x, map, ir::BinaryKind::Mul);
       }},
      {"div_map_HxWx1",
       [](GB& b, int x) {
         int map = b.conv(x, 1, 3, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
         return b.binary(x, map, ir::BinaryKind::Div);
       }},
      {"concat3", [](GB& b, int x) { return b.concat({x, b.conv(x, 4, 3, 1, 1, kRelu), b.conv(x, 3, 1)}); }},
      {"maxpool3x3_s2_p1", [](GB& b, int x) { return b.pool(x, ir::PoolKind::Max, 3, 2, 1); }},
      {"maxpool2x2_s2", [](GB& b, int x) { return b.pool(x, ir::PoolKind::Max, 2, 2, 0); }},
      {"avgpool3x3_s1_p1", [](GB& b, int x) { return b.pool(x, ir::PoolKind::Average, 3, 1, 1); }},
      {"avgpool3x3_include_pad", [](GB& b, int x) { return b.pool(x, ir::PoolKind::Average, 3, 2, 1, true); }},
      {"global_pool_conv", [](GB& b, int x) { return b.conv(b.global_pool(x), 4, 1, 1, 1, kRelu); }},
      {"resize_nearest_x2_asym",
       [](GB& b, int x) {
         Shape s = b.shape(x);
         return b.resize(x, 2 * s.h, 2 * s.w, ir::ResizeMode::Nearest, ir::CoordMode::Asymmetric,
                         ir::NearestRound::Floor, 2.f);
       }},
      {"resize_nearest_half_pixel_ceil",
       [](GB& b, int x) {
         Shape s = b.shape(x);
         return b.resize(x, 3 * s.h / 2, 3 * s.w / 2, ir::ResizeMode::Nearest, ir::CoordMode::HalfPixel,
                         ir::NearestRound::RoundPreferCeil, 1.5f);
       }},
      {"resize_linear_x2_half_pixel",
       [](GB& b, int x) {
         Shape s = b.shape(x);
         return b.resize(x, 2 * s.h, 2 * s.w, ir::ResizeMode::Linear, ir::CoordMode::HalfPixel);
       }},
      {"resize_linear_align_corners",
       [](GB& b, int x) {
         Shape s = b.shape(x);
         return b.resize(x, 2 * s.h - 1, 2 * s.w + 3, ir::ResizeMode::Linear, ir::CoordMode::AlignCorners);
       }},
      {"resize_linear_pytorch_half_pixel_down",
       [](GB& b, int x) {
         Shape s = b.shape(x);
         return b.resize(x, s.h / 2 + 1, s.w / 3, ir::ResizeMode::Linear, ir::CoordMode::PytorchHalfPixel);
       }},
      {"resize_linear_asymmetric_scale_1_5",
       [](GB& b, int x) {
         Shape s = b.shape(x);
         return b.resize(x, 3 * s.h / 2, 3 * s.w / 2, ir::ResizeMode::Linear, ir::CoordMode::Asymmetric,
                         ir::NearestRound::Floor, 1.5f);
       }},
  };
}

struct ExactParam {
  OpCase op;
  float break_even;
  bool noisy;
  bool recompute = false;  // DeltaForm::Recompute (break_even does not apply there)
};

void PrintTo(const ExactParam& p, std::ostream* os) {
  *os << p.op.name << " break_even " << p.break_even << (p.noisy ? " noisy" : "")
      << (p.recompute ? " recompute" : "");
}

std::string param_name(const testing::TestParamInfo<ExactParam>& info) {
  if (info.param.recompute) return info.param.op.name + "_recompute" + (info.param.noisy ? "_noisy" : "");
  std::string be = info.param.break_even == 0.f ? "conv_dense" : info.param.break_even >= 1.f ? "conv_sparse" : "auto";
  return info.param.op.name + "_" + be + (info.param.noisy ? "_noisy" : "");
}

std::vector<ExactParam> exact_params() {
  std::vector<ExactParam> params;
  for (const OpCase& c : op_cases()) {
    params.push_back({c, 1.f, false});
    params.push_back({c, 0.f, false});
    params.push_back({c, 0.4f, true});
    // Every op but the transposed conv has a recompute form.
    if (c.name.rfind("conv_transpose", 0) != 0) {
      params.push_back({c, 0.4f, false, true});
      params.push_back({c, 0.4f, true, true});
    }
  }
  return params;
}

class DeltaEqualsDense : public testing::TestWithParam<ExactParam> {};

TEST_P(DeltaEqualsDense, FiftyFramesWithinFloatTolerance) {
  const ExactParam& p = GetParam();
  GraphBuilder b(28, 36, 11);
  // A stem gives the op a feature map with negative and positive values.
  const int stem = b.conv(b.input(), 8, 3, 1, 1, GraphBuilder::act(ActKind::LeakyRelu, 0.3f));
  const int out = p.op.build(b, stem);
  ir::Graph g = b.finish({out});

  SequenceOptions seq;
  seq.height = 28;
  seq.width = 36;
  seq.scene_cut_frame = 30;
  seq.shake_period = 17;
  seq.noise_sigma = p.noisy ? 2.f : 0.f;
  DeltaSettings settings = exact_settings(p.break_even);
  if (p.recompute) settings.form = DeltaForm::Recompute;
  auto errors = compare_dense_delta(g, settings, seq, 50);
  ASSERT_EQ(errors.size(), 50u);
  EXPECT_TRUE(errors[0].keyframe);
  int sparse_frames = 0;
  for (size_t f = 1; f < errors.size(); ++f) {
    EXPECT_FALSE(errors[f].keyframe) << "frame " << f;
    if (errors[f].input_active < 0.5f) ++sparse_frames;
  }
  if (!p.noisy) {
    EXPECT_GT(sparse_frames, 40) << "the clean sequence should exercise sparse frames";
  }
  EXPECT_LE(worst(errors), 1e-4f) << p.op.name;
}

INSTANTIATE_TEST_SUITE_P(Ops, DeltaEqualsDense, testing::ValuesIn(exact_params()), param_name);

}  // namespace
}  // namespace dcnn::test
