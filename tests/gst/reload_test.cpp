// config-file-path / model set while the deltacnn element runs: the new deployment loads in
// the background while frames go on with the old one, replaces it at a frame boundary
// (model-updated signal, deltacnn-model-updated bus message, open tracks ended and a new
// run_id), and a deployment that cannot load leaves the running one in place with a warning
// that names the file. Real models on the CPU backend, through GstHarness.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "gst/meta/deltacnnmeta.h"
#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_test::caps_string;
using deltacnn_test::config_path;
using deltacnn_test::make_buffer;
using deltacnn_test::require_asset;
using deltacnn_test::synthetic_bgr;
using namespace std::chrono_literals;

constexpr int kWidth = 64;
constexpr int kHeight = 48;

// What model-updated reported, in order.
struct Updates {
  std::mutex lock;
  std::vector<std::pair<int, std::string>> seen;
  size_t count() {
    std::lock_guard<std::mutex> guard(lock);
    return seen.size();
  }
  std::pair<int, std::string> at(size_t i) {
    std::lock_guard<std::mutex> guard(lock);
    return seen.at(i);
  }
};

void on_model_updated(GstElement*, gint err, const gchar* config_file, gpointer user_data) {
  auto* updates = static_cast<Updates*>(user_data);
  std::lock_guard<std::mutex> guard(updates->lock);
  updates->seen.emplace_back(err, config_file != nullptr ? config_file : "");
}

struct FrameInfo {
  std::string model_name;
  bool keyframe = false;
};

class ReloadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }

  void TearDown() override {
    for (GstHarness* h : harnesses_) gst_harness_teardown(h);
    for (GstBus* bus : buses_) gst_object_unref(bus);
    for (const std::string& f : files_) std::remove(f.c_str());
  }

  // A started harness around a deltacnn on `yaml` (CPU backend) with a bus of its own and
  // model-updated recorded into `updates`.
  GstHarness* harness(const std::string& yaml, Updates* updates, int width = kWidth,
                      int height = kHeight, const char* instance = nullptr) {
    GstElement* e = gst_element_factory_make("deltacnn", nullptr);
    EXPECT_NE(e, nullptr);
    if (e == nullptr) return nullptr;
    g_object_set(e, "config-file-path", yaml.c_str(), "backend", 2 /* cpu */, nullptr);
    if (instance != nullptr) g_object_set(e, "model-instance-id", instance, nullptr);
    g_signal_connect(e, "model-updated", G_CALLBACK(on_model_updated), updates);
    GstBus* bus = gst_bus_new();
    gst_element_set_bus(e, bus);
    buses_.push_back(bus);
    GstHarness* h = gst_harness_new_with_element(e, "sink", "src");
    gst_object_unref(e);
    harnesses_.push_back(h);
    gst_harness_set_src_caps_str(h, caps_string(GST_VIDEO_FORMAT_RGB, width, height).c_str());
    return h;
  }

  GstBus* bus_of(GstHarness* h) { return buses_.at(index_of(h)); }
  size_t index_of(GstHarness* h) {
    for (size_t i = 0; i < harnesses_.size(); ++i)
      if (harnesses_[i] == h) return i;
    return 0;
  }

  bool have_both() {
    return require_asset(config_path("movenet-lightning.yaml")) &&
           require_asset(config_path("posenet.yaml"));
  }
  // A harness on MoveNet Lightning that has processed its first frame.
  GstHarness* lightning_running(Updates* updates);

  // A copy of a shipped config (model path made absolute), removed at the end of the test.
  std::string copy_of(const std::string& shipped, const std::string& extra = "") {
    std::string path = deltacnn_test::config_with(shipped, extra);
    files_.push_back(path);
    return path;
  }

  std::vector<GstHarness*> harnesses_;
  std::vector<GstBus*> buses_;
  std::vector<std::string> files_;
};

// Pushes a synthetic frame and returns its frame meta's model name and keyframe flag.
FrameInfo push(GstHarness* h, int shift = 0) {
  FrameInfo info;
  GstBuffer* out = gst_harness_push_and_pull(h, make_buffer(synthetic_bgr(kWidth, kHeight, shift),
                                                            GST_VIDEO_FORMAT_RGB));
  EXPECT_NE(out, nullptr);
  if (out == nullptr) return info;
  DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(out);
  EXPECT_NE(meta, nullptr);
  if (meta != nullptr) {
    info.model_name = meta->model_name != nullptr ? meta->model_name : "";
    info.keyframe = meta->keyframe;
  }
  gst_buffer_unref(out);
  return info;
}

// Pushes frames until one carries `model_name` (at most 60 s); returns how many frames were
// pushed before it, or -1.
int push_until_model(GstHarness* h, const std::string& model_name, FrameInfo* first = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (int n = 0; std::chrono::steady_clock::now() < deadline; ++n) {
    FrameInfo info = push(h, n % 2);
    if (info.model_name == model_name) {
      if (first != nullptr) *first = info;
      return n;
    }
    std::this_thread::sleep_for(5ms);
  }
  return -1;
}

// The bus's messages of `type` so far, popped; the others stay on the bus, in order
// (gst_bus_pop_filtered would drop them).
std::vector<GstMessage*> pop_messages(GstBus* bus, GstMessageType type) {
  std::vector<GstMessage*> out, others;
  while (GstMessage* m = gst_bus_pop(bus))
    (GST_MESSAGE_TYPE(m) & type ? out : others).push_back(m);
  for (GstMessage* m : others) gst_bus_post(bus, m);  // takes the reference
  return out;
}

// Waits (at most 60 s) for the bus's WARNING messages and returns them parsed; the others
// stay on the bus.
std::vector<deltacnn_test::BusError> wait_warnings(GstBus* bus) {
  std::vector<deltacnn_test::BusError> out;
  for (int i = 0; i < 6000 && out.empty(); ++i) {
    for (GstMessage* m : pop_messages(bus, GST_MESSAGE_WARNING)) {
      out.push_back(deltacnn_test::to_bus_error(m));
      gst_message_unref(m);
    }
    if (out.empty()) std::this_thread::sleep_for(10ms);
  }
  return out;
}

std::string property(GstHarness* h, const char* name) {
  gchar* value = nullptr;
  g_object_get(h->element, name, &value, nullptr);
  std::string out = value != nullptr ? value : "";
  g_free(value);
  return out;
}

GstHarness* ReloadTest::lightning_running(Updates* updates) {
  GstHarness* h = harness(config_path("movenet-lightning.yaml"), updates);
  if (h != nullptr) {
    EXPECT_EQ(push(h).model_name, "movenet-lightning");
  }
  return h;
}

TEST_F(ReloadTest, ANewConfigReplacesTheRunningModelWhileFramesGoOn) {
  if (!have_both()) return;
  Updates updates;
  GstHarness* h = harness(config_path("movenet-lightning.yaml"), &updates);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(push(h).model_name, "movenet-lightning");
  EXPECT_FALSE(push(h).keyframe);

  g_object_set(h->element, "config-file-path", config_path("posenet.yaml").c_str(), nullptr);
  EXPECT_EQ(property(h, "config-file-path"), config_path("posenet.yaml"));
  FrameInfo first;
  const int before = push_until_model(h, "posenet", &first);
  ASSERT_GE(before, 0) << "the reloaded model never ran";
  EXPECT_TRUE(first.keyframe) << "a new deployment starts with a dense frame";
  EXPECT_FALSE(push(h).keyframe);
  ASSERT_EQ(updates.count(), 1u);
  EXPECT_EQ(updates.at(0).first, 0);
  EXPECT_EQ(updates.at(0).second, config_path("posenet.yaml"));

  std::vector<GstMessage*> elements = pop_messages(bus_of(h), GST_MESSAGE_ELEMENT);
  ASSERT_EQ(elements.size(), 1u);
  const GstStructure* s = gst_message_get_structure(elements[0]);
  EXPECT_TRUE(gst_structure_has_name(s, "deltacnn-model-updated"));
  gboolean success = FALSE;
  EXPECT_TRUE(gst_structure_get_boolean(s, "success", &success));
  EXPECT_TRUE(success);
  EXPECT_STREQ(gst_structure_get_string(s, "model-name"), "posenet");
  EXPECT_NE(std::string(gst_structure_get_string(s, "model")).find("posenet.onnx"),
            std::string::npos);
  for (GstMessage* m : elements) gst_message_unref(m);
  EXPECT_TRUE(pop_messages(bus_of(h), GST_MESSAGE_ERROR).empty());
}

TEST_F(ReloadTest, ABadConfigIsRefusedAndTheRunningModelStays) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  Updates updates;
  const std::string good = config_path("movenet-lightning.yaml");
  GstHarness* h = harness(good, &updates);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(push(h).model_name, "movenet-lightning");

  // A YAML with a key the schema does not know: refused with the key named.
  const std::string bad = copy_of("movenet-lightning.yaml", "colour_of_sky: blue\n");
  ASSERT_FALSE(bad.empty());
  g_object_set(h->element, "config-file-path", bad.c_str(), nullptr);
  std::vector<deltacnn_test::BusError> warnings = wait_warnings(bus_of(h));
  ASSERT_EQ(warnings.size(), 1u);
  const deltacnn_test::BusError& w = warnings[0];
  EXPECT_EQ(w.domain, GST_RESOURCE_ERROR);
  EXPECT_EQ(w.code, GST_RESOURCE_ERROR_SETTINGS);
  EXPECT_NE(w.message.find("colour_of_sky"), std::string::npos) << w.message;
  EXPECT_NE(w.message.find(bad), std::string::npos) << w.message;
  EXPECT_NE(w.message.find("still running model 'movenet-lightning'"), std::string::npos)
      << w.message;
  std::vector<GstMessage*> elements = pop_messages(bus_of(h), GST_MESSAGE_ELEMENT);
  ASSERT_EQ(elements.size(), 1u);
  gboolean success = TRUE;
  gst_structure_get_boolean(gst_message_get_structure(elements[0]), "success", &success);
  EXPECT_FALSE(success);
  EXPECT_NE(std::string(gst_structure_get_string(gst_message_get_structure(elements[0]), "error"))
                .find("colour_of_sky"),
            std::string::npos);
  for (GstMessage* m : elements) gst_message_unref(m);

  // The property tells what runs again; frames go on with the old model, delta as before, and
  // the streaming thread signals the failure before the next frame.
  EXPECT_EQ(property(h, "config-file-path"), good);
  EXPECT_EQ(updates.count(), 0u);
  FrameInfo next = push(h);
  EXPECT_EQ(next.model_name, "movenet-lightning");
  EXPECT_FALSE(next.keyframe);
  ASSERT_EQ(updates.count(), 1u);
  EXPECT_EQ(updates.at(0).first, GST_RESOURCE_ERROR_SETTINGS);
  EXPECT_EQ(updates.at(0).second, bad);
  EXPECT_TRUE(pop_messages(bus_of(h), GST_MESSAGE_ERROR).empty());
}

// Found by an adversarial review (session 30): the failure's warning was posted from the loader
// thread, where a bus sync handler runs; one that stopped the element there (an NVR giving up
// on a camera whose reload failed) made stop() join the loader thread from itself:
// std::system_error, and the process aborted.
TEST_F(ReloadTest, ASyncHandlerMayStopTheElementOnTheFailureWarning) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  Updates updates;
  GstHarness* h = harness(config_path("movenet-lightning.yaml"), &updates);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(push(h).model_name, "movenet-lightning");
  struct Stopper {
    GstElement* element = nullptr;
    std::mutex lock;
    std::condition_variable done;
    bool stopped = false;
    GstStateChangeReturn result = GST_STATE_CHANGE_FAILURE;
  } stopper;
  stopper.element = h->element;
  gst_bus_set_sync_handler(
      bus_of(h),
      [](GstBus*, GstMessage* m, gpointer data) {
        auto* s = static_cast<Stopper*>(data);
        if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_WARNING) return GST_BUS_PASS;
        const GstStateChangeReturn r = gst_element_set_state(s->element, GST_STATE_NULL);
        std::lock_guard<std::mutex> guard(s->lock);
        s->result = r;
        s->stopped = true;
        s->done.notify_all();
        return GST_BUS_DROP;
      },
      &stopper, nullptr);
  g_object_set(h->element, "config-file-path", "/nonexistent/deltacnn/reload.yaml", nullptr);
  std::unique_lock<std::mutex> guard(stopper.lock);
  ASSERT_TRUE(stopper.done.wait_for(guard, 30s, [&] { return stopper.stopped; }))
      << "no warning for the failed reload";
  EXPECT_EQ(stopper.result, GST_STATE_CHANGE_SUCCESS);
  guard.unlock();
  gst_bus_set_sync_handler(bus_of(h), nullptr, nullptr, nullptr);
}

TEST_F(ReloadTest, AMissingModelFileIsRefusedWithItsPath) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  Updates updates;
  GstHarness* h = harness(config_path("movenet-lightning.yaml"), &updates);
  ASSERT_NE(h, nullptr);
  push(h);
  g_object_set(h->element, "model", "/nonexistent/retrained.onnx", nullptr);
  std::vector<deltacnn_test::BusError> warnings = wait_warnings(bus_of(h));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("/nonexistent/retrained.onnx"), std::string::npos);
  EXPECT_EQ(property(h, "model"), "");  // back to unset: the YAML's model runs
  EXPECT_EQ(push(h).model_name, "movenet-lightning");
  ASSERT_EQ(updates.count(), 1u);
  EXPECT_EQ(updates.at(0).first, GST_RESOURCE_ERROR_NOT_FOUND);
}

// A deployment whose pixel zones do not fit the running video loads, but would fail at its
// first frame: it is refused at the swap (a warning naming the zone and the frame size), and
// the running deployment goes on, instead of the pipeline stopping after a "success".
TEST_F(ReloadTest, ZonesOutsideTheRunningFrameAreRefused) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  Updates updates;
  GstHarness* h = lightning_running(&updates);
  ASSERT_NE(h, nullptr);
  const std::string wide = copy_of("movenet-lightning.yaml",
                                   "zones:\n  - name: door\n    polygon: [[0, 0], [500, 10], [10, 40]]\n");
  ASSERT_FALSE(wide.empty());
  g_object_set(h->element, "config-file-path", wide.c_str(), nullptr);
  // Frames go on with the running model until the load is done and refused at a frame's swap.
  std::vector<deltacnn_test::BusError> warnings;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int i = 0; warnings.empty() && std::chrono::steady_clock::now() < deadline; ++i) {
    ASSERT_EQ(push(h, i).model_name, "movenet-lightning");
    for (GstMessage* m : pop_messages(bus_of(h), GST_MESSAGE_WARNING)) {
      warnings.push_back(deltacnn_test::to_bus_error(m));
      gst_message_unref(m);
    }
    if (warnings.empty()) std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("zones[0] (door).polygon[1]"), std::string::npos) << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("lies outside the " + std::to_string(kWidth) + "x" +
                                     std::to_string(kHeight) + " frame"),
            std::string::npos)
      << warnings[0].message;
  EXPECT_EQ(property(h, "config-file-path"), config_path("movenet-lightning.yaml"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(push(h, i).model_name, "movenet-lightning");
  ASSERT_EQ(updates.count(), 1u);
  EXPECT_EQ(updates.at(0).first, GST_RESOURCE_ERROR_SETTINGS);
  EXPECT_TRUE(pop_messages(bus_of(h), GST_MESSAGE_ERROR).empty());
}

// The frame size can change between the load and the swap (or the reload is asked for before
// any caps): the zones are checked at the swap, against the caps in effect, and a deployment
// they do not fit is refused there instead of stopping the pipeline after a "success".
TEST_F(ReloadTest, ZonesAreCheckedAgainstTheCapsInEffectAtTheSwap) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  Updates updates;
  GstHarness* h = lightning_running(&updates);
  ASSERT_NE(h, nullptr);
  // Fits the running 64x48 frame, not the 32x24 one that follows.
  const std::string fits_now = copy_of("movenet-lightning.yaml",
                                       "zones:\n  - name: door\n    polygon: [[0, 0], [60, 0], [60, 40]]\n");
  ASSERT_FALSE(fits_now.empty());
  g_object_set(h->element, "config-file-path", fits_now.c_str(), nullptr);
  g_usleep(3 * G_USEC_PER_SEC);  // loaded (Lightning: well under a second), not taken: no frame yet
  gst_harness_set_src_caps_str(h, caps_string(GST_VIDEO_FORMAT_RGB, 32, 24).c_str());
  GstBuffer* out = gst_harness_push_and_pull(h, make_buffer(synthetic_bgr(32, 24), GST_VIDEO_FORMAT_RGB));
  ASSERT_NE(out, nullptr) << "the pipeline stopped";
  EXPECT_STREQ(gst_buffer_get_deltacnn_frame_meta(out)->model_name, "movenet-lightning");
  gst_buffer_unref(out);
  std::vector<deltacnn_test::BusError> warnings = wait_warnings(bus_of(h));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("lies outside the 32x24 frame"), std::string::npos) << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("still running model 'movenet-lightning'"), std::string::npos)
      << warnings[0].message;
  EXPECT_EQ(property(h, "config-file-path"), config_path("movenet-lightning.yaml"));
  ASSERT_EQ(updates.count(), 1u);
  EXPECT_EQ(updates.at(0).first, GST_RESOURCE_ERROR_SETTINGS);
  EXPECT_TRUE(pop_messages(bus_of(h), GST_MESSAGE_ERROR).empty());
}

TEST_F(ReloadTest, AFailureAfterAnUntakenLoadFallsBackToThatLoad) {
  if (!have_both()) return;
  Updates updates;
  GstHarness* h = lightning_running(&updates);
  ASSERT_NE(h, nullptr);
  const std::string bad = copy_of("movenet-lightning.yaml", "colour_of_sky: blue\n");
  ASSERT_FALSE(bad.empty());
  // PoseNet loads, then (no frame in between, as on a paused or offline camera) a bad file:
  // the element goes on with PoseNet, which takes over at the next frame, and the properties
  // say so.
  g_object_set(h->element, "config-file-path", config_path("posenet.yaml").c_str(), nullptr);
  // Time for the loader to take PoseNet up (set at once, the two would coalesce to the bad one).
  std::this_thread::sleep_for(200ms);
  g_object_set(h->element, "config-file-path", bad.c_str(), nullptr);
  std::vector<deltacnn_test::BusError> warnings = wait_warnings(bus_of(h));
  ASSERT_EQ(warnings.size(), 1u);
  const std::string text = warnings[0].message;
  EXPECT_EQ(property(h, "config-file-path"), config_path("posenet.yaml"));
  FrameInfo next = push(h);
  EXPECT_EQ(next.model_name, "posenet") << text;
  EXPECT_TRUE(next.keyframe);
  EXPECT_NE(text.find("going on with config '" + config_path("posenet.yaml")), std::string::npos)
      << text;
  // Signalled in request order: PoseNet's success, then the bad file's failure.
  ASSERT_EQ(updates.count(), 2u);
  EXPECT_EQ(updates.at(0), std::make_pair(0, config_path("posenet.yaml")));
  EXPECT_EQ(updates.at(1).first, GST_RESOURCE_ERROR_SETTINGS);
  EXPECT_EQ(updates.at(1).second, bad);
}

TEST_F(ReloadTest, PropertiesSetTogetherLoadOnce) {
  if (!have_both()) return;
  Updates updates;
  GstHarness* h = lightning_running(&updates);
  ASSERT_NE(h, nullptr);
  // The model alone would load Lightning's YAML with PoseNet's network, which its decoder
  // refuses. Set together (one g_object_set, or here between freeze and thaw, with time for a
  // load in between) the two load once, as a pair, when the notifications are dispatched.
  g_object_freeze_notify(G_OBJECT(h->element));
  g_object_set(h->element, "model", deltacnn_test::model_path("posenet.onnx").c_str(), nullptr);
  std::this_thread::sleep_for(500ms);
  g_object_set(h->element, "config-file-path", config_path("posenet.yaml").c_str(), nullptr);
  g_object_thaw_notify(G_OBJECT(h->element));
  ASSERT_GE(push_until_model(h, "posenet"), 0);
  std::this_thread::sleep_for(300ms);
  push(h);
  ASSERT_EQ(updates.count(), 1u);
  EXPECT_EQ(updates.at(0).first, 0);
  std::vector<GstMessage*> warnings = pop_messages(bus_of(h), GST_MESSAGE_WARNING);
  for (GstMessage* m : warnings) {
    ADD_FAILURE() << deltacnn_test::to_bus_error(m).message;
    gst_message_unref(m);
  }
}

TEST_F(ReloadTest, TheSameFileAgainReloadsIt) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  // An operator edits the YAML in place and sets the same path: the file is read again.
  const std::string yaml = copy_of("movenet-lightning.yaml");
  ASSERT_FALSE(yaml.empty());
  Updates updates;
  GstHarness* h = harness(yaml, &updates);
  ASSERT_NE(h, nullptr);
  push(h);
  EXPECT_FALSE(push(h).keyframe);
  {
    std::FILE* f = std::fopen(yaml.c_str(), "a");
    ASSERT_NE(f, nullptr);
    std::fputs("# edited\n", f);
    std::fclose(f);
  }
  g_object_set(h->element, "config-file-path", yaml.c_str(), nullptr);
  // The signal comes before the new stream's first frame, which is dense.
  FrameInfo first;
  for (int i = 0; i < 6000 && updates.count() == 0; ++i) {
    first = push(h);
    if (updates.count() == 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(updates.count(), 1u);
  EXPECT_EQ(updates.at(0).first, 0);
  EXPECT_TRUE(first.keyframe);
}

TEST_F(ReloadTest, StoppingDuringAReloadWaitsAndDropsIt) {
  if (!have_both()) return;
  Updates updates;
  GstHarness* h = lightning_running(&updates);
  ASSERT_NE(h, nullptr);
  g_object_set(h->element, "config-file-path", config_path("posenet.yaml").c_str(), nullptr);
  // Straight to NULL, most likely while PoseNet loads: stop() waits for the load and drops it
  // (the reloader's own test holds a load open to show the wait).
  EXPECT_EQ(gst_element_set_state(h->element, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  EXPECT_EQ(updates.count(), 0u);
  // Started again, it loads what the property now names.
  EXPECT_EQ(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  gst_harness_set_src_caps_str(h, caps_string(GST_VIDEO_FORMAT_RGB, kWidth, kHeight).c_str());
  EXPECT_EQ(push(h).model_name, "posenet");
}

// The first element of an id to reload re-reads the id's files and its model becomes the
// id's; the others share it when they reload and elements that start later get it. A reload
// onto another model under the id is refused while others run the id's model: before session
// 30 it took the id, and the others' own reloads and restarts were refused.
TEST_F(ReloadTest, ElementsSharingAModelIdReloadOneAfterAnother) {
  if (!have_both()) return;
  Updates ua, ub;
  GstHarness* a = harness(config_path("movenet-lightning.yaml"), &ua, kWidth, kHeight, "reload-pool");
  GstHarness* b = harness(config_path("movenet-lightning.yaml"), &ub, kWidth, kHeight, "reload-pool");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  push(a);
  push(b);
  g_object_set(a->element, "config-file-path", config_path("posenet.yaml").c_str(), nullptr);
  std::vector<deltacnn_test::BusError> warnings = wait_warnings(bus_of(a));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("1 other deployment of the id run it: set model-instance-id to a new id"),
            std::string::npos) << warnings[0].message;
  EXPECT_EQ(push(a).model_name, "movenet-lightning");
  EXPECT_EQ(push(b).model_name, "movenet-lightning");
  ASSERT_EQ(ua.count(), 1u);
  EXPECT_EQ(ua.at(0).first, GST_RESOURCE_ERROR_SETTINGS);

  // a re-reads its own file: the id's model is loaded afresh; b keeps running the one it had,
  // and an element that starts now with the id shares a's.
  const std::string copy = copy_of("movenet-lightning.yaml");
  g_object_set(a->element, "config-file-path", copy.c_str(), nullptr);
  for (int i = 0; i < 6000 && ua.count() < 2; ++i) {
    push(a);
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(ua.count(), 2u);
  EXPECT_EQ(ua.at(1).first, 0);
  GstElement* late = gst_element_factory_make("deltacnn", nullptr);
  g_object_set(late, "config-file-path", config_path("movenet-lightning.yaml").c_str(),
               "backend", 2, "model-instance-id", "reload-pool", nullptr);
  std::optional<deltacnn_test::BusError> late_error = deltacnn_test::start_and_get_error(late);
  EXPECT_FALSE(late_error.has_value()) << late_error->message;

  // With b gone, a alone runs the id's model: it may move the id to PoseNet.
  gst_element_set_state(b->element, GST_STATE_NULL);
  g_object_set(a->element, "config-file-path", config_path("posenet.yaml").c_str(), nullptr);
  ASSERT_GE(push_until_model(a, "posenet"), 0);
  EXPECT_EQ(ua.at(2).first, 0);
}

// deltacnn-cameras' reload: a holder loads the new config on a new id, the running elements
// move onto that id and its model in one set.
TEST_F(ReloadTest, AnElementMovesToAnotherIdsModel) {
  if (!have_both()) return;
  Updates ua, uholder;
  GstHarness* a = harness(config_path("movenet-lightning.yaml"), &ua, kWidth, kHeight, "move#1");
  GstHarness* holder = harness(config_path("posenet.yaml"), &uholder, kWidth, kHeight, "move#2");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(holder, nullptr);
  EXPECT_EQ(push(a).model_name, "movenet-lightning");
  EXPECT_EQ(push(holder).model_name, "posenet");
  g_object_set(a->element, "model-instance-id", "move#2", "config-file-path",
               config_path("posenet.yaml").c_str(), nullptr);
  ASSERT_GE(push_until_model(a, "posenet"), 0);
  ASSERT_EQ(ua.count(), 1u);
  EXPECT_EQ(ua.at(0).first, 0);
  EXPECT_EQ(property(a, "model-instance-id"), "move#2");
  EXPECT_TRUE(pop_messages(bus_of(a), GST_MESSAGE_WARNING).empty());
}

TEST_F(ReloadTest, OpenTracksEndAndTheNewRunHasItsOwnRunId) {
  const std::string multipose = config_path("movenet-multipose.yaml");
  if (!require_asset(multipose)) return;
  Updates updates;
  GstHarness* h = harness(multipose, &updates, 768, 576);
  ASSERT_NE(h, nullptr);
  auto vtest = [&](int index) {
    GstBuffer* out =
        gst_harness_push_and_pull(h, make_buffer(deltacnn_test::vtest_frame(index), GST_VIDEO_FORMAT_RGB));
    ASSERT_NE(out, nullptr);
    gst_buffer_unref(out);
  };
  // Events as they came out, parsed.
  auto events = [&] {
    std::vector<nlohmann::json> out;
    while (GstEvent* e = gst_harness_try_pull_event(h)) {
      const GstStructure* s = gst_event_get_structure(e);
      if (s != nullptr && gst_structure_has_name(s, "deltacnn-track-event"))
        out.push_back(nlohmann::json::parse(gst_structure_get_string(s, "json")));
      gst_event_unref(e);
    }
    return out;
  };
  for (int i = 0; i < 8; ++i) vtest(i);
  std::vector<nlohmann::json> before = events();
  std::map<int, bool> open;
  std::string old_run;
  for (const auto& e : before) {
    old_run = e["run_id"];
    if (e["event"] == "start") open[e["track_id"]] = true;
    if (e["event"] == "end") open.erase(e["track_id"].get<int>());
  }
  ASSERT_FALSE(open.empty()) << "no track started on vtest's first frames";

  g_object_set(h->element, "config-file-path", multipose.c_str(), nullptr);
  int frame = 8;
  for (; frame < 8 + 2000 && updates.count() == 0; ++frame) vtest(frame % 700);
  ASSERT_EQ(updates.count(), 1u);
  for (int i = 0; i < 8; ++i) vtest(frame + i);
  std::vector<nlohmann::json> after = events();
  std::string new_run;
  int64_t first_new_seq = -1;
  for (const auto& e : after) {
    if (e["run_id"] == old_run) {
      if (e["event"] == "end") open.erase(e["track_id"].get<int>());
      continue;
    }
    if (new_run.empty()) {
      new_run = e["run_id"];
      first_new_seq = e["seq"];
    }
  }
  EXPECT_TRUE(open.empty()) << open.size() << " tracks of the old run never ended";
  ASSERT_FALSE(new_run.empty()) << "the reloaded deployment started no track";
  EXPECT_NE(new_run, old_run);
  EXPECT_EQ(first_new_seq, 0);
}

}  // namespace
