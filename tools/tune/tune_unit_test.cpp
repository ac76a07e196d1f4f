// deltacnn-tune's model-free parts: the delta: section rewrite, the stage grouping of node names
// and the early-stop bound of the agreement targets.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/api/deltacnn.h"
#include "engine/config/config.h"
#include "engine/core/error.h"
#include "tools/tune/delta_yaml_writer.h"
#include "tools/tune/layer_groups.h"
#include "tools/tune/scoring.h"

namespace dcnn::tune {
namespace {

const char* kYaml =
    "# head comment\n"
    "model:\n"
    "  name: m\n"
    "  onnx: m.onnx\n"
    "\n"
    "input:\n"
    "  width: 64\n"
    "  height: 64\n"
    "\n"
    "decoder:\n"
    "  type: centernet\n"
    "  labels: [person]\n"
    "\n"
    "delta:\n"
    "  # pixel noise comment\n"
    "  input_threshold: 10\n"
    "  threshold: 0.05         # starting point\n"
    "  threshold_scale: 1.0\n"
    "  layer_thresholds:\n"
    "    old/node: 0.1\n"
    "    # a comment between the entries\n"
    "\n"
    "    other/node: 0.2\n"
    "  keyframe_interval: 300  # keep me\n"
    "\n"
    "# trailing comment\n";

TEST(DeltaYamlWriter, RewritesOnlyTheDeltaSectionAndKeepsComments) {
  DeltaSettings s;
  s.input_threshold = 12.5f;
  s.default_threshold = 0.4f;
  s.threshold_scale = 1.f;
  s.truncate_linear = true;
  s.layer_thresholds = {{"model/block_1/act", 0.8f}};
  const std::string out = rewrite_delta_section(kYaml, "t.yaml", s, "tuned");
  EXPECT_NE(out.find("# head comment\nmodel:\n  name: m\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  # pixel noise comment\n  input_threshold: 12.5  # tuned (was 10)\n"), std::string::npos) << out;
  // A changed value loses the comment that explained the old one; an unchanged one keeps its line.
  EXPECT_NE(out.find("  threshold: 0.4  # tuned (was 0.05)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  threshold_scale: 1.0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  layer_thresholds:\n    \"model/block_1/act\": 0.8\n  keyframe_interval: 300  # keep me\n"),
            std::string::npos) << out;
  // The whole old map goes, the entries after a comment inside it too (they were left behind
  // and the rewritten file had them twice).
  EXPECT_EQ(out.find("old/node"), std::string::npos) << out;
  EXPECT_EQ(out.find("other/node"), std::string::npos) << out;
  EXPECT_EQ(out.find("a comment between the entries"), std::string::npos) << out;
  EXPECT_NE(out.find("  truncate_linear: true\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\n# trailing comment\n"), std::string::npos) << out;
  // What was written parses back to the same values (the loader wants the model file to exist).
  const auto dir = std::filesystem::temp_directory_path() / "deltacnn-tune-unit";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.onnx") << "x";
  const DeploymentConfig cfg = parse_config(out, "t.yaml", dir.string());
  EXPECT_FLOAT_EQ(cfg.delta.input_threshold, 12.5f);
  EXPECT_FLOAT_EQ(cfg.delta.threshold, 0.4f);
  EXPECT_TRUE(cfg.delta.truncate_linear);
  ASSERT_EQ(cfg.delta.layer_thresholds.size(), 1u);
  EXPECT_FLOAT_EQ(cfg.delta.layer_thresholds.at("model/block_1/act"), 0.8f);
  EXPECT_EQ(cfg.delta.keyframe_interval, 300);
}

TEST(DeltaYamlWriter, EmptyMapIsWrittenInline) {
  DeltaSettings s;
  const std::string out = rewrite_delta_section(kYaml, "t.yaml", s, "");
  EXPECT_NE(out.find("  layer_thresholds: {}\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  threshold: 0.05         # starting point\n"), std::string::npos) << out;
}

TEST(DeltaYamlWriter, MissingSectionNamesTheFile) {
  try {
    rewrite_delta_section("model:\n  name: m\n", "nodelta.yaml", DeltaSettings{}, "");
    FAIL() << "expected dcnn::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nodelta.yaml"), std::string::npos);
  }
}

TEST(LayerGroups, StageOfGroupsABlocksLayers) {
  EXPECT_EQ(stage_of("model/block_3_expand_relu/Relu6/act"), "model/block_3");
  EXPECT_EQ(stage_of("model/block_3_project_BN/FusedBatchNormV3"), "model/block_3");
  EXPECT_EQ(stage_of("model/block_13_depthwise/depthwise/act"), "model/block_13");
  EXPECT_EQ(stage_of("MobilenetV3/expanded_conv_4/squeeze_excite/Conv_1/mul"), "MobilenetV3/expanded_conv_4");
  EXPECT_EQ(stage_of("MobilenetV3/expanded_conv/depthwise/depthwise/act"), "MobilenetV3/expanded_conv");
  EXPECT_EQ(stage_of("kpt_heatmap_0/re_lu_6/Relu/act"), "kpt_heatmap_0/re_lu_6");
  EXPECT_EQ(stage_of("truediv_1"), "truediv_1");
  EXPECT_EQ(stage_of("CenternetHead/mul"), "CenternetHead");
}

// Grouped by the stream's fused units (recompute form): MultiPose's out_relu, computed inside
// the FPN's first 1x1 conv, joins that conv's group; the inner convs of the heads' chains,
// computed inside a head (a graph output, which takes no threshold), are not tuned at all.
TEST(LayerGroups, AFusedUnitsNodesAreTunedTogether) {
  const char* root = std::getenv("DELTACNN_SOURCE_ROOT");
  const std::string yaml = std::string(root ? root : ".") + "/configs/movenet-multipose.yaml";
  DeploymentConfig cfg = load_config(yaml);
  if (!std::filesystem::exists(cfg.model_path)) GTEST_SKIP() << cfg.model_path << " is missing: run ./scripts/setup.sh";
  cfg.precision = Precision::F32;  // (bf16 or not, the units are the same)
  const auto model = Model::load(cfg, {BackendChoice::Cpu, 0, std::nullopt});
  const ThresholdOwner owner = fused_unit_owners(*model, StreamOptions::from(cfg).delta);
  auto group_of = [](const std::vector<LayerGroup>& groups, const std::string& node) -> std::string {
    for (const LayerGroup& g : groups)
      for (const std::string& n : g.nodes)
        if (n == node) return g.key;
    return "";
  };
  const auto plain = tunable_groups(*model, true);
  const auto fused = tunable_groups(*model, true, owner);
  EXPECT_EQ(owner("model/out_relu/Relu6"), "conv2d/BiasAdd");
  EXPECT_NE(group_of(plain, "model/out_relu/Relu6"), group_of(plain, "conv2d/BiasAdd"));
  EXPECT_EQ(group_of(fused, "model/out_relu/Relu6"), group_of(fused, "conv2d/BiasAdd"));
  size_t plain_nodes = 0, fused_nodes = 0;
  for (const LayerGroup& g : plain) plain_nodes += g.nodes.size();
  for (const LayerGroup& g : fused) {
    fused_nodes += g.nodes.size();
    for (const std::string& n : g.nodes) EXPECT_NE(n.rfind("kpt_heatmap_0/separable_conv2d", 0), 0u) << n;
  }
  EXPECT_LT(fused_nodes, plain_nodes);  // the heads' inner convs are left out
  EXPECT_NE(group_of(plain, "kpt_heatmap_0/separable_conv2d_6/separable_conv2d/depthwise"), "");
}

TEST(Scoring, EarlyStopBoundForPose) {
  Targets t;
  t.pose = true;
  t.kpt = 0.9;
  t.count = 0.5;
  eval::Agreement totals;
  totals.keypoints = 100;
  totals.frames = 10;
  eval::Agreement a;
  a.keypoints = 20;
  a.keypoints_close = 10;  // 10 missed = exactly the 10 % budget
  a.frames = 2;
  a.frames_same_count = 2;
  EXPECT_TRUE(t.still_possible(a, totals));
  a.keypoints = 21;  // 11 missed
  EXPECT_FALSE(t.still_possible(a, totals));
}

TEST(Scoring, EarlyStopBoundForDetection) {
  Targets t;
  t.pose = false;
  t.f1 = 0.9;
  eval::Agreement totals;
  totals.true_positives = 100;
  eval::Agreement a;
  a.false_negatives = 5;
  a.false_positives = 5;  // best case tp 95: F1 = 190 / 200 = 0.95
  EXPECT_TRUE(t.still_possible(a, totals));
  a.false_positives = 30;  // 190 / 225 = 0.84
  EXPECT_FALSE(t.still_possible(a, totals));
  a.true_positives = 95;
  EXPECT_FALSE(t.met(a));
}

}  // namespace
}  // namespace dcnn::tune
