// TF.js reference outputs of the original models (tests/data/reference/<model>/frame<N>.json,
// written by tools/make-reference.sh) and the helpers that rebuild the exact same model input
// from data/vtest.avi, so that any runtime (OpenCV DNN, the deltacnn engine) can be compared
// with them head by head.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace dcnn::test {

// One model the suite covers: its converted files and reference folder share `name`.
struct ReferenceModel {
  std::string name;  // "movenet-multipose", ...
  std::string yaml;  // configs/<name>.yaml relative to the source root
};
const std::vector<ReferenceModel>& reference_models();
const std::vector<int>& reference_frames();  // vtest frame indices with references

// One head of the model: values at sampled flat NHWC indices of a [1,H,W,C] tensor.
struct HeadReference {
  std::string name;
  std::vector<int> shape;  // NHWC
  double max_abs = 0;
  std::vector<int64_t> indices;
  std::vector<float> values;
};

struct FrameReference {
  std::string path;
  std::string model;
  int frame = 0;
  int width = 0;
  int height = 0;
  float mean[3] = {0, 0, 0};
  float std[3] = {1, 1, 1};
  int64_t input_sum = 0;  // sum of the HxWx3 uint8 RGB input
  std::vector<HeadReference> heads;
  std::vector<int> decoded_shape;  // the model's own decoded output (empty for PoseNet)
  std::vector<float> decoded;
};

// Parses a reference file; throws std::runtime_error naming the file and key on bad content.
FrameReference load_frame_reference(const std::string& path);
std::string reference_path(const std::string& model, int frame);

// Decodes `path` sequentially (AVI seeks are not frame exact) and returns the wanted BGR
// frames. Throws std::runtime_error when the file cannot be opened or is too short.
std::map<int, cv::Mat> read_video_frames(const std::string& path, const std::vector<int>& wanted);
// The vtest frames of reference_frames(), decoded once per process.
const std::map<int, cv::Mat>& vtest_frames();

// cv::resize INTER_LINEAR (stretch) to width x height, BGR -> RGB: uint8 HxWx3.
cv::Mat model_input_rgb(const cv::Mat& bgr, int width, int height);
int64_t pixel_sum(const cv::Mat& rgb);

// Largest |ours - reference| over the sampled positions; `ours` is a dense tensor read through
// `at(flat NHWC index)`.
struct HeadAgreement {
  double max_error = 0;
  int64_t worst_index = -1;
  float worst_reference = 0;
  float worst_ours = 0;
};
template <typename At>
HeadAgreement compare_head(const HeadReference& ref, At at) {
  HeadAgreement a;
  for (size_t i = 0; i < ref.indices.size(); ++i) {
    const float ours = at(ref.indices[i]);
    const double err = std::abs(double(ours) - double(ref.values[i]));
    if (!(err <= a.max_error)) {  // also catches NaN
      a.max_error = err;
      a.worst_index = ref.indices[i];
      a.worst_reference = ref.values[i];
      a.worst_ours = ours;
    }
  }
  return a;
}

// "1.23e-06": max error / head max |value|, for RecordProperty (visible in --gtest_output=xml).
std::string relative_error_text(const HeadAgreement& a, const HeadReference& ref);

// The agreement the suite demands: 1e-3 of the head's largest magnitude (weights are fp16-stored
// but every runtime computes in fp32, so the runtimes agree to ~1e-5 relative).
constexpr double kRelativeTolerance = 1e-3;

}  // namespace dcnn::test
