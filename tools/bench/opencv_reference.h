// The dense baseline of deltacnn-bench: OpenCV DNN (CPU) running the same ONNX model on the
// same pre-processed frames. Prefers "<model>.opencv.onnx" beside the model (the fetch script
// writes an OpenCV-friendly export there) and falls back to the model itself.
#pragma once

#include <string>

#include <opencv2/dnn.hpp>

#include "engine/exec/executor.h"

namespace dcnn::bench {

class OpenCvReference {
 public:
  // Throws dcnn::Error(Model) naming the file when OpenCV cannot load it.
  OpenCvReference(const std::string& model_path, int width, int height, const InputNormalization& norm);
  // One forward pass on an HxWx3 0..255 frame; returns its wall time in ms.
  double run(const float* frame);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int width_, height_;
  InputNormalization norm_;
  cv::dnn::Net net_;
  std::vector<std::string> outputs_;
  cv::Mat blob_;
  std::vector<cv::Mat> results_;
};

}  // namespace dcnn::bench
