// Luma planes of the model input (engine/stabilize/luma.h): the one-pass half-size plane equals
// the full-size luma shrunk by cv::resize INTER_AREA, odd sizes included.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "engine/stabilize/luma.h"

namespace dcnn::test {
namespace {

TEST(Luma, HalfSizePlaneIsTheAreaDownscaleOfTheLuma) {
  for (const cv::Size size : {cv::Size(768, 576), cv::Size(37, 21)}) {
    cv::Mat rgb(size, CV_32FC3);
    cv::randu(rgb, 0.f, 255.f);
    const cv::Mat full = luma_of(rgb.ptr<float>(), size.width, size.height);
    cv::Mat expected;
    cv::resize(full(cv::Rect(0, 0, size.width / 2 * 2, size.height / 2 * 2)), expected,
               cv::Size(size.width / 2, size.height / 2), 0, 0, cv::INTER_AREA);
    const cv::Mat half = half_luma_of(rgb.ptr<float>(), size.width, size.height);
    ASSERT_EQ(half.size(), expected.size()) << size;
    EXPECT_LT(cv::norm(half, expected, cv::NORM_INF), 1e-3) << size;
  }
}

}  // namespace
}  // namespace dcnn::test
