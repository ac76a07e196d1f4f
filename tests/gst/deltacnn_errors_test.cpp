// Bad deployments fail the state change with a GStreamer error whose domain/code follow the
// engine's ErrorKind and whose message names the file, key or node at fault; nothing crashes.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/api/deltacnn.h"
#include "tests/common/onnx_builder.h"
#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_test::BusError;
using deltacnn_test::config_path;
using deltacnn_test::require_asset;
using deltacnn_test::start_and_get_error;

class DeltaCnnErrorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }

  void TearDown() override {
    for (const std::string& f : temp_files_) std::remove(f.c_str());
  }

  GstElement* element(const std::string& yaml) {
    GstElement* e = gst_element_factory_make("deltacnn", nullptr);
    EXPECT_NE(e, nullptr) << "plugin not found";
    if (e != nullptr && !yaml.empty()) g_object_set(e, "config-file-path", yaml.c_str(), nullptr);
    if (e != nullptr) gst_util_set_object_arg(G_OBJECT(e), "backend", "cpu");
    return e;
  }

  // movenet-lightning.yaml with its model path made absolute (the copy lives in TMPDIR) and
  // `edit` applied to the text.
  template <typename Edit>
  std::string yaml_variant(Edit edit) {
    std::ifstream in(config_path("movenet-lightning.yaml"));
    std::stringstream text;
    text << in.rdbuf();
    std::string yaml = text.str();
    const std::string rel = "../models/movenet-lightning.onnx";
    size_t at = yaml.find(rel);
    EXPECT_NE(at, std::string::npos) << "movenet-lightning.yaml no longer names " << rel;
    if (at != std::string::npos)
      yaml.replace(at, rel.size(), deltacnn_test::model_path("movenet-lightning.onnx"));
    edit(yaml);
    std::string path = deltacnn_test::temp_path("deltacnn-test", ".yaml");
    std::ofstream(path) << yaml;
    temp_files_.push_back(path);
    return path;
  }

  static void expect_error(const std::optional<BusError>& error, GQuark domain, int code,
                           const std::string& must_mention) {
    ASSERT_TRUE(error.has_value()) << "the state change succeeded";
    EXPECT_EQ(error->domain, domain) << g_quark_to_string(error->domain) << ": " << error->message;
    EXPECT_EQ(error->code, code) << error->message;
    EXPECT_NE(error->message.find(must_mention), std::string::npos)
        << "'" << error->message << "' does not mention '" << must_mention << "'";
  }

  std::vector<std::string> temp_files_;
};

TEST_F(DeltaCnnErrorsTest, NoConfigFilePath) {
  auto error = start_and_get_error(element(""));
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, "config-file-path");
}

TEST_F(DeltaCnnErrorsTest, MissingConfigFile) {
  auto error = start_and_get_error(element("/nonexistent/deltacnn/missing.yaml"));
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
               "/nonexistent/deltacnn/missing.yaml");
}

TEST_F(DeltaCnnErrorsTest, UnknownYamlKey) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  std::string yaml = yaml_variant([](std::string& text) {
    size_t at = text.find("decoder:\n");
    ASSERT_NE(at, std::string::npos);
    text.insert(at + 9, "  scroe_threshold: 0.5\n");  // a typo of score_threshold
  });
  auto error = start_and_get_error(element(yaml));
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, "scroe_threshold");
}

// MoveNet Lightning at 193x193 used to start and find nobody: its grid is multiples of 32.
TEST_F(DeltaCnnErrorsTest, InputSizeOffTheModelsGrid) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  std::string yaml = yaml_variant([](std::string& text) {
    for (const std::string key : {"width: 192", "height: 192"}) {
      const size_t at = text.find(key);
      ASSERT_NE(at, std::string::npos) << key;
      text.replace(at, key.size(), key.substr(0, key.size() - 3) + "193");
    }
  });
  auto error = start_and_get_error(element(yaml));
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
               "193x193 does not fit a movenet_singlepose model; expected multiples of 32");
}

// deltacnnpublish puts the camera id in every event's topic: an MQTT wildcard there lost every
// event downstream, one warning each, with the element started as if nothing were wrong.
TEST_F(DeltaCnnErrorsTest, CameraIdThatNoTopicMayHold) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  GstElement* e = element(config_path("movenet-lightning.yaml"));
  g_object_set(e, "camera-id", "cam+1", nullptr);
  auto error = start_and_get_error(e);
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
               "property camera-id 'cam+1': it holds an MQTT wildcard");
}

// Found by an adversarial review (session 30): without decoder.labels in the YAML a zone's
// labels were not checked, and a typo made the zone silently match nothing.
TEST_F(DeltaCnnErrorsTest, ZoneLabelThatTheModelDoesNotHave) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  std::string yaml = yaml_variant([](std::string& text) {
    const std::string listed = "  labels: [person]\n";  // the decoder's own list then applies
    const size_t at = text.find(listed);
    ASSERT_NE(at, std::string::npos) << "movenet-lightning.yaml no longer lists its labels";
    text.erase(at, listed.size());
    text += "zones:\n  - {name: door, units: normalized, polygon: [[0, 0], [1, 0], [1, 1]], labels: [Person]}\n";
  });
  auto error = start_and_get_error(element(yaml));
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
               "zone 'door': labels: 'Person' is not a label of model 'movenet-lightning'; expected one of "
               "its 1 labels (e.g. 'person')");
}

TEST_F(DeltaCnnErrorsTest, MissingModelProperty) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  GstElement* e = element(config_path("movenet-lightning.yaml"));
  g_object_set(e, "model", "/nonexistent/deltacnn/model.onnx", nullptr);
  auto error = start_and_get_error(e);
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
               "/nonexistent/deltacnn/model.onnx");
}

TEST_F(DeltaCnnErrorsTest, MissingModelInYaml) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  std::string yaml = yaml_variant([](std::string& text) {
    const std::string model = deltacnn_test::model_path("movenet-lightning.onnx");
    text.replace(text.find(model), model.size(), "/nonexistent/deltacnn/yaml-model.onnx");
  });
  auto error = start_and_get_error(element(yaml));
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
               "/nonexistent/deltacnn/yaml-model.onnx");
}

TEST_F(DeltaCnnErrorsTest, UnsupportedOpModel) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  dcnn::test::OnnxBuilder b;
  dcnn::test::Rng rng(7);
  b.input("image", {1, 3, 192, 192});
  b.initializer("w", {4, 3, 3, 3}, rng.uniform(4 * 3 * 3 * 3));
  b.node("Conv", {"image", "w"}, {"features"}, "stem_conv")
      .ints("kernel_shape", {3, 3})
      .ints("pads", {1, 1, 1, 1});
  b.node("Einsum", {"features"}, {"kpt_heatmap"}, "odd_einsum").s("equation", "nchw->nchw");
  b.output("kpt_heatmap");
  const std::string onnx = b.save_temp("deltacnn-unsupported");
  temp_files_.push_back(onnx);

  GstElement* e = element(config_path("movenet-lightning.yaml"));
  g_object_set(e, "model", onnx.c_str(), nullptr);
  auto error = start_and_get_error(e);
  expect_error(error, GST_STREAM_ERROR, GST_STREAM_ERROR_NOT_IMPLEMENTED, "odd_einsum");
  if (error) {
    EXPECT_NE(error->message.find("Einsum"), std::string::npos) << error->message;
  }
}

TEST_F(DeltaCnnErrorsTest, CorruptModelFile) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  const std::string onnx = deltacnn_test::temp_path("deltacnn-corrupt", ".onnx");
  std::ofstream(onnx) << "this is not a protobuf \x01\x02\x03";
  temp_files_.push_back(onnx);
  GstElement* e = element(config_path("movenet-lightning.yaml"));
  g_object_set(e, "model", onnx.c_str(), nullptr);
  auto error = start_and_get_error(e);
  expect_error(error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT, onnx);
}

TEST_F(DeltaCnnErrorsTest, CudaBackendWithoutGpu) {
  std::string why;
  if (dcnn::cuda_available(&why)) GTEST_SKIP() << "a usable GPU is present: backend=cuda works";
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  GstElement* e = element(config_path("movenet-lightning.yaml"));
  gst_util_set_object_arg(G_OBJECT(e), "backend", "cuda");
  auto error = start_and_get_error(e);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->domain, GST_RESOURCE_ERROR) << error->message;
  EXPECT_EQ(error->code, GST_RESOURCE_ERROR_FAILED) << error->message;
  EXPECT_FALSE(error->message.empty());
}

TEST_F(DeltaCnnErrorsTest, Fp16PrecisionWithCpuBackend) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  GstElement* e = element(config_path("movenet-lightning.yaml"));  // backend=cpu
  gst_util_set_object_arg(G_OBJECT(e), "precision", "fp16");
  auto error = start_and_get_error(e);
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, "precision 'fp16' needs backend 'cuda'");
}

TEST_F(DeltaCnnErrorsTest, ModelInstanceIdConflict) {
  if (!require_asset(config_path("movenet-lightning.yaml")) ||
      !require_asset(config_path("posenet.yaml")))
    return;
  // The first element holds the instance while the second one starts.
  GstElement* first = element(config_path("movenet-lightning.yaml"));
  g_object_set(first, "model-instance-id", "conflict", nullptr);
  GstElement* pipeline = gst_pipeline_new("holder");
  gst_bin_add(GST_BIN(pipeline), first);
  ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);

  GstElement* second = element(config_path("posenet.yaml"));
  g_object_set(second, "model-instance-id", "conflict", nullptr);
  auto error = start_and_get_error(second);
  expect_error(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, "conflict");

  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
}

TEST_F(DeltaCnnErrorsTest, FailedPipelineEndsWithAnErrorNotACrash) {
  bool eos = false;
  auto error = deltacnn_test::run_pipeline(
      "videotestsrc num-buffers=3 ! video/x-raw,format=RGB,width=64,height=48 ! "
      "deltacnn config-file-path=/nonexistent/x.yaml ! fakesink",
      30, &eos);
  EXPECT_FALSE(eos);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->domain, GST_RESOURCE_ERROR);
  EXPECT_NE(error->message.find("/nonexistent/x.yaml"), std::string::npos) << error->message;
}

TEST_F(DeltaCnnErrorsTest, RestartAfterStopWorks) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  // start -> stop -> start: the model is released and loaded again without error.
  GstElement* e = element(config_path("movenet-lightning.yaml"));
  GstElement* pipeline = gst_pipeline_new("restart");
  gst_bin_add(GST_BIN(pipeline), e);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NE(gst_element_set_state(pipeline, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE) << i;
    EXPECT_EQ(gst_element_set_state(pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS) << i;
  }
  gst_object_unref(pipeline);
}

TEST_F(DeltaCnnErrorsTest, EosBeforeDataIsClean) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  bool eos = false;
  auto error = deltacnn_test::run_pipeline(
      "videotestsrc num-buffers=0 ! video/x-raw,format=RGB,width=64,height=48 ! "
      "deltacnn backend=cpu config-file-path=\"" + config_path("movenet-lightning.yaml") +
          "\" ! fakesink",
      60, &eos);
  EXPECT_FALSE(error.has_value()) << error->message;
  EXPECT_TRUE(eos);
}

}  // namespace
