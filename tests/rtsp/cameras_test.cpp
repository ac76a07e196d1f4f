// Suite 'rtsp': examples/deltacnn-cameras, several cameras in one process with one shared
// model, each reconnecting on its own. Against real stand-in cameras (rtsp-test-server
// processes) that are absent at start, killed and restarted: the other camera's records keep
// coming the whole time, the lost one comes back by itself, SIGINT ends with 130 and whole
// JSON lines. Also: a configuration error stops the program (no retry loop, no crash of the
// cameras still running), a lost camera with reconnecting off is a failure (exit 1), and files
// are read once with exit status 0, from the command line and from --sources-file.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/gst/gst_test_support.h"
#include "tests/rtsp/child_process.h"

namespace deltacnn_test {
namespace {

constexpr int kServerStartTimeoutS = 20;
constexpr int kRecordsTimeoutS = 90;  // model load + RTSP set-up + reconnect delays, 2 cores

std::vector<std::string> cameras_command(const std::vector<std::string>& args) {
  return with_plugin(DELTACNN_PLUGIN_DIR, CAMERAS_REGISTRY, DELTACNN_CAMERAS, args);
}

std::string make_temp_dir() {
  char pattern[] = "/tmp/deltacnn-cameras-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  return dir != nullptr ? dir : "";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Whole JSON lines in the file; a line that does not parse fails the test.
int count_records(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    EXPECT_TRUE(nlohmann::json::accept(line)) << path << ": " << line.substr(0, 80);
    ++n;
  }
  return n;
}

// Waits until `path` holds at least `count` records, the program stops, or the timeout.
bool wait_records(BackgroundProcess& program, const std::string& path, int count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kRecordsTimeoutS);
  while (std::chrono::steady_clock::now() < deadline) {
    if (count_records(path) >= count) return true;
    if (!program.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

std::unique_ptr<RtspServerProcess> start_camera(int port) {
  auto server = std::make_unique<RtspServerProcess>(RTSP_TEST_SERVER, port, vtest_path());
  std::string error;
  if (!server->wait_ready(kServerStartTimeoutS, &error)) {
    ADD_FAILURE() << error;
    return nullptr;
  }
  return server;
}

class CamerasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!require_asset(vtest_path()) || !require_asset(config_path("movenet-lightning.yaml")) ||
        !require_asset(model_path("movenet-lightning.onnx")))
      GTEST_FAIL() << "assets missing";
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  std::string dir_;
};

TEST_F(CamerasTest, EachCameraReconnectsOnItsOwnWhileTheOthersGoOn) {
  const int port1 = free_tcp_port(), port2 = free_tcp_port();
  ASSERT_GT(port1, 0);
  ASSERT_GT(port2, 0);
  ASSERT_NE(port1, port2);
  auto camera1 = start_camera(port1);
  ASSERT_NE(camera1, nullptr);
  const std::string url1 = "rtsp://127.0.0.1:" + std::to_string(port1) + "/test";
  // Camera 2 is offline at start; its URL carries a password that the log must not show.
  const std::string url2 = "rtsp://viewer:s3cret@127.0.0.1:" + std::to_string(port2) + "/test";
  const std::string out = dir_ + "/out", log = dir_ + "/cameras.log";
  const std::string json1 = out + "/camera1.jsonl", json2 = out + "/camera2.jsonl";
  BackgroundProcess program(
      cameras_command({"--config", config_path("movenet-lightning.yaml"), "--backend", "cpu",
                       "--reconnect-delay", "1", "--camera-timeout", "4", "--output-dir", out,
                       url1, url2}),
      log);

  // Before: one gst-launch pipeline stopped every camera when one could not be reached.
  ASSERT_TRUE(wait_records(program, json1, 20)) << "camera 1 gave no records:\n" << read_text(log);
  EXPECT_EQ(count_records(json2), 0);

  auto camera2 = start_camera(port2);
  ASSERT_NE(camera2, nullptr);
  const int camera1_before = count_records(json1);
  ASSERT_TRUE(wait_records(program, json2, 20))
      << "camera 2 did not come back by itself:\n" << read_text(log);
  EXPECT_GT(count_records(json1), camera1_before) << "camera 1 stopped while camera 2 joined";

  camera1->kill_now();
  const int camera2_at_loss = count_records(json2);
  ASSERT_TRUE(wait_records(program, json2, camera2_at_loss + 20))
      << "camera 2 stopped when camera 1 was lost:\n" << read_text(log);

  camera1 = start_camera(port1);
  ASSERT_NE(camera1, nullptr);
  const int camera1_at_return = count_records(json1);
  ASSERT_TRUE(wait_records(program, json1, camera1_at_return + 20))
      << "camera 1 did not come back by itself:\n" << read_text(log);

  program.signal(SIGINT);
  EXPECT_EQ(program.wait_exit(30), 130) << read_text(log);
  count_records(json1);  // every line whole, after the EOS
  count_records(json2);
  const std::string text = read_text(log);
  EXPECT_NE(text.find("camera2 (rtsp://viewer:***@127.0.0.1"), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << "the log shows a camera password";
  EXPECT_NE(text.find("reconnecting every 1 s"), std::string::npos) << text;
  // rtspsrc's "Could not open resource" names no cause; the program's own check does.
  EXPECT_NE(text.find("cause: cannot connect to 127.0.0.1:" + std::to_string(port2)), std::string::npos)
      << text;
}

// Also with the only camera unreachable: the program's model holder loads the model at start.
TEST_F(CamerasTest, ConfigurationErrorStopsTheProgramInsteadOfRetrying) {
  const std::string config = dir_ + "/bad.yaml";
  std::ofstream(config) << "model:\n  onnx: " << model_path("movenet-lightning.onnx") << "\n";
  const int port = free_tcp_port();
  ProcessResult r = run_process(
      cameras_command({"--config", config, "--backend", "cpu", "--reconnect-delay", "1",
                       "--output-dir", dir_ + "/out",
                       "rtsp://127.0.0.1:" + std::to_string(port) + "/test"}),
      60);
  ASSERT_FALSE(r.timed_out) << "a bad config was retried instead of stopping the program";
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot load the model of --config " + config), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("model.name: missing required key"), std::string::npos) << r.err;
}

// One camera's output file cannot be opened while another camera is up: the program stops
// with exit 1 and a message naming the camera (its URL's password hidden). Before, the failed
// bin stayed in the pipeline, the pipeline's stop failed, and the running camera was destroyed
// with its threads still going: a segfault or abort (3 runs of 3).
TEST_F(CamerasTest, ConfigurationErrorWhileAnotherCameraRunsStopsCleanly) {
  const int port = free_tcp_port();
  auto camera = start_camera(port);
  ASSERT_NE(camera, nullptr);
  const std::string url = "rtsp://127.0.0.1:" + std::to_string(port) + "/test";
  const std::string out = dir_ + "/out";
  ASSERT_EQ(std::system(("mkdir -p '" + out + "/camera2.jsonl'").c_str()), 0);  // blocks it
  ProcessResult r = run_process(
      cameras_command({"--config", config_path("movenet-lightning.yaml"), "--backend", "cpu",
                       "--reconnect-delay", "1", "--output-dir", out, url,
                       url + "?channel=1&password=s3cret"}),
      60);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.find("CRITICAL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("camera2 (" + url + "?channel=1&password=***): json: Could not open"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("s3cret"), std::string::npos);
}

// With --reconnect-delay 0 (a supervisor restarts the program) a camera whose connection is
// lost is a failure, not a normal end: rtspsrc warns and then ends the stream with an EOS.
TEST_F(CamerasTest, LostCameraWithoutReconnectingExitsWithFailure) {
  const int port = free_tcp_port();
  auto camera = start_camera(port);
  ASSERT_NE(camera, nullptr);
  const std::string out = dir_ + "/out", log = dir_ + "/cameras.log";
  BackgroundProcess program(
      cameras_command({"--config", config_path("movenet-lightning.yaml"), "--backend", "cpu",
                       "--reconnect-delay", "0", "--output-dir", out,
                       "rtsp://127.0.0.1:" + std::to_string(port) + "/test"}),
      log);
  ASSERT_TRUE(wait_records(program, out + "/camera1.jsonl", 10)) << read_text(log);
  camera->kill_now();
  EXPECT_EQ(program.wait_exit(30), 1) << read_text(log);
  EXPECT_NE(read_text(log).find("the connection was lost"), std::string::npos) << read_text(log);
}

TEST_F(CamerasTest, FilesAreReadOnceAndTheProgramEnds) {
  const std::string clip = dir_ + "/clip 12.avi";
  const std::string make_clip = "gst-launch-1.0 -q videotestsrc num-buffers=12 pattern=ball ! "
                                "video/x-raw,width=192,height=144 ! jpegenc ! avimux ! "
                                "filesink location='" + clip + "'";
  ASSERT_EQ(std::system(make_clip.c_str()), 0);
  const std::string list = dir_ + "/sources.txt";  // the second camera from --sources-file
  std::ofstream(list) << "# cameras\n\n  " << clip << "  \n";
  ProcessResult r = run_process(
      cameras_command({"--config", config_path("movenet-lightning.yaml"), "--backend", "cpu",
                       "--output-dir", dir_ + "/out", "--sources-file", list, clip}),
      120);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_records(dir_ + "/out/camera1.jsonl"), 12);
  EXPECT_EQ(count_records(dir_ + "/out/camera2.jsonl"), 12);

  ProcessResult usage = run_process(cameras_command({"--config", clip}), 30);
  EXPECT_EQ(usage.exit_code, 2) << "no SOURCE is a usage error";
  ProcessResult missing = run_process(
      cameras_command({"--config", config_path("movenet-lightning.yaml"), dir_ + "/none.avi"}),
      30);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.avi' is neither a URI nor a readable file"), std::string::npos)
      << missing.err;
}

// The output directory moved away while a camera runs (log rotation): the camera's reconnect
// makes it again and goes on, where the JSON element's open error used to stop every camera.
// And the command line's smaller mistakes are usage errors that name the option.
TEST_F(CamerasTest, AMovedOutputDirectoryIsMadeAgainAtTheReconnect) {
  const int port = free_tcp_port();
  ASSERT_GT(port, 0);
  auto camera = start_camera(port);
  ASSERT_NE(camera, nullptr);
  const std::string out = dir_ + "/out", log = dir_ + "/cameras.log";
  const std::string json = out + "/camera1.jsonl";
  BackgroundProcess program(
      cameras_command({"--config", config_path("movenet-lightning.yaml"), "--backend", "cpu",
                       "--reconnect-delay", "1", "--camera-timeout", "20", "--output-dir", out,
                       "rtsp://127.0.0.1:" + std::to_string(port) + "/test"}),
      log);
  ASSERT_TRUE(wait_records(program, json, 10)) << read_text(log);
  ASSERT_EQ(std::rename(out.c_str(), (dir_ + "/rotated").c_str()), 0);
  camera->kill_now();
  camera = start_camera(port);
  ASSERT_NE(camera, nullptr);
  EXPECT_TRUE(wait_records(program, json, 10)) << "no records in the new directory:\n" << read_text(log);
  EXPECT_TRUE(program.running()) << read_text(log);
  program.signal(SIGINT);
  EXPECT_EQ(program.wait_exit(60), 130) << read_text(log);

  const std::string config = config_path("movenet-lightning.yaml");
  const std::string comments_only = dir_ + "/none.txt";
  std::ofstream(comments_only) << "# no camera yet\n\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> usage = {
      {{"--config", config, "--mqtt-port", "1884", "rtsp://cam/s"}, "--mqtt-port need --mqtt-host"},
      {{"--config", config, "--mqtt-host", " ", "rtsp://cam/s"}, "--mqtt-host is empty"},
      {{"--config", config, "--model-instance-id", "", "rtsp://cam/s"}, "--model-instance-id is empty"},
      {{"--config", config, "--reconnect-delay", "-5", "rtsp://cam/s"}, "--reconnect-delay is whole seconds >= 0 (got -5)"},
      {{"--config", config, "--sources-file", comments_only}, "--sources-file '" + comments_only + "' holds none"},
      {{"--config", config, "--", "-cam.avi"}, "SOURCE1 '-cam.avi' is neither a URI nor a readable file"},
  };
  for (const auto& [args, message] : usage) {
    ProcessResult r = run_process(cameras_command(args), 30);
    EXPECT_EQ(r.exit_code, 2) << args[2] << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace deltacnn_test

namespace deltacnn_test {
namespace {

// Records of `path` whose frame ran `model` (the deltacnn frame meta's model name).
int count_model_records(const std::string& path, const std::string& model) {
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line))
    if (line.find("\"model\":\"" + model + "\"") != std::string::npos) ++n;
  return n;
}

// Copies a shipped config (model path made absolute) over `target`.
void write_config(const std::string& shipped, const std::string& target, const std::string& extra = "") {
  const std::string temp = config_with(shipped, extra);
  ASSERT_FALSE(temp.empty()) << shipped;
  std::ofstream(target) << read_text(temp);
  std::remove(temp.c_str());
}

// SIGUSR1 loads --config again while the camera runs: edited to PoseNet, the camera's records
// switch models without the connection dropping; a broken file is refused with the reason and
// the camera goes on with what it ran; a reconnect meanwhile is retried, not the program's end.
TEST_F(CamerasTest, SigusrOneReloadsTheConfigWhileTheCameraRuns) {
  if (!require_asset(config_path("posenet.yaml"))) return;
  const int port = free_tcp_port();
  ASSERT_GT(port, 0);
  auto camera = start_camera(port);
  ASSERT_NE(camera, nullptr);
  const std::string config = dir_ + "/cams.yaml";
  write_config("movenet-lightning.yaml", config);
  const std::string out = dir_ + "/out", log = dir_ + "/cameras.log";
  const std::string json = out + "/camera1.jsonl";
  BackgroundProcess program(
      cameras_command({"--config", config, "--backend", "cpu", "--reconnect-delay", "1",
                       "--camera-timeout", "20", "--output-dir", out,
                       "rtsp://127.0.0.1:" + std::to_string(port) + "/test"}),
      log);
  ASSERT_TRUE(wait_records(program, json, 10)) << read_text(log);
  EXPECT_EQ(count_model_records(json, "posenet"), 0);

  write_config("posenet.yaml", config);
  program.signal(SIGUSR1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kRecordsTimeoutS);
  while (count_model_records(json, "posenet") < 10 && program.running() &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_GE(count_model_records(json, "posenet"), 10) << "no PoseNet records:\n" << read_text(log);
  std::string text = read_text(log);
  EXPECT_NE(text.find("reloaded --config " + config + ": 1 running camera takes it"),
            std::string::npos)
      << text;
  // The camera was not reconnected for it.
  EXPECT_EQ(text.find("reconnecting"), std::string::npos) << text;

  write_config("posenet.yaml", config, "colour_of_sky: blue\n");
  program.signal(SIGUSR1);
  const int posenet_at_refusal = count_model_records(json, "posenet");
  ASSERT_TRUE(wait_records(program, json, count_records(json) + 20)) << read_text(log);
  text = read_text(log);
  EXPECT_NE(text.find("colour_of_sky"), std::string::npos) << text;
  EXPECT_NE(text.find("reload refused: the cameras keep the configuration they run"),
            std::string::npos)
      << text;
  EXPECT_GT(count_model_records(json, "posenet"), posenet_at_refusal + 10) << text;

  // A file that loads but whose zones do not fit the running camera's picture: refused, naming
  // the camera and its size (it used to be taken, the camera kept the old deployment until its
  // next reconnect, and then failed at every try).
  write_config("posenet.yaml", config,
               "zones:\n  - name: beyond\n    polygon: [[0, 0], [5000, 0], [5000, 100], [0, 100]]\n");
  program.signal(SIGUSR1);
  const int posenet_at_zones = count_model_records(json, "posenet");
  ASSERT_TRUE(wait_records(program, json, count_records(json) + 20)) << read_text(log);
  text = read_text(log);
  EXPECT_NE(text.find("reload refused: camera1 ("), std::string::npos) << text;
  EXPECT_NE(text.find("lies outside the"), std::string::npos) << text;
  EXPECT_GT(count_model_records(json, "posenet"), posenet_at_zones + 10) << text;
  write_config("posenet.yaml", config, "colour_of_sky: blue\n");

  // The broken file is still on disk: the camera, lost and back, cannot start with it. That is
  // the camera's failure, retried with the reason, not the program's end; fixed and reloaded,
  // the camera comes back on the new file.
  camera->kill_now();
  camera = start_camera(port);
  ASSERT_NE(camera, nullptr);
  const auto retried_by = std::chrono::steady_clock::now() + std::chrono::seconds(kRecordsTimeoutS);
  while (read_text(log).find("send SIGUSR1") == std::string::npos && program.running() &&
         std::chrono::steady_clock::now() < retried_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  text = read_text(log);
  ASSERT_TRUE(program.running()) << "a camera's reconnect with a broken file stopped the program:\n"
                                 << text;
  EXPECT_NE(text.find("the --config file changed on disk since it was loaded: fix it and send "
                      "SIGUSR1"),
            std::string::npos)
      << text;
  write_config("movenet-lightning.yaml", config);
  program.signal(SIGUSR1);
  const int lightning_before = count_model_records(json, "movenet-lightning");
  const auto back_by = std::chrono::steady_clock::now() + std::chrono::seconds(kRecordsTimeoutS);
  while (count_model_records(json, "movenet-lightning") < lightning_before + 10 &&
         program.running() && std::chrono::steady_clock::now() < back_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_GE(count_model_records(json, "movenet-lightning"), lightning_before + 10)
      << read_text(log);

  program.signal(SIGINT);
  EXPECT_EQ(program.wait_exit(30), 130) << read_text(log);
  count_records(json);  // whole lines
}

}  // namespace
}  // namespace deltacnn_test
