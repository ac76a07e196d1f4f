// Oracle check of the converter: every OpenCV-compatible twin (models/<name>.opencv.onnx), run by
// OpenCV 4.6 DNN on vtest frames, must agree with the ORIGINAL TF.js model's heads (TF.js wasm
// runtime, tests/data/reference) to 1e-3 of each head's largest magnitude. A wrong pad, weight
// layout, resize mode or broadcast in tools/tfjs2onnx.py shows up here.
#include <gtest/gtest.h>

#include <opencv2/dnn.hpp>

#include "tests/common/test_paths.h"
#include "tests/models/reference_data.h"

namespace dcnn::test {
namespace {

struct Case {
  std::string model;
  int frame;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.model << " frame " << c.frame; }

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& m : reference_models())
    for (int f : reference_frames()) cases.push_back({m.name, f});
  return cases;
}

// NCHW blob of (pixel - mean) / std, the input the converted graph expects.
cv::Mat input_blob(const cv::Mat& rgb, const FrameReference& ref) {
  const int sizes[4] = {1, 3, rgb.rows, rgb.cols};
  cv::Mat blob(4, sizes, CV_32F);
  float* out = blob.ptr<float>();
  const int plane = rgb.rows * rgb.cols;
  for (int y = 0; y < rgb.rows; ++y) {
    const uint8_t* row = rgb.ptr<uint8_t>(y);
    for (int x = 0; x < rgb.cols; ++x)
      for (int c = 0; c < 3; ++c)
        out[c * plane + y * rgb.cols + x] = (float(row[x * 3 + c]) - ref.mean[c]) / ref.std[c];
  }
  return blob;
}

class OpenCvAgreesWithTfjs : public ::testing::TestWithParam<Case> {};

TEST_P(OpenCvAgreesWithTfjs, HeadsMatchAtSampledPositions) {
  const Case& c = GetParam();
  const std::string onnx_path = source_path("models/" + c.model + ".opencv.onnx");
  ASSERT_TRUE(file_exists(onnx_path)) << missing_asset_message(onnx_path);
  const FrameReference ref = load_frame_reference(reference_path(c.model, c.frame));
  ASSERT_EQ(ref.frame, c.frame) << ref.path;

  const cv::Mat rgb = model_input_rgb(vtest_frames().at(c.frame), ref.width, ref.height);
  ASSERT_EQ(pixel_sum(rgb), ref.input_sum)
      << "the decoded/resized vtest frame differs from the one the reference was made from";

  cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx_path);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setInput(input_blob(rgb, ref), "input");
  std::vector<std::string> names;
  for (const auto& h : ref.heads) names.push_back(h.name);
  std::vector<cv::Mat> outs;
  net.forward(outs, names);
  ASSERT_EQ(outs.size(), ref.heads.size());

  for (size_t i = 0; i < ref.heads.size(); ++i) {
    const HeadReference& head = ref.heads[i];
    const cv::Mat& o = outs[i];
    ASSERT_EQ(o.dims, 4) << head.name;
    const int n = head.shape[0], h = head.shape[1], w = head.shape[2], ch = head.shape[3];
    ASSERT_TRUE(o.size[0] == n && o.size[1] == ch && o.size[2] == h && o.size[3] == w)
        << head.name << ": OpenCV shape " << o.size << " vs reference NHWC " << n << "x" << h
        << "x" << w << "x" << ch;
    const float* data = o.ptr<float>();
    const HeadAgreement a = compare_head(head, [&](int64_t nhwc) {
      const int64_t cc = nhwc % ch, x = nhwc / ch % w, y = nhwc / ch / w;
      return data[(cc * h + y) * w + x];
    });
    EXPECT_LE(a.max_error, kRelativeTolerance * head.max_abs)
        << c.model << " frame " << c.frame << " head " << head.name << ": worst NHWC index "
        << a.worst_index << " reference " << a.worst_reference << " OpenCV " << a.worst_ours
        << " (head max |value| " << head.max_abs << ")";
    RecordProperty(head.name + "_relative_error", relative_error_text(a, head));
  }
}

INSTANTIATE_TEST_SUITE_P(Vtest, OpenCvAgreesWithTfjs, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.model + "_frame" +
                                           std::to_string(info.param.frame);
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace dcnn::test
