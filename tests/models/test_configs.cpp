// The shipped deployment files (configs/*.yaml) must describe the shipped models correctly:
// they parse with the engine's own loader, point at the converted ONNX, give exactly the input
// size the model was converted at, the normalisation the TF.js reference was fed with, and a
// decoder whose heads the ONNX graph really outputs. A wrong mean/std or size here would make
// every pose silently wrong, so it is checked against the files, not against constants.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include <onnx/onnx_pb.h>

#include "engine/config/config.h"
#include "engine/core/error.h"
#include "tests/common/test_paths.h"
#include "tests/models/reference_data.h"

namespace dcnn::test {
namespace {

// Heads each decoder reads (the converter names the graph outputs exactly so).
std::vector<std::string> expected_heads(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::MoveNetMultiPose:
      return {"kpt_heatmap", "center", "kpt_regress", "kpt_offset", "box_scale", "box_offset"};
    case DecoderKind::MoveNetSinglePose:
      return {"kpt_heatmap", "center", "kpt_regress", "kpt_offset"};
    case DecoderKind::PoseNet:
      return {"heatmap", "offset", "displacement_fwd", "displacement_bwd"};
    case DecoderKind::CenterNet:
      return {"keypoints", "wh"};
  }
  return {};
}

DecoderKind kind_of(const std::string& model) {
  if (model == "movenet-multipose") return DecoderKind::MoveNetMultiPose;
  if (model == "movenet-lightning") return DecoderKind::MoveNetSinglePose;
  if (model == "posenet") return DecoderKind::PoseNet;
  return DecoderKind::CenterNet;
}

onnx::ModelProto read_onnx(const std::string& path) {
  onnx::ModelProto proto;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in && proto.ParseFromIstream(&in)) << path << ": not a readable ONNX file";
  return proto;
}

}  // namespace
void PrintTo(const ReferenceModel& m, std::ostream* os) { *os << m.name; }
namespace {

class ShippedConfig : public ::testing::TestWithParam<ReferenceModel> {};

TEST_P(ShippedConfig, MatchesConvertedModelAndReference) {
  const ReferenceModel& m = GetParam();
  const std::string onnx_path = source_path("models/" + m.name + ".onnx");
  ASSERT_TRUE(file_exists(onnx_path)) << missing_asset_message(onnx_path);

  DeploymentConfig cfg;
  try {
    cfg = load_config(source_path(m.yaml));
  } catch (const Error& e) {
    FAIL() << m.yaml << " does not load: " << e.what();
  }
  EXPECT_EQ(cfg.name, m.name);
  EXPECT_NE(cfg.model_path.find("models/" + m.name + ".onnx"), std::string::npos)
      << cfg.model_path;
  EXPECT_EQ(cfg.input.color, ColorOrder::RGB) << "every shipped model was trained on RGB";
  EXPECT_EQ(cfg.decoder.kind, kind_of(m.name));

  // Size and normalisation: the ones the TF.js reference was computed with.
  const FrameReference ref = load_frame_reference(reference_path(m.name, reference_frames()[0]));
  EXPECT_EQ(cfg.input.width, ref.width);
  EXPECT_EQ(cfg.input.height, ref.height);
  for (int c = 0; c < 3; ++c) {
    EXPECT_FLOAT_EQ(cfg.input.mean[c], ref.mean[c]) << "channel " << c;
    EXPECT_FLOAT_EQ(cfg.input.std[c], ref.std[c]) << "channel " << c;
  }

  // The ONNX input is [1,3,height,width] and the outputs include every head of the decoder,
  // each at the configured stride.
  const onnx::ModelProto proto = read_onnx(onnx_path);
  const auto& g = proto.graph();
  ASSERT_EQ(g.input_size(), 1);
  const auto& dims = g.input(0).type().tensor_type().shape().dim();
  ASSERT_EQ(dims.size(), 4);
  EXPECT_EQ(g.input(0).name(), "input");
  EXPECT_EQ(dims[1].dim_value(), 3);
  EXPECT_EQ(dims[2].dim_value(), cfg.input.height);
  EXPECT_EQ(dims[3].dim_value(), cfg.input.width);
  for (const std::string& head : expected_heads(cfg.decoder.kind)) {
    auto it = std::find_if(g.output().begin(), g.output().end(),
                           [&](const onnx::ValueInfoProto& v) { return v.name() == head; });
    ASSERT_NE(it, g.output().end()) << onnx_path << " has no output '" << head << "'";
    const auto& od = it->type().tensor_type().shape().dim();
    ASSERT_EQ(od.size(), 4) << head;
    const int stride = cfg.decoder.output_stride;
    EXPECT_EQ(od[2].dim_value(), (cfg.input.height + stride - 1) / stride) << head;
    EXPECT_EQ(od[3].dim_value(), (cfg.input.width + stride - 1) / stride) << head;
  }

  ASSERT_FALSE(cfg.decoder.labels.empty());
  EXPECT_EQ(cfg.decoder.labels[0], "person");
  if (cfg.decoder.kind == DecoderKind::CenterNet) {
    EXPECT_EQ(cfg.decoder.labels.size(), 80u);
  }
  for (const auto& [node, eps] : cfg.delta.layer_thresholds) {
    EXPECT_TRUE(std::any_of(g.node().begin(), g.node().end(),
                            [&](const onnx::NodeProto& n) { return n.name() == node; }))
        << m.yaml << ": delta.layer_thresholds names node '" << node << "' not in " << onnx_path;
    EXPECT_GE(eps, 0.f);
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, ShippedConfig, ::testing::ValuesIn(reference_models()),
                         [](const ::testing::TestParamInfo<ReferenceModel>& info) {
                           std::string n = info.param.name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace dcnn::test
