#include "tools/bench/opencv_reference.h"

#include <chrono>
#include <fstream>

#include "engine/core/error.h"

namespace dcnn::bench {

static std::string pick_reference_file(const std::string& model_path) {
  std::string alt = model_path;
  const std::string ext = ".onnx";
  if (alt.size() > ext.size() && alt.compare(alt.size() - ext.size(), ext.size(), ext) == 0)
    alt = alt.substr(0, alt.size() - ext.size()) + ".opencv.onnx";
  else
    alt += ".opencv.onnx";
  return std::ifstream(alt).good() ? alt : model_path;
}

OpenCvReference::OpenCvReference(const std::string& model_path, int width, int height,
                                 const InputNormalization& norm)
    : path_(pick_reference_file(model_path)), width_(width), height_(height), norm_(norm) {
  try {
    net_ = cv::dnn::readNetFromONNX(path_);
  } catch (const cv::Exception& e) {
    throw Error(ErrorKind::Model, "--reference opencv: OpenCV DNN cannot load " + path_ + ": " + e.what());
  }
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  outputs_ = net_.getUnconnectedOutLayersNames();
  const int dims[4] = {1, 3, height_, width_};
  blob_.create(4, dims, CV_32F);
}

double OpenCvReference::run(const float* frame) {
  // NHWC 0..255 -> NCHW normalised, as our executor's input stage does. Not timed: both sides
  // get their input already pre-processed.
  const int plane = width_ * height_;
  float* dst = blob_.ptr<float>();
  for (int c = 0; c < 3; ++c) {
    const float inv = 1.f / norm_.std[c], mean = norm_.mean[c];
    for (int p = 0; p < plane; ++p) dst[c * plane + p] = (frame[p * 3 + c] - mean) * inv;
  }
  auto t0 = std::chrono::steady_clock::now();
  try {
    net_.setInput(blob_);
    net_.forward(results_, outputs_);
  } catch (const cv::Exception& e) {
    throw Error(ErrorKind::Model, "--reference opencv: OpenCV DNN failed on " + path_ + ": " + e.what());
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace dcnn::bench
