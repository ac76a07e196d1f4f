// The dense oracle for the op tests: run one ONNX model through our engine (import, default
// passes, CPU backend, ExecMode::Dense) and through OpenCV 4.6 DNN (readNetFromONNX on the same
// bytes), on the same random input, and compare every graph output.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "tests/common/onnx_builder.h"

namespace dcnn::test {

struct OracleComparison {
  float max_abs_error = 0.f;
  float max_abs_output = 0.f;  // largest |value| OpenCV produced
  size_t values = 0;           // values compared, all outputs together
};

// Input: the model's single [1, 3, H, W] input, uniform in [lo, hi] with a fixed seed. Passes
// when max |ours - opencv| <= 1e-4 * max(1, max |opencv|) on every output.
// `opencv_model`, when given, is what OpenCV runs instead: an equivalent spelling of `model`
// for the few forms OpenCV 4.6 computes differently from the ONNX specification (same input,
// same output names).
::testing::AssertionResult matches_opencv(const OnnxBuilder& model, uint32_t seed = 1,
                                          float lo = -2.f, float hi = 2.f,
                                          OracleComparison* stats = nullptr,
                                          const OnnxBuilder* opencv_model = nullptr);

}  // namespace dcnn::test
