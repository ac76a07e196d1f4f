// Every tool under tools/ as a user runs it: a value that does not parse in full is a usage
// error (exit 2) naming the option, the value and what is expected; --help and -h print the
// usage on stdout and exit 0; a --video that is a directory says so; deltacnn-eval on a video
// shorter than --frames runs on the frames it has and warns with both counts.
//
// The tools are found through DELTACNN_TOOLS ("name=path;name=path", set by meson). No test here
// starts a benchmark: every command line is refused before any work.
#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> tool_paths() {
  std::map<std::string, std::string> tools;
  const char* list = std::getenv("DELTACNN_TOOLS");
  std::stringstream in(list != nullptr ? list : "");
  for (std::string entry; std::getline(in, entry, ';');) {
    const size_t eq = entry.find('=');
    if (eq != std::string::npos) tools[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return tools;
}

struct ToolRun {
  int status = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string quoted(const std::string& word) {
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `tool args...` with stdout and stderr captured separately.
ToolRun run_tool(const std::string& tool, const std::vector<std::string>& args) {
  const std::string base = (fs::temp_directory_path() / ("dcnn-tools-" + std::to_string(::getpid()))).string();
  std::string command = quoted(tool);
  for (const std::string& a : args) command += " " + quoted(a);
  command += " >" + quoted(base + ".out") + " 2>" + quoted(base + ".err") + " </dev/null";
  const int raw = std::system(command.c_str());
  ToolRun r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

// configs/movenet-lightning.yaml copied to `path` with its model path made absolute and every
// line passed through `edit`.
void write_lightning_yaml(const std::string& path, const std::function<void(std::string&)>& edit = {}) {
  std::ifstream in(dcnn::test::source_path("configs/movenet-lightning.yaml"));
  std::ofstream out(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t models = line.find("../models/");
    if (models != std::string::npos) line.replace(models, 10, dcnn::test::source_path("models") + "/");
    if (edit) edit(line);
    out << line << "\n";
  }
}

// A MJPG clip of `frames` grey frames of `size` with a light rectangle moving right by `step` px
// a frame from `first`; false when OpenCV cannot write it.
bool write_clip(const std::string& path, cv::Size size, int frames, cv::Rect first, int step) {
  cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, size);
  if (!writer.isOpened()) return false;
  for (int i = 0; i < frames; ++i) {
    cv::Mat frame(size, CV_8UC3, cv::Scalar(90, 100, 110));
    cv::rectangle(frame, first + cv::Point(step * i, 0), cv::Scalar(225, 225, 225), cv::FILLED);
    writer.write(frame);
  }
  return true;
}

class ToolsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    tools_ = tool_paths();
    ASSERT_FALSE(tools_.empty()) << "DELTACNN_TOOLS is not set (run through meson test)";
  }
  std::map<std::string, std::string> tools_;
};

TEST_F(ToolsCli, HelpGoesToStdoutAndExitsZero) {
  for (const auto& [name, path] : tools_) {
    for (const char* help : {"--help", "-h"}) {
      SCOPED_TRACE(name + " " + help);
      const ToolRun r = run_tool(path, {help});
      EXPECT_EQ(r.status, 0) << r.err;
      EXPECT_EQ(r.out.rfind("usage: " + name, 0), 0u) << r.out;
      EXPECT_EQ(r.err, "");
    }
  }
}

TEST_F(ToolsCli, ValuesThatDoNotParseAreUsageErrors) {
  struct Case {
    std::string tool;
    std::vector<std::string> args;
    std::string message;  // the first line of stderr after "<tool>: "
  };
  const std::vector<std::string> eval = {"--config", "c.yaml", "--video", "v.avi"};
  auto eval_with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = eval;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const std::vector<Case> cases = {
      {"deltacnn-eval", eval_with({"--threshold", "-5"}), "--threshold '-5': expected a number in [0, 1000000]"},
      {"deltacnn-eval", eval_with({"--threshold", "nan"}), "--threshold 'nan': expected a number in [0, 1000000]"},
      {"deltacnn-eval", eval_with({"--frames", "3abc"}), "--frames '3abc': expected an integer in [2, 1000000000]"},
      {"deltacnn-eval", eval_with({"--frames", "-1"}), "--frames '-1': expected an integer in [2, 1000000000]"},
      {"deltacnn-eval", eval_with({"--frames", "1"}), "--frames '1': expected an integer in [2, 1000000000]"},
      {"deltacnn-eval", eval_with({"--frames", ""}), "--frames needs a value, got an empty one"},
      {"deltacnn-eval", {"--config", "", "--video", "v.avi"}, "--config needs a value, got an empty one"},
      {"deltacnn-eval", eval_with({"--backend", "gpu"}), "--backend 'gpu': expected one of cpu|cuda|auto"},
      {"deltacnn-eval", {"--video", "v.avi"}, "--config is required"},
      {"deltacnn-eval", eval_with({"--fast"}), "unknown option '--fast'"},
      {"deltacnn-bench", {"--config", "c.yaml", "--model", "m.onnx", "--synthetic"}, "give exactly one of --model and --config"},
      {"deltacnn-bench", {"--config", "c.yaml", "--synthetic", "--ort-every", "5"}, "--ort-every applies to --reference onnxruntime, which is not given"},
      {"deltacnn-eval", eval_with({"--dense-input", "perturbed"}), "--dense-input perturbed needs --perturb (without one both streams see the same frame)"},
      {"deltacnn-eval", eval_with({"--mask-margin", "4"}), "--mask-margin applies to --outside-masks; give both or neither"},
      {"deltacnn-bench", {"--config", "c.yaml", "--synthetic", "--frames", "1"}, "--frames '1': expected an integer in [2, 1000000000]"},
      {"deltacnn-bench", {"--config", "c.yaml", "--synthetic", "--threshold", "-5"}, "--threshold '-5': expected a number in [0, 1000000]"},
      {"deltacnn-bench", {"--model", "m.onnx", "--synthetic", "--size", "64x64abc"}, "--size '64x64abc': expected WIDTHxHEIGHT with both in 1..16384, e.g. 768x576"},
      {"deltacnn-bench", {"--config", "c.yaml", "--synthetic", "--ort-runs", "10k"}, "--ort-runs '10k': expected an integer in [1, 10000]"},
      {"deltacnn-bench", {"--config", "c.yaml", "--synthetic", "--input-threshold", "nan"}, "--input-threshold 'nan': expected a number in [0, 255]"},
      {"deltacnn-tune", {"--config", "c.yaml", "--video", "v.avi", "--frames", "3abc"}, "--frames '3abc': expected an integer in [2, 200]"},
      {"deltacnn-tune", {"--config", "c.yaml", "--video", "v.avi", "--target-kpt", "0"}, "--target-kpt '0': expected a number in (0, 1]"},
      {"deltacnn-tune", {"--config", "c.yaml", "--video", "v.avi", "--max-minutes", "-1"}, "--max-minutes '-1': expected a number in (0, 1000000]"},
      {"gemm-compare", {"--threads", "4x"}, "--threads '4x': expected an integer in [1, 1024]"},
      {"gemm-compare", {"--min-seconds", "0"}, "--min-seconds '0': expected a number in (0, 3600]"},
      {"conv-kernels-bench", {"--min-seconds", "fast"}, "--min-seconds 'fast': expected a number in (0, 3600]"},
      {"delta-ablation", {"--min-seconds", ""}, "--min-seconds needs a value, got an empty one"},
      {"deltacnn-cuda-bench", {"--config", "c.yaml", "--frames", "-1"}, "--frames '-1': expected an integer in [2, 1000000000]"},
      // A forgotten value is not the next option; options that would do nothing.
      {"deltacnn-eval", {"--config", "--video", "v.avi"}, "--config needs a value, got the option '--video' (a file named so: ./--video)"},
      {"deltacnn-eval", eval_with({"--perturb-seed", "3"}), "--perturb-seed applies to --perturb, which is not given"},
      {"deltacnn-tune", {"--config", "c.yaml", "--list-layers", "--write"}, "--list-layers only prints the groups: --write, --video and the targets do nothing with it"},
      {"deltacnn-tune", {"--config", "c.yaml", "--video", "v.avi", "--target-f1", "0.9", "--target-kpt", "0.9"}, "--target-f1 is for detection models, --target-kpt/--target-count for pose models; give the ones of your model"},
  };
  for (const Case& c : cases) {
    if (!tools_.count(c.tool)) {
      // deltacnn-cuda-bench exists only in CUDA builds; every other tool must be there.
      EXPECT_EQ(c.tool, "deltacnn-cuda-bench") << c.tool << " is not built";
      continue;
    }
    std::string line = c.tool;
    for (const std::string& a : c.args) line += " '" + a + "'";
    SCOPED_TRACE(line);
    const ToolRun r = run_tool(tools_.at(c.tool), c.args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.err.substr(0, r.err.find('\n')), c.tool + ": " + c.message);
    EXPECT_NE(r.err.find("usage: " + c.tool), std::string::npos) << "the usage follows the problem";
    EXPECT_EQ(r.out, "");
  }
}

TEST_F(ToolsCli, VideoThatIsADirectorySaysSo) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const std::string dir = fs::temp_directory_path().string();
  const ToolRun eval = run_tool(tools_.at("deltacnn-eval"), {"--config", yaml, "--video", dir});
  EXPECT_EQ(eval.status, 1);
  EXPECT_NE(eval.err.find("--video '" + dir + "' is a directory, expected a file"), std::string::npos)
      << eval.err;
  const ToolRun tune = run_tool(tools_.at("deltacnn-tune"), {"--config", yaml, "--video", dir});
  EXPECT_EQ(tune.status, 1);
  EXPECT_NE(tune.err.find("--video '" + dir + "' is a directory, expected a file"), std::string::npos)
      << tune.err;
}

// --compare-masks needs masks in the YAML: a clear error before the model loads.
TEST_F(ToolsCli, BenchCompareMasksWithoutMasksSaysSo) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const ToolRun r = run_tool(tools_.at("deltacnn-bench"), {"--config", yaml, "--synthetic", "--compare-masks"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--compare-masks: " + yaml + " has no masks; expected a config with a masks: block"),
            std::string::npos) << r.err;
}

// An empty --video is named as such before OpenCV tries it (its GStreamer backend printed
// GStreamer-CRITICAL lines first).
TEST_F(ToolsCli, EmptyVideoFileSaysSo) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const std::string video = (fs::temp_directory_path() / ("dcnn-empty-" + std::to_string(::getpid()) + ".avi")).string();
  { std::ofstream touch(video); }
  const ToolRun r = run_tool(tools_.at("deltacnn-eval"), {"--config", yaml, "--video", video});
  std::remove(video.c_str());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--video '" + video + "' is empty (0 bytes)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("CRITICAL"), std::string::npos) << r.err;
}

// A file that exists but is no video: one line naming it, as an input error, without the
// warnings of every OpenCV backend that tried it (it said "error (not found)" under them).
TEST_F(ToolsCli, UndecodableVideoSaysSoInOneLine) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const std::string video = (fs::temp_directory_path() / ("dcnn-junk-" + std::to_string(::getpid()) + ".avi")).string();
  {
    std::ofstream junk(video, std::ios::binary);
    for (int i = 0; i < 3000; ++i) junk.put(char((i * 7919) % 251));
  }
  for (const char* tool : {"deltacnn-eval", "deltacnn-bench"}) {
    const ToolRun r = run_tool(tools_.at(tool), {"--config", yaml, "--video", video});
    EXPECT_EQ(r.status, 1) << tool;
    EXPECT_NE(r.err.find("error (input error): --video '" + video + "': no OpenCV backend can decode it"),
              std::string::npos) << tool << ": " << r.err;
    EXPECT_EQ(r.err.find("CAP_IMAGES"), std::string::npos) << tool << ": " << r.err;
    EXPECT_EQ(r.err.find("WARN"), std::string::npos) << tool << ": " << r.err;
  }
  std::remove(video.c_str());
}

// Options the config or model gives nothing to act on: one line naming the option and the file.
TEST_F(ToolsCli, OptionsTheConfigCannotActOnAreRefused) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const std::string video = dcnn::test::source_path("data/vtest.avi");
  const std::vector<std::pair<std::vector<std::string>, std::string>> eval_cases = {
      {{"--no-masks"}, "--no-masks: " + yaml + " has no masks"},
      {{"--outside-masks"}, "--outside-masks: " + yaml + " has no masks"},
      {{"--whole-pixels"}, "--whole-pixels applies to the shift stabiliser, which is off"},
  };
  for (const auto& [extra, message] : eval_cases) {
    std::vector<std::string> args = {"--config", yaml, "--video", video, "--frames", "3"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ToolRun r = run_tool(tools_.at("deltacnn-eval"), args);
    EXPECT_EQ(r.status, 1) << extra[0];
    EXPECT_NE(r.err.find("error (configuration error): " + message), std::string::npos) << r.err;
  }
  const ToolRun tune = run_tool(tools_.at("deltacnn-tune"), {"--config", yaml, "--video", video, "--target-f1", "0.9"});
  EXPECT_EQ(tune.status, 1);
  EXPECT_NE(tune.err.find("--target-f1: movenet-lightning is a pose model"), std::string::npos) << tune.err;
}

// deltacnn-bench's output files: one that cannot be opened fails before the run (not after
// minutes of measuring), one whose writes fail (a full disk) is an error, not a silent,
// truncated file.
TEST_F(ToolsCli, BenchOutputFilesThatCannotBeWrittenAreErrors) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const std::vector<std::string> run = {"--config", yaml, "--synthetic", "--frames", "3"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = run;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const ToolRun missing_dir = run_tool(tools_.at("deltacnn-bench"), with({"--layers-csv", "/nonexistent/dir/l.csv"}));
  EXPECT_EQ(missing_dir.status, 1);
  EXPECT_NE(missing_dir.err.find("--layers-csv /nonexistent/dir/l.csv: cannot open it for writing (No such file "
                                 "or directory)"),
            std::string::npos) << missing_dir.err;
  EXPECT_EQ(missing_dir.out.find("ms/frame"), std::string::npos) << "it ran before failing:\n" << missing_dir.out;
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full to fill";
  const ToolRun full = run_tool(tools_.at("deltacnn-bench"), with({"--csv", "/dev/full"}));
  EXPECT_EQ(full.status, 1);
  EXPECT_NE(full.err.find("--csv /dev/full: writing it failed"), std::string::npos) << full.err;
}

// An output file replaces the user's earlier one only when complete: a run that fails after
// opening it (a 1-frame video) leaves the earlier file as it was and no temporary file beside it,
// a successful run replaces it, and --csv and --layers-csv naming one file are refused.
TEST_F(ToolsCli, BenchReplacesAnEarlierOutputOnlyWhenComplete) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const fs::path dir = fs::temp_directory_path() / ("dcnn-outputs-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string csv = (dir / "frames.csv").string();
  { std::ofstream(csv) << "earlier run\n"; }
  const std::string video = (dir / "one-frame.avi").string();
  ASSERT_TRUE(write_clip(video, cv::Size(160, 120), 1, cv::Rect(20, 30, 30, 60), 0)) << "cannot write " << video;
  const ToolRun failed = run_tool(tools_.at("deltacnn-bench"),
                                  {"--config", yaml, "--video", video, "--frames", "5", "--csv", csv});
  EXPECT_EQ(failed.status, 1) << failed.err;
  EXPECT_EQ(slurp(csv), "earlier run\n");
  auto entries = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_EQ(entries(), (std::vector<std::string>{"frames.csv", "one-frame.avi"}));

  const ToolRun same = run_tool(tools_.at("deltacnn-bench"),
                                {"--config", yaml, "--synthetic", "--frames", "3", "--csv", csv,
                                 "--layers-csv", (dir / "." / "frames.csv").string()});
  EXPECT_EQ(same.status, 2);
  EXPECT_NE(same.err.find("--csv and --layers-csv name the same file"), std::string::npos) << same.err;
  EXPECT_EQ(slurp(csv), "earlier run\n");

  const ToolRun ok = run_tool(tools_.at("deltacnn-bench"), {"--config", yaml, "--synthetic", "--frames", "3",
                                                            "--csv", csv});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(slurp(csv).rfind("frame,dense_ms,delta_ms", 0), 0u) << slurp(csv);
  EXPECT_EQ(entries(), (std::vector<std::string>{"frames.csv", "one-frame.avi"}));

  // A link is written through, also one whose file does not exist yet; a loop is an error.
  fs::create_symlink(dir / "made.csv", dir / "link.csv");
  const ToolRun linked = run_tool(tools_.at("deltacnn-bench"), {"--config", yaml, "--synthetic", "--frames", "3",
                                                                "--csv", (dir / "link.csv").string()});
  EXPECT_EQ(linked.status, 0) << linked.err;
  EXPECT_TRUE(fs::is_symlink(dir / "link.csv"));
  EXPECT_EQ(slurp((dir / "made.csv").string()).rfind("frame,", 0), 0u);
  fs::create_symlink(dir / "loop2", dir / "loop1");
  fs::create_symlink(dir / "loop1", dir / "loop2");
  const ToolRun loop = run_tool(tools_.at("deltacnn-bench"), {"--config", yaml, "--synthetic", "--frames", "3",
                                                              "--csv", (dir / "loop1").string()});
  EXPECT_EQ(loop.status, 1);
  EXPECT_NE(loop.err.find("Too many levels of symbolic links"), std::string::npos) << loop.err;
  fs::remove_all(dir);
}

// deltacnn-tune --write on a YAML it cannot replace (immutable): an error before the search,
// where it used to search, print "wrote ..." and exit 0 with the file unchanged.
TEST_F(ToolsCli, TuneWriteOnAFileItCannotReplaceFailsBeforeTheSearch) {
  const fs::path dir = fs::temp_directory_path() / ("dcnn-tune-write-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string yaml = (dir / "deploy.yaml").string();
  write_lightning_yaml(yaml);
  if (std::system(("chattr +i " + quoted(yaml) + " 2>/dev/null").c_str()) != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "chattr +i is not available here (filesystem or capability)";
  }
  const ToolRun r = run_tool(tools_.at("deltacnn-tune"),
                             {"--config", yaml, "--video", dcnn::test::source_path("data/vtest.avi"), "--frames",
                              "4", "--max-minutes", "0.1", "--target-kpt", "0.01", "--target-count", "0.01",
                              "--write"});
  std::system(("chattr -i " + quoted(yaml)).c_str());
  fs::remove_all(dir);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("--write " + yaml + ": cannot open it for writing"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("caching"), std::string::npos) << "it searched before failing:\n" << r.err;
  EXPECT_EQ(r.out.find("wrote"), std::string::npos) << r.out;
}

// deltacnn-bench pre-processes video frames as the YAML says: input.resize letterbox and stretch
// feed the model different inputs (it stretched every frame whatever the YAML said, so a
// letterbox deployment was measured on another input than the element's).
TEST_F(ToolsCli, BenchFollowsTheYamlsResize) {
  const fs::path dir = fs::temp_directory_path() / ("dcnn-bench-resize-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto yaml_with = [&](const std::string& resize) {
    const std::string path = (dir / (resize + ".yaml")).string();
    write_lightning_yaml(path, [&](std::string& line) {
      const size_t key = line.find("resize: stretch");
      if (key != std::string::npos) line = line.substr(0, key) + "resize: " + resize;
    });
    return path;
  };
  const std::string video = (dir / "wide.avi").string();
  ASSERT_TRUE(write_clip(video, cv::Size(320, 120), 4, cv::Rect(40, 30, 40, 60), 30)) << "cannot write " << video;
  auto input_active = [&](const std::string& yaml) {
    const ToolRun r = run_tool(tools_.at("deltacnn-bench"),
                               {"--config", yaml, "--video", video, "--frames", "4", "--json"});
    EXPECT_EQ(r.status, 0) << r.err;
    const size_t key = r.out.rfind("\"input_active\":");
    return key == std::string::npos ? -1.0 : std::stod(r.out.substr(key + 15));
  };
  const double stretch = input_active(yaml_with("stretch"));
  const double letterbox = input_active(yaml_with("letterbox"));
  fs::remove_all(dir);
  ASSERT_GT(stretch, 0.0);
  ASSERT_GT(letterbox, 0.0);
  // Letterboxed, the 320x120 frames fill a 192x72 band of the 192x192 input (the bars never
  // change); stretched, all of it: the changed share differs (it was equal, bit for bit).
  EXPECT_GT(std::abs(letterbox - stretch), 0.05 * stretch) << "stretch " << stretch << ", letterbox " << letterbox;
}

// A 3-frame video and --frames 10: deltacnn-eval runs on the 3 frames, says so on stderr, and
// reports the real frame size (it printed "(0x0 -> ...)", the size of the failed 4th read).
TEST_F(ToolsCli, EvalOnAShortVideoWarnsAndUsesTheFramesItHas) {
  const std::string yaml = dcnn::test::source_path("configs/movenet-lightning.yaml");
  const std::string model = dcnn::test::source_path("models/movenet-lightning.onnx");
  ASSERT_TRUE(dcnn::test::file_exists(model)) << dcnn::test::missing_asset_message(model);
  const std::string video =
      (fs::temp_directory_path() / ("dcnn-short-" + std::to_string(::getpid()) + ".avi")).string();
  ASSERT_TRUE(write_clip(video, cv::Size(160, 120), 3, cv::Rect(20, 30, 30, 60), 10)) << "cannot write " << video;
  const ToolRun r = run_tool(tools_.at("deltacnn-eval"),
                    {"--config", yaml, "--video", video, "--frames", "10", "--backend", "cpu"});
  std::remove(video.c_str());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("deltacnn-eval: warning: --video '" + video +
                       "' has only 3 frames, fewer than --frames 10; the results are over those 3"),
            std::string::npos) << r.err;
  EXPECT_NE(r.out.find("3 frames (160x120 -> 192x192)"), std::string::npos) << r.out;
}

}  // namespace
