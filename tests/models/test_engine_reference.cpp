// The deltacnn engine itself on the shipped models: import models/<name>.onnx (the engine's own
// ONNX importer and graph passes), compile for the CPU backend with the YAML's normalisation, run
// dense on vtest frames, and compare every head with the ORIGINAL TF.js model (tests/data/
// reference) to 1e-3 of the head's largest magnitude. This is the end-to-end numerical check
// that conversion + import + passes + kernels reproduce the published network.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "engine/config/config.h"
#include "engine/core/error.h"
#include "engine/exec/executor.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"
#include "tests/common/test_paths.h"
#include "tests/models/reference_data.h"

namespace dcnn::test {
namespace {

struct Case {
  ReferenceModel model;
  int frame;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.model.name << " frame " << c.frame; }

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& m : reference_models())
    for (int f : reference_frames()) cases.push_back({m, f});
  return cases;
}

struct LoadedModel {
  DeploymentConfig config;
  std::shared_ptr<const CompiledModel> compiled;
};

// Import + passes + compile once per model for all its frames (the slow part on 2 cores).
const LoadedModel& load(const ReferenceModel& m) {
  static std::map<std::string, LoadedModel> cache;
  auto it = cache.find(m.name);
  if (it != cache.end()) return it->second;
  LoadedModel lm;
  lm.config = load_config(source_path(m.yaml));
  ir::ImportOptions options;
  options.input_height = lm.config.input.height;
  options.input_width = lm.config.input.width;
  ir::Graph graph = ir::import_onnx(lm.config.model_path, options);
  ir::run_default_passes(graph);
  InputNormalization norm;
  for (int c = 0; c < 3; ++c) {
    norm.mean[c] = lm.config.input.mean[c];
    norm.std[c] = lm.config.input.std[c];
  }
  lm.compiled = compile_model(std::move(graph), Backend::Cpu, norm);
  return cache.emplace(m.name, std::move(lm)).first->second;
}

class EngineAgreesWithTfjs : public ::testing::TestWithParam<Case> {};

TEST_P(EngineAgreesWithTfjs, DenseHeadsMatchAtSampledPositions) {
  const Case& c = GetParam();
  const std::string onnx_path = source_path("models/" + c.model.name + ".onnx");
  ASSERT_TRUE(file_exists(onnx_path)) << missing_asset_message(onnx_path);
  const FrameReference ref = load_frame_reference(reference_path(c.model.name, c.frame));

  const LoadedModel* lm = nullptr;
  try {
    lm = &load(c.model);
  } catch (const Error& e) {
    FAIL() << c.model.name << ": the engine cannot load the model: " << e.what();
  }
  ASSERT_EQ(lm->config.input.width, ref.width);
  ASSERT_EQ(lm->config.input.height, ref.height);

  // Raw RGB 0..255 HxWx3 floats: the executor applies the YAML's mean/std itself.
  const cv::Mat rgb = model_input_rgb(vtest_frames().at(c.frame), ref.width, ref.height);
  ASSERT_EQ(pixel_sum(rgb), ref.input_sum)
      << "the decoded/resized vtest frame differs from the one the reference was made from";
  cv::Mat input;
  rgb.convertTo(input, CV_32FC3);
  ASSERT_TRUE(input.isContinuous());

  Executor executor(lm->compiled, ExecMode::Dense, DeltaSettings{});
  try {
    executor.run(input.ptr<float>());
  } catch (const Error& e) {
    FAIL() << c.model.name << " frame " << c.frame << ": run failed: " << e.what();
  }

  for (const HeadReference& head : ref.heads) {
    int index = -1;
    for (int i = 0; i < executor.num_outputs(); ++i)
      if (executor.output_name(i) == head.name) index = i;
    ASSERT_GE(index, 0) << "the engine has no output '" << head.name << "'";
    const Shape s = executor.output_shape(index);
    ASSERT_TRUE(s.h == head.shape[1] && s.w == head.shape[2] && s.c == head.shape[3])
        << head.name << ": engine shape " << s.str() << " vs reference NHWC " << head.shape[1]
        << "x" << head.shape[2] << "x" << head.shape[3];
    const float* data = executor.output(index);
    const HeadAgreement a = compare_head(head, [&](int64_t nhwc) { return data[nhwc]; });
    EXPECT_LE(a.max_error, kRelativeTolerance * head.max_abs)
        << c.model.name << " frame " << c.frame << " head " << head.name
        << ": worst NHWC index " << a.worst_index << " reference " << a.worst_reference
        << " engine " << a.worst_ours << " (head max |value| " << head.max_abs << ")";
    RecordProperty(head.name + "_relative_error", relative_error_text(a, head));
  }
}

INSTANTIATE_TEST_SUITE_P(Vtest, EngineAgreesWithTfjs, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.model.name + "_frame" +
                                           std::to_string(info.param.frame);
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace dcnn::test
