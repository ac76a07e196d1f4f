#include "tests/ir/opencv_oracle.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <random>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "engine/core/error.h"
#include "engine/exec/executor.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"

namespace dcnn::test {

namespace {

struct Outputs {
  std::vector<std::string> names;
  std::vector<std::vector<float>> nhwc;  // per output, NHWC
  std::vector<Shape> shapes;
};

Outputs run_ours(const std::string& bytes, const std::vector<float>& input_nhwc) {
  ir::Graph graph = ir::import_onnx_from_memory(bytes, "oracle.onnx");
  ir::run_default_passes(graph);
  auto model = compile_model(std::move(graph), Backend::Cpu, InputNormalization{});
  Executor exec(model, ExecMode::Dense, DeltaSettings{});
  exec.run(input_nhwc.data());
  Outputs out;
  for (int i = 0; i < exec.num_outputs(); ++i) {
    const Shape s = exec.output_shape(i);
    out.names.push_back(exec.output_name(i));
    out.shapes.push_back(s);
    out.nhwc.emplace_back(exec.output(i), exec.output(i) + s.size());
  }
  return out;
}

std::vector<cv::Mat> run_opencv(const std::string& bytes, const std::vector<float>& input_nhwc,
                                int h, int w, const std::vector<std::string>& names) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  const int dims[4] = {1, 3, h, w};
  cv::Mat blob(4, dims, CV_32F);
  float* p = blob.ptr<float>();
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) p[(c * h + y) * w + x] = input_nhwc[size_t((y * w + x) * 3 + c)];
  net.setInput(blob);
  std::vector<cv::Mat> outs;
  std::vector<cv::String> cv_names(names.begin(), names.end());
  net.forward(outs, cv_names);
  return outs;
}

}  // namespace

::testing::AssertionResult matches_opencv(const OnnxBuilder& model, uint32_t seed, float lo,
                                          float hi, OracleComparison* stats,
                                          const OnnxBuilder* opencv_model) {
  const auto& in = model.proto().graph().input(0).type().tensor_type().shape();
  if (in.dim_size() != 4 || in.dim(1).dim_value() != 3) {
    return ::testing::AssertionFailure() << "oracle models need a [1, 3, H, W] input";
  }
  const int h = int(in.dim(2).dim_value()), w = int(in.dim(3).dim_value());
  const std::string bytes = model.bytes();
  Rng rng(seed);
  const std::vector<float> input = rng.uniform(size_t(h) * size_t(w) * 3, lo, hi);

  Outputs ours;
  try {
    ours = run_ours(bytes, input);
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "our engine failed: " << e.what();
  }
  // OpenCV 4.6's importer asserts that every graph output declares a shape (exporters usually
  // write one; test models often do not): declare the NCHW shape our engine produced. OpenCV
  // only logs it, the comparison below checks the shape it actually computes.
  onnx::ModelProto for_opencv = opencv_model ? opencv_model->proto() : model.proto();
  for (auto& out : *for_opencv.mutable_graph()->mutable_output()) {
    auto* tt = out.mutable_type()->mutable_tensor_type();
    if (tt->has_shape()) continue;
    for (size_t i = 0; i < ours.names.size(); ++i) {
      if (ours.names[i] != out.name()) continue;
      const Shape& s = ours.shapes[i];
      for (int64_t d : {int64_t(1), int64_t(s.c), int64_t(s.h), int64_t(s.w)}) {
        tt->mutable_shape()->add_dim()->set_dim_value(d);
      }
    }
  }
  std::vector<cv::Mat> ref;
  try {
    ref = run_opencv(for_opencv.SerializeAsString(), input, h, w, ours.names);
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "OpenCV failed: " << e.what();
  }
  if (ref.size() != ours.names.size()) {
    return ::testing::AssertionFailure() << "OpenCV gave " << ref.size() << " outputs, we gave "
                                         << ours.names.size();
  }
  OracleComparison cmp;
  std::ostringstream detail;
  for (size_t o = 0; o < ref.size(); ++o) {
    const cv::Mat& r = ref[o];
    const Shape s = ours.shapes[o];
    if (r.dims != 4 || r.size[0] != 1 || r.size[1] != s.c || r.size[2] != s.h || r.size[3] != s.w) {
      std::ostringstream shape;
      for (int d = 0; d < r.dims; ++d) shape << (d ? "x" : "") << r.size[d];
      return ::testing::AssertionFailure() << "output '" << ours.names[o] << "': OpenCV NCHW "
                                           << shape.str() << " vs our NHWC " << s.str();
    }
    const float* rp = r.ptr<float>();
    for (int c = 0; c < s.c; ++c)
      for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x) {
          const float want = rp[(c * s.h + y) * s.w + x];
          const float got = ours.nhwc[o][size_t((y * s.w + x) * s.c + c)];
          const float err = std::fabs(want - got);
          cmp.max_abs_output = std::max(cmp.max_abs_output, std::fabs(want));
          if (!(err <= cmp.max_abs_error)) {  // also catches NaN
            cmp.max_abs_error = std::isnan(err) ? INFINITY : err;
            detail.str("");
            detail << "output '" << ours.names[o] << "' worst at c=" << c << " y=" << y << " x=" << x
                   << ": ours " << got << ", OpenCV " << want;
          }
        }
    cmp.values += size_t(s.size());
  }
  if (stats) *stats = cmp;
  const float tolerance = 1e-4f * std::max(1.f, cmp.max_abs_output);
  if (cmp.max_abs_error <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max |error| " << cmp.max_abs_error << " > tolerance "
                                       << tolerance << "; " << detail.str();
}

}  // namespace dcnn::test
