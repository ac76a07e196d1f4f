// The C++ glue of the plugin, without the plugin loader: property/YAML precedence, the shared
// model registry, the ErrorKind -> GError mapping, FrameResult -> metas and the JSON record.
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "engine/core/error.h"
#include "gst/elements/element_settings.h"
#include "gst/elements/engine_errors.h"
#include "gst/elements/json_record.h"
#include "gst/elements/model_registry.h"
#include "gst/elements/result_metas.h"
#include "gst/elements/unique_ids.h"
#include "gst/elements/video_formats.h"
#include "gst/meta/deltacnnmeta.h"
#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_gst::ElementSettings;
using deltacnn_test::config_path;
using deltacnn_test::require_asset;

class GlueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
};

/* ------------------------------------------------------------------ settings */

TEST_F(GlueTest, UnsetPropertiesTakeTheYamlValues) {
  const std::string yaml = config_path("movenet-lightning.yaml");
  if (!require_asset(yaml)) return;
  ElementSettings s;
  s.config_file_path = yaml;
  dcnn::DeploymentConfig config = deltacnn_gst::resolve_config(s);
  EXPECT_NE(config.model_path.find("movenet-lightning.onnx"), std::string::npos);
  dcnn::StreamOptions options = deltacnn_gst::stream_options(config, s);
  EXPECT_EQ(options.delta.keyframe_interval, config.delta.keyframe_interval);
  EXPECT_FLOAT_EQ(options.delta.threshold_scale, config.delta.threshold_scale);
  EXPECT_FLOAT_EQ(options.score_threshold, config.decoder.score_threshold);
  EXPECT_EQ(options.mode, dcnn::ExecMode::Delta);
}

TEST_F(GlueTest, PropertiesOverrideTheYaml) {
  const std::string yaml = config_path("movenet-lightning.yaml");
  const std::string other_model = deltacnn_test::model_path("posenet.onnx");
  if (!require_asset(yaml) || !require_asset(other_model)) return;
  ElementSettings s;
  s.config_file_path = yaml;
  s.model = other_model;
  s.keyframe_interval = 7;
  s.delta_threshold = 0.0;  // 0 is a real value (exact), not "unset"
  s.score_threshold = 0.9;
  s.mode = dcnn::ExecMode::Dense;
  dcnn::DeploymentConfig config = deltacnn_gst::resolve_config(s);
  EXPECT_EQ(config.model_path, other_model);
  dcnn::StreamOptions options = deltacnn_gst::stream_options(config, s);
  EXPECT_EQ(options.delta.keyframe_interval, 7);
  EXPECT_FLOAT_EQ(options.delta.threshold_scale, 0.f);
  EXPECT_FLOAT_EQ(options.score_threshold, 0.9f);
  EXPECT_EQ(options.mode, dcnn::ExecMode::Dense);

  // Back to "unset" while playing: the YAML's values again.
  s.keyframe_interval = -1;
  s.score_threshold = -1.0;
  EXPECT_EQ(deltacnn_gst::effective_keyframe_interval(config, s), config.delta.keyframe_interval);
  EXPECT_FLOAT_EQ(deltacnn_gst::effective_score_threshold(config, s),
                  config.decoder.score_threshold);
}

// tracker=on|off overrides the YAML's tracker.enabled; track-score-off its score_off, and
// unset (-1) returns to the YAML's.
TEST_F(GlueTest, TrackerPropertiesOverrideTheYaml) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml)) return;
  ElementSettings s;
  s.config_file_path = yaml;
  dcnn::DeploymentConfig config = deltacnn_gst::resolve_config(s);
  dcnn::StreamOptions options = deltacnn_gst::stream_options(config, s);
  EXPECT_EQ(options.tracker.enabled, config.tracker.enabled);
  EXPECT_FLOAT_EQ(options.tracker.score_off, config.tracker.score_off);
  s.tracker = deltacnn_gst::TrackerSetting::Off;
  s.track_score_off = 0.05;
  options = deltacnn_gst::stream_options(config, s);
  EXPECT_FALSE(options.tracker.enabled);
  EXPECT_FLOAT_EQ(options.tracker.score_off, 0.05f);
  s.tracker = deltacnn_gst::TrackerSetting::On;
  config.tracker.enabled = false;
  EXPECT_TRUE(deltacnn_gst::stream_options(config, s).tracker.enabled);
  s.track_score_off = -1.0;
  EXPECT_FLOAT_EQ(deltacnn_gst::effective_track_score_off(config, s), config.tracker.score_off);

  // refine-margin: 0 is a real value (never refine), -1 the YAML's (0.03 in the shipped one).
  EXPECT_FLOAT_EQ(deltacnn_gst::stream_options(config, s).tracker.refine_margin, config.tracker.refine_margin);
  EXPECT_GT(config.tracker.refine_margin, 0.f);
  s.refine_margin = 0.0;
  EXPECT_FLOAT_EQ(deltacnn_gst::stream_options(config, s).tracker.refine_margin, 0.f);
  s.refine_margin = 0.5;
  EXPECT_FLOAT_EQ(deltacnn_gst::effective_refine_margin(config, s), 0.5f);
}

// stabilize=off|shift|exposure|both picks the YAML block's features; the block's tuning keys
// stay the YAML's; config takes both switches from the YAML.
TEST_F(GlueTest, StabilizePropertyOverridesTheYamlSwitches) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml)) return;
  ElementSettings s;
  s.config_file_path = yaml;
  dcnn::DeploymentConfig config = deltacnn_gst::resolve_config(s);
  config.stabilize.shift = true;
  config.stabilize.exposure = false;
  config.stabilize.max_offset = 11.f;
  config.stabilize.only_where_supported = true;  // as the YAML's `auto` sets it
  dcnn::StreamOptions options = deltacnn_gst::stream_options(config, s);
  EXPECT_TRUE(options.stabilize.shift);
  EXPECT_FALSE(options.stabilize.exposure);
  EXPECT_TRUE(options.stabilize.only_where_supported);
  using deltacnn_gst::StabilizeSetting;
  const struct {
    StabilizeSetting setting;
    bool shift, exposure;
  } cases[] = {{StabilizeSetting::Off, false, false},
               {StabilizeSetting::Shift, true, false},
               {StabilizeSetting::Exposure, false, true},
               {StabilizeSetting::Both, true, true}};
  for (const auto& c : cases) {
    s.stabilize = c.setting;
    options = deltacnn_gst::stream_options(config, s);
    EXPECT_EQ(options.stabilize.shift, c.shift) << int(c.setting);
    EXPECT_EQ(options.stabilize.exposure, c.exposure) << int(c.setting);
    EXPECT_FLOAT_EQ(options.stabilize.max_offset, 11.f);
    EXPECT_FALSE(options.stabilize.only_where_supported) << "asked for on the element: warned on CUDA";
  }
}

TEST_F(GlueTest, MissingConfigPathIsAConfigError) {
  ElementSettings s;
  try {
    deltacnn_gst::resolve_config(s);
    FAIL() << "expected dcnn::Error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("config-file-path"), std::string::npos) << e.what();
  }
}

TEST_F(GlueTest, MissingModelOverrideNamesTheProperty) {
  const std::string yaml = config_path("movenet-lightning.yaml");
  if (!require_asset(yaml)) return;
  ElementSettings s;
  s.config_file_path = yaml;
  s.model = "/nonexistent/dir/model.onnx";
  try {
    deltacnn_gst::resolve_config(s);
    FAIL() << "expected dcnn::Error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/model.onnx"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("property model"), std::string::npos);
  }
}

TEST_F(GlueTest, ModelOverrideThatIsADirectorySaysSo) {
  const std::string yaml = config_path("movenet-lightning.yaml");
  if (!require_asset(yaml)) return;
  ElementSettings s;
  s.config_file_path = yaml;
  s.model = ::testing::TempDir();
  try {
    deltacnn_gst::resolve_config(s);
    FAIL() << "expected dcnn::Error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("property model: file '" + s.model +
                                         "' is a directory, expected a file"),
              std::string::npos) << e.what();
  }
}

// unique-id 0 takes the lowest id no running element holds; an id set by hand is kept and says
// when another element holds it too.
TEST_F(GlueTest, UniqueIdClaimsAreFreeIdsUnlessSetByHand) {
  using deltacnn_gst::UniqueIdClaim;
  UniqueIdClaim first(0), second(0);
  EXPECT_NE(first.id(), 0u);
  EXPECT_NE(second.id(), 0u);
  EXPECT_NE(first.id(), second.id());
  EXPECT_FALSE(first.shared());
  const unsigned freed = first.id();
  first = UniqueIdClaim();  // stop(): the id is free again
  UniqueIdClaim third(0);
  EXPECT_LE(third.id(), freed) << "the lowest free id is taken again";
  UniqueIdClaim by_hand(second.id());
  EXPECT_EQ(by_hand.id(), second.id());
  EXPECT_TRUE(by_hand.shared());
  UniqueIdClaim next(0);
  EXPECT_NE(next.id(), second.id()) << "an automatic id never joins a held one";
}

TEST_F(GlueTest, BackendSettingMapsToModelOptions) {
  ElementSettings s;
  s.device_id = 3;
  s.backend = deltacnn_gst::BackendSetting::Cpu;
  EXPECT_EQ(deltacnn_gst::model_options(s).backend, dcnn::BackendChoice::Cpu);
  EXPECT_EQ(deltacnn_gst::model_options(s).device_id, 3);
  s.backend = deltacnn_gst::BackendSetting::Cuda;
  EXPECT_EQ(deltacnn_gst::model_options(s).backend, dcnn::BackendChoice::Cuda);
  s.backend = deltacnn_gst::BackendSetting::Auto;
  EXPECT_EQ(deltacnn_gst::model_options(s).backend, dcnn::BackendChoice::Auto);
  // precision: config (default) leaves it to the YAML's model.precision; the others name it.
  EXPECT_FALSE(deltacnn_gst::model_options(s).precision.has_value());
  s.precision = deltacnn_gst::PrecisionSetting::Fp32;
  EXPECT_EQ(deltacnn_gst::model_options(s).precision, dcnn::Precision::F32);
  s.precision = deltacnn_gst::PrecisionSetting::Fp16;
  EXPECT_EQ(deltacnn_gst::model_options(s).precision, dcnn::Precision::F16);
  s.precision = deltacnn_gst::PrecisionSetting::Bf16;
  EXPECT_EQ(deltacnn_gst::model_options(s).precision, dcnn::Precision::BF16);
  for (auto p : {deltacnn_gst::PrecisionSetting::Config, deltacnn_gst::PrecisionSetting::Fp32,
                 deltacnn_gst::PrecisionSetting::Fp16, deltacnn_gst::PrecisionSetting::Bf16})
    EXPECT_EQ(deltacnn_gst::precision_setting(deltacnn_gst::precision_enum(p)), p) << deltacnn_gst::precision_name(p);
}

/* ------------------------------------------------------------------ model registry */

TEST_F(GlueTest, SameInstanceIdSharesOneModel) {
  const std::string yaml = config_path("movenet-lightning.yaml");
  if (!require_asset(yaml)) return;
  dcnn::DeploymentConfig config = dcnn::load_config(yaml);
  dcnn::ModelOptions cpu;
  cpu.backend = dcnn::BackendChoice::Cpu;
  auto a = deltacnn_gst::acquire_model("glue-shared", config, cpu);
  auto b = deltacnn_gst::acquire_model("glue-shared", config, cpu);
  auto c = deltacnn_gst::acquire_model("glue-other", config, cpu);
  auto d = deltacnn_gst::acquire_model("", config, cpu);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_NE(a.get(), d.get());

  // Released by every user: the next acquire loads a fresh model (no stale weights kept).
  std::weak_ptr<const dcnn::Model> weak = a;
  a.reset();
  b.reset();
  EXPECT_TRUE(weak.expired());
  auto e = deltacnn_gst::acquire_model("glue-shared", config, cpu);
  EXPECT_NE(e, nullptr);
}

// A reload (config-file-path set while playing) of the elements sharing an id: the first
// loads afresh and its model becomes the id's, the others share it; a reloaded model that
// dies unused leaves the id with the model its other elements still run.
TEST_F(GlueTest, AReloadReplacesTheIdsModelAndFallsBackWhenItDies) {
  const std::string lightning = config_path("movenet-lightning.yaml");
  const std::string posenet = config_path("posenet.yaml");
  if (!require_asset(lightning) || !require_asset(posenet)) return;
  dcnn::ModelOptions cpu;
  cpu.backend = dcnn::BackendChoice::Cpu;
  const dcnn::DeploymentConfig old_config = dcnn::load_config(lightning);
  const dcnn::DeploymentConfig new_config = dcnn::load_config(posenet);
  auto a_old = deltacnn_gst::acquire_model("glue-reload", old_config, cpu);
  auto b_old = deltacnn_gst::acquire_model("glue-reload", old_config, cpu);
  ASSERT_EQ(a_old.get(), b_old.get());

  // The same file again is loaded afresh (an edited ONNX is read again).
  auto again = deltacnn_gst::acquire_model("glue-reload", old_config, cpu, a_old.get());
  EXPECT_NE(again.get(), a_old.get());
  // It dies unused (the element stopped before taking it): the id falls back to the model
  // its elements still run, so a starting element shares that one.
  again.reset();
  EXPECT_EQ(deltacnn_gst::acquire_model("glue-reload", old_config, cpu).get(), a_old.get());

  // a reloads to PoseNet while b runs the id's model: refused, it would take the id from b
  // (whose own reloads and restarts would then be refused).
  try {
    deltacnn_gst::acquire_model("glue-reload", new_config, cpu, a_old.get());
    ADD_FAILURE() << "a reload onto another model took the id from the element still running it";
  } catch (const dcnn::Error& e) {
    EXPECT_NE(std::string(e.what()).find("1 other deployment of the id run it"), std::string::npos) << e.what();
  }
  // a re-reads the id's files (a rolling reload: the id's model is the fresh one, b still runs
  // the old): a reload onto PoseNet is still refused, b holds the id's older model (session 30's
  // review: only the newest model's holders were counted).
  auto a_again = deltacnn_gst::acquire_model("glue-reload", old_config, cpu, a_old.get());
  a_old = a_again;
  a_again.reset();
  EXPECT_THROW(deltacnn_gst::acquire_model("glue-reload", new_config, cpu, a_old.get()), dcnn::Error);
  // With b gone, a alone runs it: PoseNet is loaded fresh, and is the id's model from now on.
  b_old.reset();
  auto a_new = deltacnn_gst::acquire_model("glue-reload", new_config, cpu, a_old.get());
  EXPECT_EQ(a_new->info().name, "posenet");
  // An element starting now with the new config shares it.
  auto b_new = deltacnn_gst::acquire_model("glue-reload", new_config, cpu);
  EXPECT_EQ(b_new.get(), a_new.get());
  // An element starting now with the old config is refused: the id runs PoseNet.
  EXPECT_THROW(deltacnn_gst::acquire_model("glue-reload", old_config, cpu), dcnn::Error);
  // A reload that fails (a missing model file) leaves the id's model as it was.
  dcnn::DeploymentConfig missing = new_config;
  missing.model_path = "/nonexistent/retrained.onnx";
  EXPECT_THROW(deltacnn_gst::acquire_model("glue-reload", missing, cpu, a_new.get()), dcnn::Error);
  EXPECT_EQ(deltacnn_gst::acquire_model("glue-reload", new_config, cpu).get(), a_new.get());
}

TEST_F(GlueTest, InstanceIdWithAnotherModelIsRefused) {
  const std::string lightning = config_path("movenet-lightning.yaml");
  const std::string posenet = config_path("posenet.yaml");
  if (!require_asset(lightning) || !require_asset(posenet)) return;
  dcnn::ModelOptions cpu;
  cpu.backend = dcnn::BackendChoice::Cpu;
  auto held = deltacnn_gst::acquire_model("glue-conflict", dcnn::load_config(lightning), cpu);
  try {
    deltacnn_gst::acquire_model("glue-conflict", dcnn::load_config(posenet), cpu);
    FAIL() << "expected dcnn::Error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("glue-conflict"), std::string::npos) << msg;
    EXPECT_NE(msg.find("posenet.onnx"), std::string::npos) << msg;
    EXPECT_NE(msg.find("movenet-lightning.onnx"), std::string::npos) << msg;
  }
}

// Same model, another precision: sharing would silently run the other precision.
TEST_F(GlueTest, InstanceIdWithAnotherPrecisionIsRefused) {
  const std::string lightning = config_path("movenet-lightning.yaml");
  if (!require_asset(lightning)) return;
  const dcnn::DeploymentConfig config = dcnn::load_config(lightning);
  auto held = deltacnn_gst::acquire_model("glue-precision", config, {dcnn::BackendChoice::Auto, 0, std::nullopt});
  try {
    deltacnn_gst::acquire_model("glue-precision", config,
                                {dcnn::BackendChoice::Auto, 0, dcnn::Precision::F16});
    FAIL() << "expected dcnn::Error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("precision fp16"), std::string::npos) << e.what();
  }
}

// Same model, another input size or decoder: both are built into the model, so sharing ran the
// second element silently at the first one's size (found by an adversarial run: a 768x576
// element gave the 384x288 results). Refused, naming the key and both values; a config that
// differs only in what each stream sets for itself (delta, score threshold) still shares.
TEST_F(GlueTest, InstanceIdWithAnotherInputOrDecoderIsRefused) {
  const std::string lightning = config_path("movenet-lightning.yaml");
  if (!require_asset(lightning)) return;
  const dcnn::DeploymentConfig config = dcnn::load_config(lightning);
  dcnn::ModelOptions cpu;
  cpu.backend = dcnn::BackendChoice::Cpu;
  auto held = deltacnn_gst::acquire_model("glue-input", config, cpu);
  dcnn::DeploymentConfig smaller = config;
  smaller.input.width = config.input.width / 2;
  dcnn::DeploymentConfig fewer = config;
  fewer.decoder.max_objects = config.decoder.max_objects + 1;
  const std::pair<dcnn::DeploymentConfig, std::string> cases[] = {
      {smaller, "input.width " + std::to_string(smaller.input.width) + " against " + std::to_string(config.input.width)},
      {fewer, "decoder.max_objects " + std::to_string(fewer.decoder.max_objects) + " against " +
                  std::to_string(config.decoder.max_objects)},
  };
  for (const auto& [other, said] : cases) {
    try {
      deltacnn_gst::acquire_model("glue-input", other, cpu);
      ADD_FAILURE() << "expected dcnn::Error for " << said;
    } catch (const dcnn::Error& e) {
      EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
      EXPECT_NE(std::string(e.what()).find(said), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("glue-input"), std::string::npos) << e.what();
    }
  }
  dcnn::DeploymentConfig per_stream = config;
  per_stream.delta.threshold = config.delta.threshold * 4.f;
  per_stream.decoder.score_threshold = 0.5f;
  EXPECT_EQ(deltacnn_gst::acquire_model("glue-input", per_stream, cpu).get(), held.get());
}

/* ------------------------------------------------------------------ error mapping */

TEST_F(GlueTest, ErrorKindsMapToGstErrorDomains) {
  using deltacnn_gst::error_code_for;
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::NotFound).domain, GST_RESOURCE_ERROR);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::NotFound).code, GST_RESOURCE_ERROR_NOT_FOUND);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Config).code, GST_RESOURCE_ERROR_SETTINGS);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Device).domain, GST_RESOURCE_ERROR);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Device).code, GST_RESOURCE_ERROR_FAILED);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Model).domain, GST_LIBRARY_ERROR);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Unsupported).domain, GST_STREAM_ERROR);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Unsupported).code, GST_STREAM_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Input).domain, GST_STREAM_ERROR);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Internal).domain, GST_LIBRARY_ERROR);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Memory).domain, GST_RESOURCE_ERROR);
  EXPECT_EQ(error_code_for(dcnn::ErrorKind::Memory).code, GST_RESOURCE_ERROR_NO_SPACE_LEFT);
}

/* ------------------------------------------------------------------ FrameResult -> metas */

dcnn::FrameResult pose_result() {
  dcnn::FrameResult r;
  dcnn::Detection person;
  person.id = 11;
  person.label_id = 0;
  person.label = "person";
  person.confidence = 0.5f;
  person.x_min = 20.f;
  person.y_min = 10.f;
  person.x_max = 60.f;
  person.y_max = 90.f;
  person.keypoints = {{30.f, 15.f, 0.9f}, {32.f, 14.f, 0.1f}, {28.f, 14.f, 0.8f}};
  r.objects.push_back(person);
  r.stats.frame_index = 4;
  r.stats.keyframe = false;
  r.stats.input_active = 0.03f;
  r.stats.input_masked = 0.25f;
  r.stats.shift_y = 2.25f;
  r.stats.mean_active = 0.1f;
  r.stats.infer_ms = 5.0;
  r.stats.backend = "cpu";
  r.stats.layers = {{"conv_a", "Conv", 0.2f, false, 0.0}, {"head", "Conv", 1.f, true, 0.0}};
  return r;
}

deltacnn_gst::MetaContext pose_context() {
  dcnn::ModelInfo info;
  info.name = "toy-pose";
  info.task = dcnn::Task::Pose;
  info.keypoint_names = {"nose", "left_eye", "right_eye"};
  info.skeleton = {{0, 1}, {0, 2}, {0, 7}};  // the last pair is out of range: dropped
  deltacnn_gst::MetaContext context = deltacnn_gst::MetaContext::make(info, 9);
  context.element_name = "pose";
  context.requested_backend = "auto";
  return context;
}

TEST_F(GlueTest, FrameResultBecomesRoiAndFrameMetas) {
  GstBuffer* buffer = gst_buffer_new();
  deltacnn_gst::attach_frame_result(buffer, pose_result(), 100, 100, pose_context());

  DeltaCnnFrameMeta* frame = gst_buffer_get_deltacnn_frame_meta(buffer);
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(frame->frame_index, 4u);
  EXPECT_FALSE(frame->keyframe);
  EXPECT_FLOAT_EQ(frame->input_active, 0.03f);
  EXPECT_EQ(frame->n_objects, 1u);
  EXPECT_EQ(frame->unique_id, 9u);
  EXPECT_STREQ(frame->backend, "cpu");
  EXPECT_STREQ(frame->model_name, "toy-pose");
  EXPECT_STREQ(frame->element_name, "pose");
  EXPECT_STREQ(frame->requested_backend, "auto");
  ASSERT_EQ(frame->n_layers, 2u);
  EXPECT_STREQ(frame->layer_names[1], "head");
  EXPECT_TRUE(frame->layer_dense[1]);

  auto* roi = gst_buffer_get_video_region_of_interest_meta_id(buffer, 11);
  ASSERT_NE(roi, nullptr);
  DeltaCnnDetection det = {};
  ASSERT_TRUE(deltacnn_roi_get_detection(roi, &det));
  EXPECT_STREQ(det.label, "person");
  EXPECT_DOUBLE_EQ(det.x_min, 0.2);
  EXPECT_DOUBLE_EQ(det.y_max, 0.9);
  EXPECT_EQ(det.unique_id, 9u);
  const gchar *element = nullptr, *model = nullptr;
  ASSERT_TRUE(deltacnn_roi_get_source(roi, &element, &model));
  EXPECT_STREQ(element, "pose");
  EXPECT_STREQ(model, "toy-pose");
  DeltaCnnKeypoint points[3] = {};
  ASSERT_EQ(deltacnn_roi_get_keypoints(roi, points, 3), 3u);
  EXPECT_STREQ(points[2].name, "right_eye");
  EXPECT_FLOAT_EQ(points[2].x, 28.f);
  EXPECT_FLOAT_EQ(points[1].confidence, 0.1f);
  EXPECT_EQ(deltacnn_roi_get_connections(roi, nullptr, 0), 2u);
  gst_buffer_unref(buffer);
}

TEST_F(GlueTest, EmptyResultStillGetsAFrameMeta) {
  GstBuffer* buffer = gst_buffer_new();
  dcnn::FrameResult empty;
  deltacnn_gst::attach_frame_result(buffer, empty, 100, 100, pose_context());
  ASSERT_NE(gst_buffer_get_deltacnn_frame_meta(buffer), nullptr);
  EXPECT_EQ(gst_buffer_get_deltacnn_frame_meta(buffer)->n_objects, 0u);
  EXPECT_EQ(gst_buffer_get_meta(buffer, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE), nullptr);
  gst_buffer_unref(buffer);
}

/* ------------------------------------------------------------------ JSON record */

TEST_F(GlueTest, JsonRecordHasTheDocumentedFields) {
  GstBuffer* buffer = gst_buffer_new();
  GST_BUFFER_PTS(buffer) = 2 * GST_SECOND;
  deltacnn_gst::attach_frame_result(buffer, pose_result(), 100, 100, pose_context());
  nlohmann::json j = deltacnn_gst::frame_record(buffer, 5, 100, 100);
  EXPECT_EQ(j["frame"], 5);
  EXPECT_EQ(j["pts"], 2000000000ull);
  EXPECT_EQ(j["width"], 100);
  EXPECT_EQ(j["height"], 100);
  ASSERT_EQ(j["objects"].size(), 1u);
  const nlohmann::json& o = j["objects"][0];
  EXPECT_EQ(o["id"], 11);
  EXPECT_TRUE(o["track_id"].is_null()) << "not tracked (track_age 0)";
  EXPECT_TRUE(o["track_age"].is_null());
  EXPECT_EQ(o["source"], "pose");
  EXPECT_EQ(o["unique_id"], 9);
  EXPECT_EQ(o["model"], "toy-pose");
  EXPECT_EQ(o["label"], "person");
  EXPECT_EQ(o["label_id"], 0);
  EXPECT_NEAR(o["confidence"].get<double>(), 0.5, 1e-6);
  EXPECT_NEAR(o["box"]["x_min"].get<double>(), 20.0, 1e-6);
  EXPECT_NEAR(o["box"]["y_max"].get<double>(), 90.0, 1e-6);
  ASSERT_EQ(o["keypoints"].size(), 3u);
  EXPECT_EQ(o["keypoints"][0]["name"], "nose");
  EXPECT_NEAR(o["keypoints"][0]["x"].get<double>(), 30.0, 1e-4);
  EXPECT_NEAR(o["keypoints"][0]["score"].get<double>(), 0.9, 1e-6);
  EXPECT_EQ(j["stats"]["keyframe"], false);
  EXPECT_EQ(j["stats"]["refined"], false);
  EXPECT_NEAR(j["stats"]["input_active"].get<double>(), 0.03, 1e-6);
  EXPECT_NEAR(j["stats"]["input_masked"].get<double>(), 0.25, 1e-6);
  EXPECT_NEAR(j["stats"]["shift_y"].get<double>(), 2.25, 1e-6);
  EXPECT_NEAR(j["stats"]["exposure_gain"].get<double>(), 1.0, 1e-6);
  EXPECT_EQ(j["stats"]["backend"], "cpu");
  EXPECT_TRUE(j["stats"].contains("infer_ms"));
  EXPECT_TRUE(j["stats"].contains("mean_active"));
  EXPECT_EQ(j["stats"]["source"], "pose");
  EXPECT_EQ(j["stats"]["unique_id"], 9);
  EXPECT_EQ(j["stats"]["requested_backend"], "auto");
  ASSERT_EQ(j["sources"].size(), 1u);
  EXPECT_EQ(j["sources"][0], j["stats"]);
  gst_buffer_unref(buffer);
}

// A tracked object (the tracker on): the record carries its track id and age.
TEST_F(GlueTest, JsonRecordOfATrackedObjectHasTrackIdAndAge) {
  GstBuffer* buffer = gst_buffer_new();
  dcnn::FrameResult r = pose_result();
  r.objects[0].track_age = 6;
  deltacnn_gst::attach_frame_result(buffer, r, 100, 100, pose_context());
  auto* roi = gst_buffer_get_video_region_of_interest_meta_id(buffer, 11);
  ASSERT_NE(roi, nullptr);
  gint age = 0;
  ASSERT_TRUE(deltacnn_roi_get_track_age(roi, &age));
  EXPECT_EQ(age, 6);
  const nlohmann::json o = deltacnn_gst::frame_record(buffer, 5, 100, 100)["objects"][0];
  EXPECT_EQ(o["id"], 11);
  EXPECT_EQ(o["track_id"], 11);
  EXPECT_EQ(o["track_age"], 6);
  gst_buffer_unref(buffer);
}

// A delta frame run again dense for the tracker (tracker.refine_margin): meta and record say so.
TEST_F(GlueTest, ARefinedFrameIsMarkedInTheMetaAndTheRecord) {
  GstBuffer* buffer = gst_buffer_new();
  dcnn::FrameResult r = pose_result();
  r.stats.keyframe = true;
  r.stats.refined = true;
  deltacnn_gst::attach_frame_result(buffer, r, 100, 100, pose_context());
  const DeltaCnnFrameMeta* frame = gst_buffer_get_deltacnn_frame_meta(buffer);
  ASSERT_NE(frame, nullptr);
  EXPECT_TRUE(frame->keyframe);
  EXPECT_TRUE(frame->refined);
  const nlohmann::json stats = deltacnn_gst::frame_record(buffer, 5, 100, 100)["stats"];
  EXPECT_EQ(stats["keyframe"], true);
  EXPECT_EQ(stats["refined"], true);
  gst_buffer_unref(buffer);
}

TEST_F(GlueTest, JsonRecordWithoutMetaOrPts) {
  GstBuffer* buffer = gst_buffer_new();
  nlohmann::json j = deltacnn_gst::frame_record(buffer, 0, 64, 48);
  EXPECT_TRUE(j["pts"].is_null());
  EXPECT_TRUE(j["objects"].is_array());
  EXPECT_TRUE(j["objects"].empty());
  EXPECT_TRUE(j["stats"].is_null());
  EXPECT_TRUE(j["sources"].is_array());
  EXPECT_TRUE(j["sources"].empty());
  gst_buffer_unref(buffer);
}

}  // namespace

// The caps' colorimetry reaches the engine's view of a YUV frame (session 30: it was ignored,
// and every frame converted as BT.601 limited range). Missing colorimetry takes GStreamer's
// default, as videoconvert does: BT.601 for SD, BT.709 for HD.
TEST_F(GlueTest, TheCapsColorimetryReachesTheFrameView) {
  struct Case {
    const char* caps;
    dcnn::YuvMatrix matrix;
    bool full;
  };
  const Case cases[] = {
      {"video/x-raw,format=I420,width=64,height=48,colorimetry=1:4:0:0", dcnn::YuvMatrix::Bt601, true},  // jpegdec
      {"video/x-raw,format=NV12,width=64,height=48,colorimetry=bt709", dcnn::YuvMatrix::Bt709, false},
      {"video/x-raw,format=I420,width=64,height=48,colorimetry=bt2020", dcnn::YuvMatrix::Bt2020, false},
      {"video/x-raw,format=I420,width=64,height=48", dcnn::YuvMatrix::Bt601, false},
      {"video/x-raw,format=I420,width=1920,height=1080", dcnn::YuvMatrix::Bt709, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.caps);
    GstCaps* caps = gst_caps_from_string(c.caps);
    GstVideoInfo info;
    ASSERT_TRUE(gst_video_info_from_caps(&info, caps));
    gst_caps_unref(caps);
    GstBuffer* buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
    GstVideoFrame frame;
    ASSERT_TRUE(gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ));
    deltacnn_gst::PictureRegion region;
    std::string why;
    ASSERT_TRUE(deltacnn_gst::picture_region(frame, info, &region, &why)) << why;
    const dcnn::ImageView view = deltacnn_gst::image_view(
        frame, GST_VIDEO_INFO_FORMAT(&info) == GST_VIDEO_FORMAT_NV12 ? dcnn::PixelFormat::NV12 : dcnn::PixelFormat::I420,
        region);
    EXPECT_EQ(view.yuv_matrix, c.matrix);
    EXPECT_EQ(view.yuv_full_range, c.full);
    gst_video_frame_unmap(&frame);
    gst_buffer_unref(buffer);
  }
}
