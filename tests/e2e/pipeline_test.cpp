// End to end on the CPU backend: vtest.avi decoded by GStreamer, pose estimation by deltacnn
// (MoveNet MultiPose, delta mode), one JSON record per frame from deltacnnjson. vtest shows
// several pedestrians on every one of its first frames, so each record must hold people.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_test::config_path;
using deltacnn_test::require_asset;

// Frames to run: enough for delta frames to dominate, small enough for ~1 min on 2 cores.
constexpr int kFrames = 40;

GstPadProbeReturn count_buffer(GstPad*, GstPadProbeInfo*, gpointer counter) {
  ++*static_cast<int*>(counter);
  return GST_PAD_PROBE_OK;
}

// Runs `description` (which names its deltacnn "dcnn") to EOS; returns the number of buffers
// that left deltacnn, or -1 after recording a failure.
int run_counting(const std::string& description, int timeout_s) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  if (error != nullptr) {
    ADD_FAILURE() << "parse error: " << error->message;
    g_error_free(error);
    if (pipeline) gst_object_unref(pipeline);
    return -1;
  }
  int buffers = 0;
  GstElement* dcnn = gst_bin_get_by_name(GST_BIN(pipeline), "dcnn");
  GstPad* src = gst_element_get_static_pad(dcnn, "src");
  gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, &buffers, nullptr);
  gst_object_unref(src);
  gst_object_unref(dcnn);

  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* msg = gst_bus_timed_pop_filtered(
      bus, static_cast<GstClockTime>(timeout_s) * GST_SECOND,
      static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
  if (msg == nullptr) {
    ADD_FAILURE() << "no EOS within " << timeout_s << " s";
    buffers = -1;
  } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError* err = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(msg, &err, &debug);
    ADD_FAILURE() << "pipeline error from " << GST_MESSAGE_SRC_NAME(msg) << ": " << err->message
                  << " (" << (debug ? debug : "") << ")";
    g_error_free(err);
    g_free(debug);
    buffers = -1;
  }
  if (msg) gst_message_unref(msg);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return buffers;
}

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
  void SetUp() override { json_ = deltacnn_test::temp_path("deltacnn-e2e", ".jsonl"); }
  void TearDown() override { std::remove(json_.c_str()); }
  std::string json_;
};

TEST_F(PipelineTest, PosesOnVtestOnTheCpuBackend) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml) || !require_asset(deltacnn_test::vtest_path())) return;
  // identity eos-after ends the stream after the first frames (it passes N - 1 buffers).
  const std::string pipeline =
      "filesrc location=\"" + deltacnn_test::vtest_path() + "\" ! avidemux ! avdec_msmpeg4 ! "
      "videoconvert ! identity eos-after=" + std::to_string(kFrames + 1) + " ! "
      "deltacnn name=dcnn backend=cpu config-file-path=\"" + yaml + "\" ! "
      "deltacnnjson location=\"" + json_ + "\" ! fakesink";
  const int buffers = run_counting(pipeline, 240);
  ASSERT_GT(buffers, 0);
  EXPECT_GE(buffers, kFrames - 1);

  std::vector<nlohmann::json> records = deltacnn_test::read_json_records(json_);
  ASSERT_EQ(static_cast<int>(records.size()), buffers) << "one JSON record per frame";

  int people = 0;
  double input_active_sum = 0.0;
  int delta_frames = 0;
  int persisting_ids = 0, ids_before = 0;
  std::set<int> previous_ids;
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    const nlohmann::json& r = records[i];
    EXPECT_EQ(r["frame"], i);
    EXPECT_EQ(r["width"], 768);
    EXPECT_EQ(r["height"], 576);
    ASSERT_TRUE(r["pts"].is_number());
    if (i > 0) {
      EXPECT_GT(r["pts"].get<uint64_t>(), records[i - 1]["pts"].get<uint64_t>());
    }

    const nlohmann::json& stats = r["stats"];
    ASSERT_TRUE(stats.is_object());
    EXPECT_EQ(stats["backend"], "cpu");
    // keyframe_interval is 300, so besides frame 0 only busy-scene frames run dense
    // (keyframe_break_even): vtest's first P-frames shift whole regions by a few levels, which
    // the block-mean test catches, and frames 2, 4 and 5 follow busy frames.
    if (i == 0) {
      EXPECT_TRUE(stats["keyframe"].get<bool>());
    }
    if (i > 0 && !stats["keyframe"].get<bool>()) {
      // A static camera: only walking people and codec noise change (0.2 - 0.35 of the input on
      // frames 1-3, later frames near 0.1: checked on the mean below).
      EXPECT_LT(stats["input_active"].get<double>(), 0.4);
      input_active_sum += stats["input_active"].get<double>();
      ++delta_frames;
    }

    const nlohmann::json& objects = r["objects"];
    EXPECT_GE(objects.size(), 2u) << "vtest shows several pedestrians on its first frames";
    people += static_cast<int>(objects.size());
    std::set<int> ids;
    for (const nlohmann::json& o : objects) {
      EXPECT_EQ(o["label"], "person");
      // A track starts at 0.25 and, with the shipped tracker's hysteresis, continues down to
      // tracker.score_off (0.12).
      EXPECT_GE(o["confidence"].get<double>(), 0.12);
      EXPECT_GE(o["track_age"].get<int>(), 1);
      EXPECT_GE(o["box"]["x_min"].get<double>(), 0.0);
      EXPECT_LE(o["box"]["x_max"].get<double>(), 768.0);
      EXPECT_LT(o["box"]["y_min"].get<double>(), o["box"]["y_max"].get<double>());
      EXPECT_EQ(o["keypoints"].size(), 17u);
      ids.insert(o["id"].get<int>());
    }
    EXPECT_EQ(ids.size(), objects.size()) << "ids are unique within a frame";
    for (int id : previous_ids) persisting_ids += ids.count(id);
    ids_before += static_cast<int>(previous_ids.size());
    previous_ids = ids;
  }
  EXPECT_GE(static_cast<double>(people) / records.size(), 3.0) << "people per frame on average";
  // Most frames of a static camera must run as delta frames, or the element is just dense.
  ASSERT_GE(delta_frames, int(records.size()) * 2 / 3) << "delta frames among " << records.size();
  EXPECT_TRUE(records.back()["stats"]["keyframe"] == false) << "the scene is calm by the last frame";
  EXPECT_LT(input_active_sum / delta_frames, 0.15) << "mean input active fraction of the delta frames";
  // Pedestrians walk slowly at 10 fps: most keep their id from one frame to the next.
  EXPECT_GE(persisting_ids, ids_before * 7 / 10);
}

TEST_F(PipelineTest, Nv12ThroughOverlayConvertAndScale) {
  const std::string yaml = config_path("movenet-lightning.yaml");
  if (!require_asset(yaml) || !require_asset(deltacnn_test::vtest_path())) return;
  const std::string pipeline =
      "filesrc location=\"" + deltacnn_test::vtest_path() + "\" ! avidemux ! avdec_msmpeg4 ! "
      "videoconvert ! video/x-raw,format=NV12 ! identity eos-after=6 ! "
      "deltacnn name=dcnn backend=cpu config-file-path=\"" + yaml + "\" ! "
      "deltacnnoverlay show-stats=true ! videoconvert ! video/x-raw,format=BGRx ! videoscale ! "
      "video/x-raw,width=384,height=288 ! deltacnnjson location=\"" + json_ + "\" ! fakesink";
  const int buffers = run_counting(pipeline, 120);
  ASSERT_GT(buffers, 0);
  std::vector<nlohmann::json> records = deltacnn_test::read_json_records(json_);
  ASSERT_EQ(static_cast<int>(records.size()), buffers);
  // The metas survive colour conversion and scaling; boxes follow the scaled frame.
  for (const nlohmann::json& r : records) {
    EXPECT_EQ(r["width"], 384);
    ASSERT_TRUE(r["stats"].is_object());
    EXPECT_EQ(r["stats"]["model"], "movenet-lightning");
    for (const nlohmann::json& o : r["objects"]) EXPECT_LE(o["box"]["x_max"].get<double>(), 384.0);
  }
}

}  // namespace
