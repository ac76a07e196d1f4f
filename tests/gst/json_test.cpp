// deltacnnjson through GstHarness: one flushed JSON line per frame, the documented fields, and
// a clean error for a location it cannot write.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iterator>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gst/meta/deltacnnmeta.h"
#include "tests/gst/gst_test_support.h"

namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class JsonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
  void SetUp() override { path_ = deltacnn_test::temp_path("deltacnn-json", ".jsonl"); }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

GstBuffer* frame_with_person(GstClockTime pts) {
  GstBuffer* b = deltacnn_test::make_buffer(deltacnn_test::synthetic_bgr(64, 48),
                                            GST_VIDEO_FORMAT_RGB, pts);
  DeltaCnnDetection d = {};
  d.id = 3;
  d.label = "person";
  d.label_id = 0;
  d.confidence = 0.75;
  d.x_min = 0.25;
  d.y_min = 0.5;
  d.x_max = 0.5;
  d.y_max = 1.0;
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(b, &d, 64, 48);
  DeltaCnnKeypoint p = {"nose", 20.f, 30.f, 0.f, 0.f, 0.5f};
  deltacnn_roi_add_keypoints(roi, &p, 1, nullptr, 0, 64, 48);
  DeltaCnnFrameMeta* m = gst_buffer_add_deltacnn_frame_meta(b);
  m->keyframe = TRUE;
  m->input_active = 1.f;
  m->infer_ms = 3.5;
  deltacnn_frame_meta_set_backend(m, "cpu");
  return b;
}

TEST_F(JsonTest, OneFlushedRecordPerFrame) {
  GstHarness* h = gst_harness_new_parse(("deltacnnjson location=" + path_).c_str());
  ASSERT_NE(h, nullptr);
  gst_harness_set_src_caps_str(h, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());

  gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(GST_SECOND)));
  EXPECT_EQ(read_lines(path_).size(), 1u) << "each record is flushed at once";
  GstBuffer* plain = deltacnn_test::make_buffer(deltacnn_test::synthetic_bgr(64, 48),
                                                GST_VIDEO_FORMAT_RGB);
  GST_BUFFER_PTS(plain) = GST_CLOCK_TIME_NONE;
  gst_buffer_unref(gst_harness_push_and_pull(h, plain));
  gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(3 * GST_SECOND)));
  gst_harness_teardown(h);

  std::vector<std::string> lines = read_lines(path_);
  ASSERT_EQ(lines.size(), 3u);
  nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["frame"], 0);
  EXPECT_EQ(first["pts"], 1000000000ull);
  EXPECT_EQ(first["width"], 64);
  EXPECT_EQ(first["height"], 48);
  ASSERT_EQ(first["objects"].size(), 1u);
  const nlohmann::json& o = first["objects"][0];
  EXPECT_EQ(o["id"], 3);
  EXPECT_EQ(o["label"], "person");
  EXPECT_EQ(o["label_id"], 0);
  EXPECT_DOUBLE_EQ(o["confidence"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(o["box"]["x_min"].get<double>(), 16.0);
  EXPECT_DOUBLE_EQ(o["box"]["y_min"].get<double>(), 24.0);
  EXPECT_DOUBLE_EQ(o["box"]["x_max"].get<double>(), 32.0);
  EXPECT_DOUBLE_EQ(o["box"]["y_max"].get<double>(), 48.0);
  ASSERT_EQ(o["keypoints"].size(), 1u);
  EXPECT_EQ(o["keypoints"][0]["name"], "nose");
  EXPECT_DOUBLE_EQ(o["keypoints"][0]["x"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(o["keypoints"][0]["score"].get<double>(), 0.5);
  EXPECT_EQ(first["stats"]["keyframe"], true);
  EXPECT_EQ(first["stats"]["backend"], "cpu");
  EXPECT_DOUBLE_EQ(first["stats"]["infer_ms"].get<double>(), 3.5);

  nlohmann::json second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["frame"], 1);
  EXPECT_TRUE(second["pts"].is_null());
  EXPECT_TRUE(second["objects"].empty());
  EXPECT_TRUE(second["stats"].is_null());
  EXPECT_EQ(nlohmann::json::parse(lines[2])["frame"], 2);
}

// append=true keeps what an earlier run wrote (a camera pipeline restarted by a supervisor or
// a reconnect); the default replaces the file.
TEST_F(JsonTest, AppendKeepsAnEarlierRunsRecords) {
  auto run_once = [&](const std::string& extra) {
    GstHarness* h = gst_harness_new_parse(("deltacnnjson location=" + path_ + extra).c_str());
    ASSERT_NE(h, nullptr);
    gst_harness_set_src_caps_str(h, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());
    gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(GST_SECOND)));
    gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(2 * GST_SECOND)));
    gst_harness_teardown(h);
  };
  run_once("");
  run_once(" append=true");
  EXPECT_EQ(read_lines(path_).size(), 4u);
  run_once("");
  EXPECT_EQ(read_lines(path_).size(), 2u);
}

// A killed run (or a full disk) can leave a torn last line: appending ends it first, so the new
// records stay whole lines of their own.
TEST_F(JsonTest, AppendAfterATornLineKeepsTheNewRecordsWhole) {
  { std::ofstream(path_) << "{\"frame\":5,\"partial"; }
  GstHarness* h = gst_harness_new_parse(("deltacnnjson append=true location=" + path_).c_str());
  ASSERT_NE(h, nullptr);
  gst_harness_set_src_caps_str(h, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());
  gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(GST_SECOND)));
  gst_harness_teardown(h);
  std::ifstream in(path_);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"frame\":5,\"partial");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["frame"], 0);
}

TEST_F(JsonTest, UnwritableLocationIsAnOpenWriteError) {
  GstElement* e = gst_element_factory_make("deltacnnjson", nullptr);
  ASSERT_NE(e, nullptr);
  g_object_set(e, "location", "/nonexistent/deltacnn/out.jsonl", nullptr);
  auto error = deltacnn_test::start_and_get_error(e);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->domain, GST_RESOURCE_ERROR);
  EXPECT_EQ(error->code, GST_RESOURCE_ERROR_OPEN_WRITE);
  EXPECT_NE(error->message.find("/nonexistent/deltacnn/out.jsonl"), std::string::npos)
      << error->message;
}

// A FIFO nobody reads: an error at start naming the cause, not a state change blocked in open()
// (which Ctrl-C could not interrupt).
TEST_F(JsonTest, AFifoWithoutAReaderIsAnOpenWriteError) {
  ASSERT_EQ(mkfifo(path_.c_str(), 0600), 0);
  GstElement* e = gst_element_factory_make("deltacnnjson", nullptr);
  ASSERT_NE(e, nullptr);
  g_object_set(e, "location", path_.c_str(), nullptr);
  auto error = deltacnn_test::start_and_get_error(e);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, GST_RESOURCE_ERROR_OPEN_WRITE);
  EXPECT_NE(error->message.find("a FIFO nobody reads"), std::string::npos) << error->message;
}

// A reader that goes away (a FIFO, a pipe from stdout): a WRITE error, not SIGPIPE, whose
// default action would kill the test process (and every camera of an NVR process).
TEST_F(JsonTest, AReaderThatGoesAwayIsAWriteErrorNotSigpipe) {
  ASSERT_EQ(mkfifo(path_.c_str(), 0600), 0);
  const int reader = open(path_.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  GstHarness* h = gst_harness_new_parse(("deltacnnjson location=" + path_).c_str());
  ASSERT_NE(h, nullptr);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  gst_harness_set_src_caps_str(h, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());
  gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(GST_SECOND)));
  close(reader);
  EXPECT_EQ(gst_harness_push(h, frame_with_person(2 * GST_SECOND)), GST_FLOW_ERROR);
  GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  ASSERT_NE(m, nullptr);
  const deltacnn_test::BusError err = deltacnn_test::to_bus_error(m);
  gst_message_unref(m);
  EXPECT_EQ(err.code, GST_RESOURCE_ERROR_WRITE);
  EXPECT_NE(err.message.find("Broken pipe (its reader went away)"), std::string::npos) << err.message;
  gst_harness_teardown(h);
  gst_object_unref(bus);
}

// location=- in a host program whose own stdout output is still in stdio's buffer when the
// reader has gone: flushing that output must not raise SIGPIPE either. (Run in a child process,
// whose stdout is a pipe nobody reads; before, the child was killed by SIGPIPE.)
TEST_F(JsonTest, StdoutWithBufferedHostOutputIsAWriteErrorNotSigpipe) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);  // no reader from the start
  std::fflush(stdout);  // the child must not inherit our unwritten output
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    // No newline: stays in stdio's buffer whether stdout was line-buffered (a terminal, before
    // the fork) or fully buffered.
    std::printf("the host program's own output");
    GstHarness* h = gst_harness_new_parse("deltacnnjson location=-");
    gst_harness_set_src_caps_str(h, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());
    const GstFlowReturn flow = gst_harness_push(h, frame_with_person(GST_SECOND));
    _exit(flow == GST_FLOW_ERROR ? 0 : 3);
  }
  close(fds[1]);
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 600 && (done = waitpid(child, &status, WNOHANG)) == 0; ++i) usleep(100 * 1000);
  if (done == 0) {  // a child stuck after fork (a lock held by another thread at the fork)
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    FAIL() << "the child did not finish within 60 s";
  }
  ASSERT_EQ(done, child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child was killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the push did not fail with GST_FLOW_ERROR";
}

// Truncated from outside while written (logrotate's copytruncate): the next lines go to the new
// end, not to the old offset behind a hole of NUL bytes.
TEST_F(JsonTest, AFileTruncatedFromOutsideGetsNoHole) {
  GstHarness* h = gst_harness_new_parse(("deltacnnjson location=" + path_).c_str());
  ASSERT_NE(h, nullptr);
  gst_harness_set_src_caps_str(h, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());
  for (int i = 1; i <= 3; ++i) gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(i * GST_SECOND)));
  ASSERT_EQ(truncate(path_.c_str(), 0), 0);
  gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(4 * GST_SECOND)));
  gst_harness_teardown(h);
  std::ifstream in(path_, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find('\0'), std::string::npos) << "a hole of NUL bytes";
  const std::vector<std::string> lines = read_lines(path_);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["frame"], 3);
}

// A harness on deltacnnjson with its own bus, to see the element's INFO and WARNING messages.
class JsonOnBus {
 public:
  explicit JsonOnBus(const std::string& location) {
    h_ = gst_harness_new_parse(("deltacnnjson location=" + location).c_str());
    bus_ = gst_bus_new();
    gst_element_set_bus(h_->element, bus_);
    gst_harness_set_src_caps_str(h_, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());
  }
  ~JsonOnBus() {
    gst_harness_teardown(h_);
    gst_object_unref(bus_);
  }
  GstFlowReturn push(int frame) { return gst_harness_push(h_, frame_with_person((frame + 1) * GST_SECOND)); }
  void push_and_drop(int frame) {
    ASSERT_EQ(push(frame), GST_FLOW_OK);
    gst_buffer_unref(gst_harness_pull(h_));
  }
  // The texts of the messages of `type` posted so far.
  std::vector<std::string> messages(GstMessageType type) {
    std::vector<std::string> texts;
    while (GstMessage* m = gst_bus_pop_filtered(bus_, type)) {
      texts.push_back(deltacnn_test::to_bus_error(m).message);
      gst_message_unref(m);
    }
    return texts;
  }

 private:
  GstHarness* h_ = nullptr;
  GstBus* bus_ = nullptr;
};

std::vector<int> frame_numbers(const std::string& path) {
  std::vector<int> frames;
  for (const std::string& line : read_lines(path)) frames.push_back(nlohmann::json::parse(line)["frame"].get<int>());
  return frames;
}

// logrotate's default mode moves the file and creates a new one: the lines after the move go to
// the new file at `location`, not on into the moved one.
TEST_F(JsonTest, AFileMovedWhileWrittenIsFollowedToItsPath) {
  const std::string moved = path_ + ".1";
  {
    JsonOnBus json(path_);
    json.push_and_drop(0);
    json.push_and_drop(1);
    ASSERT_EQ(std::rename(path_.c_str(), moved.c_str()), 0);
    { std::ofstream created(path_); }  // logrotate's create
    json.push_and_drop(2);
    json.push_and_drop(3);
    const std::vector<std::string> infos = json.messages(GST_MESSAGE_INFO);
    ASSERT_EQ(infos.size(), 1u);
    EXPECT_NE(infos[0].find(path_ + "' was moved or deleted"), std::string::npos) << infos[0];
  }
  EXPECT_EQ(frame_numbers(moved), (std::vector<int>{0, 1}));
  EXPECT_EQ(frame_numbers(path_), (std::vector<int>{2, 3}));
  std::remove(moved.c_str());
}

// Deleted while written (an operator's rm, a rotation's last step): created again, instead of
// the lines going into a deleted file nobody can read.
TEST_F(JsonTest, AFileDeletedWhileWrittenIsCreatedAgain) {
  JsonOnBus json(path_);
  json.push_and_drop(0);
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  json.push_and_drop(1);
  EXPECT_EQ(frame_numbers(path_), (std::vector<int>{1}));
}

// Its directory gone: one WARNING naming the path and the cause, the stream goes on, and the
// file is written again once the directory is back.
TEST_F(JsonTest, APathThatCannotBeReopenedIsOneWarningUntilItCan) {
  char dir_template[] = "/tmp/deltacnn-json-dirXXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template, path = dir + "/out.jsonl";
  JsonOnBus json(path);
  json.push_and_drop(0);
  ASSERT_EQ(std::remove(path.c_str()), 0);
  ASSERT_EQ(rmdir(dir.c_str()), 0);
  json.push_and_drop(1);
  json.push_and_drop(2);
  const std::vector<std::string> warnings = json.messages(GST_MESSAGE_WARNING);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("'" + path + "' was moved or deleted and cannot be created again: No such file or directory"),
            std::string::npos) << warnings[0];
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  json.push_and_drop(3);
  EXPECT_EQ(json.messages(GST_MESSAGE_INFO).size(), 1u);
  EXPECT_EQ(frame_numbers(path), (std::vector<int>{3}));
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

// A write that stops part-way (here a file size limit half-way through the second line; a full
// disk does the same) is a WRITE error, and the file ends with the last whole line, not half a
// record. Before, SIGXFSZ ended the process.
TEST_F(JsonTest, AWriteThatStopsPartWayIsCutBackToTheLastWholeLine) {
  JsonOnBus json(path_);
  json.push_and_drop(0);
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  const rlim_t one_line = static_cast<rlim_t>(st.st_size);
  rlimit previous;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &previous), 0);
  rlimit limited = previous;
  limited.rlim_cur = one_line + one_line / 2;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  const GstFlowReturn flow = json.push(1);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &previous), 0);
  EXPECT_EQ(flow, GST_FLOW_ERROR);
  const std::vector<std::string> errors = json.messages(GST_MESSAGE_ERROR);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("Could not write to '" + path_ + "': File too large"), std::string::npos) << errors[0];
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(static_cast<rlim_t>(st.st_size), one_line) << "the half line written is cut back";
  EXPECT_EQ(frame_numbers(path_), (std::vector<int>{0}));
}

TEST_F(JsonTest, LocationDefaultsToStdout) {
  GstElement* e = gst_element_factory_make("deltacnnjson", nullptr);
  ASSERT_NE(e, nullptr);
  gchar* location = nullptr;
  g_object_get(e, "location", &location, nullptr);
  EXPECT_STREQ(location, "-");
  g_free(location);
  gst_object_unref(e);
}

// Track events as the deltacnn element sends them (the documented wire format, built by hand):
// write=both puts them in stream order, before the record of the frame that follows;
// write=events writes only them; the default (records) ignores them.
GstEvent* track_event(const std::string& json) {
  return gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new("deltacnn-track-event", "camera-id", G_TYPE_STRING, "cam1", "event",
                        G_TYPE_STRING, "start", "json", G_TYPE_STRING, json.c_str(), nullptr));
}

std::vector<std::string> run_with_events(const std::string& path, const std::string& write) {
  GstHarness* h = gst_harness_new_parse(("deltacnnjson location=" + path + write).c_str());
  gst_harness_set_src_caps_str(h, deltacnn_test::caps_string(GST_VIDEO_FORMAT_RGB, 64, 48).c_str());
  gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(0)));
  EXPECT_TRUE(gst_harness_push_event(h, track_event("{\"event\":\"start\",\"seq\":0}")));
  gst_buffer_unref(gst_harness_push_and_pull(h, frame_with_person(GST_SECOND)));
  EXPECT_TRUE(gst_harness_push_event(h, track_event("{\"event\":\"end\",\"seq\":1}")));
  // The events go on downstream too (another consumer may want them).
  int passed = 0;
  while (GstEvent* e = gst_harness_try_pull_event(h)) {
    passed += GST_EVENT_TYPE(e) == GST_EVENT_CUSTOM_DOWNSTREAM;
    gst_event_unref(e);
  }
  EXPECT_EQ(passed, 2);
  gst_harness_teardown(h);
  return read_lines(path);
}

TEST_F(JsonTest, WriteSelectsRecordsEventsOrBoth) {
  std::vector<std::string> both = run_with_events(path_, " write=both");
  ASSERT_EQ(both.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(both[0])["frame"], 0);
  EXPECT_EQ(both[1], "{\"event\":\"start\",\"seq\":0}");
  EXPECT_EQ(nlohmann::json::parse(both[2])["frame"], 1);
  EXPECT_EQ(both[3], "{\"event\":\"end\",\"seq\":1}");

  std::vector<std::string> events = run_with_events(path_, " write=events");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "{\"event\":\"start\",\"seq\":0}");

  std::vector<std::string> records = run_with_events(path_, "");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(nlohmann::json::parse(records[1]).contains("frame"));
}

}  // namespace
