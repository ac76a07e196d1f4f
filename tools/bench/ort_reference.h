// The reference a CPU user would otherwise pick: onnxruntime (npm onnxruntime-node 1.30.0, CPU
// provider) running the same ONNX file on the same pre-processed frames, timed in a node child
// process (tools/bench/ort-reference.js). Benchmarks only; the engine never links onnxruntime.
//
// deltacnn-bench keeps up to kFrames frames, then measures before and after its own runs
// (so a machine that heats up or gets busy shows in both) and reports the median of all runs.
// Set-up: ./scripts/fetch-ort.sh installs the runtime into the download cache.
#pragma once

#include <string>
#include <vector>

#include "engine/exec/executor.h"

namespace dcnn::bench {

class OrtReference {
 public:
  static constexpr int kFrames = 10;
  // Throws dcnn::Error(Config) naming what is missing when node, the runner script or
  // onnxruntime-node cannot be found.
  OrtReference(const std::string& model_path, int width, int height, const InputNormalization& norm,
               int threads);
  ~OrtReference();
  OrtReference(const OrtReference&) = delete;
  OrtReference& operator=(const OrtReference&) = delete;

  // Keeps an HxWx3 0..255 frame (normalised to the model's NCHW input) until kFrames are kept.
  void keep(const float* frame);
  int kept() const { return frames_; }
  // Runs onnxruntime `runs` times over the kept frames (after its own warm-up); adds the times.
  // Throws dcnn::Error(Model) with onnxruntime's message when the run fails.
  void measure(int runs);
  double median_ms() const;
  int runs() const { return int(ms_.size()); }
  const std::string& version() const { return version_; }
  int threads() const { return threads_; }

 private:
  std::string model_, script_, node_path_, frames_file_;
  int width_, height_, threads_;
  InputNormalization norm_;
  int frames_ = 0;
  std::vector<double> ms_;
  std::string version_ = "unknown";
};

}  // namespace dcnn::bench
