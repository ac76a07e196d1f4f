// Suite 'rtsp': examples/nvr-reader, the plain-C program that reads deltacnn results the way
// NVR software does (public meta header only). Runs it as a separate process on vtest.avi and
// checks its output: one frame line per frame (the frame meta is on every buffer), object lines
// with people, boxes and keypoints; and that a bad config ends in a non-zero exit status with the
// element's message.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "tests/gst/gst_test_support.h"
#include "tests/rtsp/child_process.h"

namespace deltacnn_test {
namespace {

constexpr int kReaderTimeoutS = 120;

// nvr-reader runs with the plugin from the build dir and its own registry file.
std::vector<std::string> reader_command(const std::vector<std::string>& args) {
  return with_plugin(DELTACNN_PLUGIN_DIR, NVR_READER_REGISTRY, NVR_READER, args);
}

TEST(NvrReader, PrintsOneFrameLineAndObjectLinesPerFrame) {
  const std::string config = config_path("movenet-lightning.yaml");
  if (!require_asset(vtest_path()) || !require_asset(config) ||
      !require_asset(model_path("movenet-lightning.onnx")))
    return;
  constexpr int kFrames = 20;
  ProcessResult r = run_process(reader_command({config, vtest_path(), std::to_string(kFrames)}),
                                kReaderTimeoutS);
  ASSERT_FALSE(r.timed_out) << "nvr-reader did not finish within " << kReaderTimeoutS << " s";
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const std::regex frame_line(
      R"(^frame (\d+) objects (\d+) keyframe ([01]) input_active ([0-9.]+) infer_ms ([0-9.]+) backend (\w+)$)");
  const std::regex object_line(
      R"(^frame (\d+) id (-?\d+) (\w+) ([0-9.]+) box (\d+),(\d+)-(\d+),(\d+) kpts (\d+)$)");
  std::map<int, int> declared_objects, object_lines;
  int frame_lines = 0, people = 0, expected_frame = 0;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, frame_line)) {
      EXPECT_EQ(std::stoi(m[1]), expected_frame++) << "frames out of order or one is missing";
      declared_objects[std::stoi(m[1])] = std::stoi(m[2]);
      // Frame 0 is always dense; later ones may be too (busy scene, keyframe_break_even).
      if (std::stoi(m[1]) == 0) {
        EXPECT_EQ(m[3], "1") << "the first frame is a keyframe: " << line;
      }
      const double active = std::stod(m[4]);
      EXPECT_GE(active, 0.0);
      EXPECT_LE(active, 1.0);
      EXPECT_EQ(m[6], "cpu");
      ++frame_lines;
    } else if (std::regex_match(line, m, object_line)) {
      const int frame = std::stoi(m[1]);
      ++object_lines[frame];
      EXPECT_EQ(m[3], "person") << line;
      const double confidence = std::stod(m[4]);
      EXPECT_GT(confidence, 0.0);
      EXPECT_LE(confidence, 1.0);
      const int x0 = std::stoi(m[5]), y0 = std::stoi(m[6]), x1 = std::stoi(m[7]),
                y1 = std::stoi(m[8]);
      EXPECT_LT(x0, x1) << line;
      EXPECT_LT(y0, y1) << line;
      EXPECT_LE(x1, 768) << line;
      EXPECT_LE(y1, 576) << line;
      EXPECT_LE(std::stoi(m[9]), 17) << "MoveNet has 17 keypoints: " << line;
      if (std::stoi(m[9]) > 0) ++people;
    } else {
      ADD_FAILURE() << "unexpected output line: " << line;
    }
  }
  EXPECT_EQ(frame_lines, kFrames) << "one frame meta per frame expected\n" << r.out;
  for (const auto& [frame, count] : declared_objects)
    EXPECT_EQ(object_lines[frame], count) << "frame " << frame << ": the frame meta's n_objects "
                                          << "differs from the ROI metas on the buffer";
  EXPECT_GE(people, kFrames / 2) << "people with keypoints on too few frames\n" << r.out;
}

// The shipped Lightning config with busy-scene keyframes off (keyframe_break_even 1), written to a
// temp file with the model's absolute path, so that every keyframe after the first is a reset.
// Returns "" (and fails the test) when the shipped file no longer has the lines it rewrites.
std::string lightning_config_without_busy_keyframes() {
  std::ifstream in(config_path("movenet-lightning.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::pair<std::string, std::string> rewrites[] = {
      {"onnx: ../models/movenet-lightning.onnx", "onnx: " + model_path("movenet-lightning.onnx")},
      {"keyframe_break_even: 0.5", "keyframe_break_even: 1"}};
  for (const auto& [from, to] : rewrites) {
    const size_t at = text.find(from);
    if (at == std::string::npos) {
      ADD_FAILURE() << "configs/movenet-lightning.yaml has no line '" << from << "'";
      return "";
    }
    text.replace(at, from.size(), to);
  }
  const std::string path = temp_path("lightning-no-busy-keyframes", ".yaml");
  std::ofstream(path) << text;
  return path;
}

// Live camera: the reader sets rtspsrc to TCP and makes its queue leaky; frames it cannot keep
// up with are dropped, yet no drop may turn into a delta reset (dense keyframe).
TEST(NvrReader, ReadsAnRtspCameraWithoutResettingOnDrops) {
  const std::string config = config_path("movenet-lightning.yaml");
  if (!require_asset(vtest_path()) || !require_asset(config) ||
      !require_asset(model_path("movenet-lightning.onnx")))
    return;
  const int port = free_tcp_port();
  ASSERT_GT(port, 0);
  RtspServerProcess server(RTSP_TEST_SERVER, port, vtest_path());
  std::string error;
  ASSERT_TRUE(server.wait_ready(20, &error)) << error;
  const std::string quiet_config = lightning_config_without_busy_keyframes();
  ASSERT_FALSE(quiet_config.empty());
  constexpr int kFrames = 15;
  ProcessResult r =
      run_process(reader_command({quiet_config, server.url(), std::to_string(kFrames)}), 90);
  std::remove(quiet_config.c_str());
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex frame_line(R"(^frame (\d+) objects \d+ keyframe ([01]) .*)");
  int frames = 0, keyframes = 0;
  std::istringstream lines(r.out);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line))
    if (std::regex_match(line, m, frame_line)) {
      ++frames;
      keyframes += m[2] == "1";
    }
  EXPECT_EQ(frames, kFrames) << r.out;
  EXPECT_EQ(keyframes, 1) << "a dropped frame must not reset the delta state\n" << r.out;
}

TEST(NvrReader, BadConfigExitsNonZeroWithTheElementsMessage) {
  if (!require_asset(vtest_path())) return;
  const std::string missing = temp_path("no-such-config", ".yaml");
  ProcessResult r = run_process(reader_command({missing, vtest_path(), "5"}), kReaderTimeoutS);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("error from infer"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << "the message must name the file: "
                                                    << r.err;
  EXPECT_EQ(r.out.find("frame "), std::string::npos) << "no frame may pass: " << r.out;
}

TEST(NvrReader, BadArgumentsExitWithUsage) {
  ProcessResult r = run_process(reader_command({"only-one-argument"}), kReaderTimeoutS);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage:"), std::string::npos) << r.err;
  r = run_process(reader_command({"a.yaml", "b.avi", "twenty"}), kReaderTimeoutS);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("MAX_FRAMES"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace deltacnn_test
