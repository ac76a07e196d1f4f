#include "tools/bench/ort_reference.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "tools/common/temp_paths.h"

#ifndef DCNN_ORT_SCRIPT
#error "DCNN_ORT_SCRIPT must name tools/bench/ort-reference.js (set by tools/bench/meson.build)"
#endif

namespace dcnn::bench {
namespace {

// The longest node may take for one measure() call (model load, warm-up, the runs).
constexpr int kNodeTimeoutS = 900;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// Single-quoted for /bin/sh.
std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

OrtReference::OrtReference(const std::string& model_path, int width, int height,
                           const InputNormalization& norm, int threads)
    : model_(model_path), width_(width), height_(height), threads_(threads), norm_(norm) {
  namespace fs = std::filesystem;
  script_ = env_or("DELTACNN_ORT_SCRIPT", DCNN_ORT_SCRIPT);
  if (!fs::is_regular_file(script_))
    throw Error(ErrorKind::Config, "--reference onnxruntime: the runner script " + script_ +
                                       " is missing; expected tools/bench/ort-reference.js of the source tree "
                                       "(or DELTACNN_ORT_SCRIPT naming it)");
  const std::string cache = env_or("DELTACNN_CACHE", env_or("HOME", ".") + "/.cache/deltacnn");
  node_path_ = env_or("DELTACNN_ORT_NODE_PATH", cache + "/ort-reference/node_modules");
  if (!fs::is_regular_file(node_path_ + "/onnxruntime-node/package.json"))
    throw Error(ErrorKind::Config, "--reference onnxruntime: onnxruntime-node is not installed in " + node_path_ +
                                       "; run ./scripts/fetch-ort.sh (or set DELTACNN_ORT_NODE_PATH)");
  if (std::system("command -v node >/dev/null 2>&1") != 0)
    throw Error(ErrorKind::Config, "--reference onnxruntime: node is not on PATH; run ./scripts/setup.sh");
  // The frames node reads (about 50 MB for MultiPose): removed by the destructor, and on Ctrl-C.
  const std::string dir = env_or("TMPDIR", "/tmp");
  std::string name = dir + "/deltacnn-ort-frames-XXXXXX";
  const int fd = mkstemp(name.data());
  if (fd < 0)
    throw Error(ErrorKind::Config, "--reference onnxruntime: cannot create a temporary file in " + dir + " (" +
                                       std::strerror(errno) + "); expected TMPDIR (or /tmp) to be writable");
  close(fd);
  tools::remove_on_interrupt(name);
  frames_file_ = name;
}

OrtReference::~OrtReference() {
  if (frames_file_.empty()) return;
  std::remove(frames_file_.c_str());
  tools::forget_on_interrupt(frames_file_);
}

void OrtReference::keep(const float* frame) {
  if (frames_ >= kFrames) return;
  const size_t plane = size_t(width_) * size_t(height_);
  std::vector<float> nchw(3 * plane);
  for (size_t p = 0; p < plane; ++p)
    for (int c = 0; c < 3; ++c) nchw[size_t(c) * plane + p] = (frame[p * 3 + size_t(c)] - norm_.mean[c]) / norm_.std[c];
  std::ofstream out(frames_file_, std::ios::binary | std::ios::app);
  out.write(reinterpret_cast<const char*>(nchw.data()), std::streamsize(nchw.size() * sizeof(float)));
  if (!out) throw Error(ErrorKind::Config, "--reference onnxruntime: cannot write " + frames_file_);
  ++frames_;
}

void OrtReference::measure(int runs) {
  if (frames_ == 0) throw Error(ErrorKind::Internal, "OrtReference::measure before any frame was kept");
  // coreutils' timeout: a node that hangs (a broken install) must not hang the benchmark.
  const std::string cmd = "NODE_PATH=" + shell_quoted(node_path_) + " timeout " + std::to_string(kNodeTimeoutS) +
                          " node " + shell_quoted(script_) + " " + shell_quoted(model_) +
                          " " + shell_quoted(frames_file_) + " " + std::to_string(height_) + " " +
                          std::to_string(width_) + " " + std::to_string(runs) + " " + std::to_string(threads_) +
                          " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw Error(ErrorKind::Config, "--reference onnxruntime: cannot start node");
  std::string output;
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) output.append(buf.data(), n);
  const int status = pclose(pipe);
  const size_t line = output.rfind('{');
  nlohmann::json j;
  if (status == 0 && line != std::string::npos) j = nlohmann::json::parse(output.substr(line), nullptr, false);
  if (status != 0 || j.is_discarded() || !j.contains("ms")) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 124)
      throw Error(ErrorKind::Model, "--reference onnxruntime: node did not finish " + std::to_string(runs) +
                                        " runs of " + model_ + " within " + std::to_string(kNodeTimeoutS) + " s");
    // One line: node's output without its trailing newline, lines joined.
    while (!output.empty() && std::isspace(static_cast<unsigned char>(output.back()))) output.pop_back();
    for (char& c : output)
      if (c == '\n') c = ' ';
    throw Error(ErrorKind::Model, "--reference onnxruntime failed on " + model_ + ": " + output);
  }
  for (const auto& v : j["ms"]) ms_.push_back(v.get<double>());
  version_ = j.value("ort_version", "unknown");
}

double OrtReference::median_ms() const {
  if (ms_.empty()) return 0.0;
  std::vector<double> v = ms_;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace dcnn::bench
