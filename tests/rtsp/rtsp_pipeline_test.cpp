// Suite 'rtsp': deltacnn behind a real RTSP camera. A stand-in camera (rtsp-test-server, its
// own process) streams vtest.avi as H.264 on 127.0.0.1; the client is the pipeline operators
// run: rtspsrc (TCP) ! decodebin ! videoconvert ! deltacnn ! deltacnnjson ! fakesink.
// Checked: a JSON record with stats for every frame and people found; a camera that vanishes
// (SIGKILL) mid-stream gives a clean ERROR or EOS in bounded time, no crash, clean teardown;
// the camera coming back works with a new pipeline. MoveNet Lightning keeps it fast on 2 cores.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/gst/gst_test_support.h"
#include "tests/rtsp/child_process.h"

namespace deltacnn_test {
namespace {

constexpr int kServerStartTimeoutS = 20;
constexpr int kFramesTimeoutS = 60;     // first frames: RTSP set-up + model load + inference
constexpr int kVanishTimeoutS = 30;     // camera killed -> ERROR/EOS on the bus

struct ClientPipeline {
  GstElement* pipeline = nullptr;
  GstBus* bus = nullptr;
  std::atomic<int> frames{0};

  ~ClientPipeline() { stop(); }

  // Parses and starts the client; false (with a test failure) on a parse error.
  bool start(const std::string& url, const std::string& json_path) {
    const std::string description =
        "rtspsrc location=" + url +
        " protocols=tcp latency=200 tcp-timeout=5000000 timeout=5000000 ! decodebin ! "
        "videoconvert ! deltacnn config-file-path=" +
        config_path("movenet-lightning.yaml") + " backend=cpu ! deltacnnjson location=" +
        json_path + " ! fakesink name=sink sync=false";
    GError* error = nullptr;
    pipeline = gst_parse_launch(description.c_str(), &error);
    if (error != nullptr) {
      ADD_FAILURE() << "parse error: " << error->message;
      g_error_free(error);
      return false;
    }
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    GstPad* pad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(
        pad, GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo*, gpointer data) {
          static_cast<std::atomic<int>*>(data)->fetch_add(1);
          return GST_PAD_PROBE_OK;
        },
        &frames, nullptr);
    gst_object_unref(pad);
    gst_object_unref(sink);
    bus = gst_element_get_bus(pipeline);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    return true;
  }

  // Waits until `count` frames went through, or an ERROR/EOS, or the timeout. Returns the
  // ERROR/EOS message (caller unrefs) or nullptr.
  GstMessage* wait_frames(int count, int timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (frames.load() < count && std::chrono::steady_clock::now() < deadline) {
      GstMessage* m = gst_bus_timed_pop_filtered(
          bus, 100 * GST_MSECOND,
          static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
      if (m != nullptr) return m;
    }
    return nullptr;
  }

  void stop() {
    if (pipeline == nullptr) return;
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(bus);
    gst_object_unref(pipeline);
    pipeline = nullptr;
    bus = nullptr;
  }
};

std::string describe(GstMessage* message) {
  if (message == nullptr) return "no message";
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS) return "EOS";
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  std::string out = std::string("ERROR from ") + GST_MESSAGE_SRC_NAME(message) + ": " +
                    error->message + " (" + (debug ? debug : "") + ")";
  g_error_free(error);
  g_free(debug);
  return out;
}

std::vector<nlohmann::json> read_records(const std::string& path) {
  std::vector<nlohmann::json> records;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) records.push_back(nlohmann::json::parse(line));
  return records;
}

// Every frame has a record, numbered 0..n-1, with the element's frame stats; returns how many
// records hold at least one person.
int check_records(const std::vector<nlohmann::json>& records, int expected_at_least) {
  EXPECT_GE(static_cast<int>(records.size()), expected_at_least);
  int with_person = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const nlohmann::json& r = records[i];
    EXPECT_EQ(r["frame"].get<int>(), static_cast<int>(i)) << "a frame has no record";
    EXPECT_EQ(r["width"].get<int>(), 768);
    EXPECT_EQ(r["height"].get<int>(), 576);
    EXPECT_TRUE(r["stats"].is_object()) << "frame " << i << " has no DeltaCnnFrameMeta";
    if (r["stats"].is_object()) {
      EXPECT_EQ(r["stats"]["backend"], "cpu");
    }
    for (const auto& o : r["objects"])
      if (o["label"] == "person") {
        ++with_person;
        break;
      }
  }
  return with_person;
}

class RtspTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_gstreamer();
    if (!require_asset(vtest_path()) || !require_asset(config_path("movenet-lightning.yaml")) ||
        !require_asset(model_path("movenet-lightning.onnx")))
      GTEST_FAIL() << "assets missing";
    port_ = free_tcp_port();
    ASSERT_GT(port_, 0) << "no free TCP port on 127.0.0.1";
  }

  std::unique_ptr<RtspServerProcess> start_server() {
    auto server = std::make_unique<RtspServerProcess>(RTSP_TEST_SERVER, port_, vtest_path());
    std::string error;
    if (!server->wait_ready(kServerStartTimeoutS, &error)) {
      ADD_FAILURE() << error;
      return nullptr;
    }
    return server;
  }

  int port_ = 0;
};

TEST_F(RtspTest, EveryFrameGetsAJsonRecordAndPeopleAreFound) {
  auto server = start_server();
  ASSERT_NE(server, nullptr);
  const std::string json = temp_path("rtsp-json", ".jsonl");
  constexpr int kFrames = 12;
  {
    ClientPipeline client;
    ASSERT_TRUE(client.start(server->url(), json));
    GstMessage* m = client.wait_frames(kFrames, kFramesTimeoutS);
    EXPECT_EQ(m, nullptr) << "the stream ended early: " << describe(m);
    if (m) gst_message_unref(m);
    ASSERT_GE(client.frames.load(), kFrames) << "too few frames within " << kFramesTimeoutS
                                             << " s";
    client.stop();  // closes the JSON file
  }
  const auto records = read_records(json);
  const int with_person = check_records(records, kFrames);
  // vtest shows pedestrians in every frame; the single-person model finds one on most of them.
  EXPECT_GE(with_person, static_cast<int>(records.size()) / 2)
      << "people found on only " << with_person << " of " << records.size() << " frames";
  std::remove(json.c_str());
}

TEST_F(RtspTest, VanishedCameraEndsCleanlyAndARestartedOneWorks) {
  auto server = start_server();
  ASSERT_NE(server, nullptr);
  const std::string json1 = temp_path("rtsp-killed", ".jsonl");
  {
    ClientPipeline client;
    ASSERT_TRUE(client.start(server->url(), json1));
    GstMessage* m = client.wait_frames(4, kFramesTimeoutS);
    ASSERT_EQ(m, nullptr) << describe(m);
    ASSERT_GE(client.frames.load(), 4);

    server->kill_now();  // SIGKILL: the camera vanishes mid-stream without a TEARDOWN
    const auto killed_at = std::chrono::steady_clock::now();
    GstMessage* end = client.wait_frames(1 << 30, kVanishTimeoutS);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
    ASSERT_NE(end, nullptr) << "no ERROR or EOS within " << kVanishTimeoutS
                            << " s after the camera vanished";
    std::printf("camera killed: %s after %.1f s\n", describe(end).c_str(), seconds);
    if (GST_MESSAGE_TYPE(end) == GST_MESSAGE_ERROR) {
      // The error comes from the source, not from deltacnn (which must not fail on this).
      EXPECT_EQ(std::string(GST_MESSAGE_SRC_NAME(end)).find("deltacnn"), std::string::npos)
          << describe(end);
    }
    gst_message_unref(end);
    client.stop();  // NULL + unref must not hang or crash with the source gone
  }
  check_records(read_records(json1), 4);
  std::remove(json1.c_str());

  // The camera comes back on the same address: a new pipeline runs again.
  server = start_server();
  ASSERT_NE(server, nullptr);
  const std::string json2 = temp_path("rtsp-restarted", ".jsonl");
  {
    ClientPipeline client;
    ASSERT_TRUE(client.start(server->url(), json2));
    GstMessage* m = client.wait_frames(4, kFramesTimeoutS);
    EXPECT_EQ(m, nullptr) << describe(m);
    if (m) gst_message_unref(m);
    EXPECT_GE(client.frames.load(), 4);
    client.stop();
  }
  check_records(read_records(json2), 4);
  std::remove(json2.c_str());
}

}  // namespace
}  // namespace deltacnn_test
