// Pre-processing: every pixel format against an independent per-pixel reference conversion,
// odd sizes and padded strides, colour order, stretch and letterbox geometry, bad frames.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "engine/core/error.h"
#include "engine/pre/preprocess.h"

using dcnn::ImageView;
using dcnn::PixelFormat;

namespace {

// A synthetic frame in any format plus the RGB image it must convert to.
struct TestFrame {
  ImageView view;
  std::vector<std::vector<uint8_t>> planes;
  cv::Mat rgb;  // 8UC3 reference, RGB order
};

uint8_t clamp_u8(double v) { return uint8_t(std::clamp(std::lround(v), 0L, 255L)); }

TestFrame make_frame(PixelFormat format, int w, int h, unsigned seed, int stride_pad = 5) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  TestFrame f;
  f.view.format = format;
  f.view.width = w;
  f.view.height = h;
  f.rgb = cv::Mat(h, w, CV_8UC3);
  auto fill_plane = [&](int p, int row_bytes, int rows) {
    const int stride = row_bytes + stride_pad;
    f.planes.emplace_back(size_t(stride) * rows);
    // Padding bytes are random too. YUV samples stay in the legal BT.601 range (Y 16..235,
    // chroma 16..240): below Y 16 OpenCV clamps to black where the bare formula goes negative.
    const bool yuv = format == PixelFormat::I420 || format == PixelFormat::NV12;
    for (auto& b : f.planes.back()) b = uint8_t(yuv ? 16 + byte(rng) % (p == 0 ? 220 : 225) : byte(rng));
    f.view.strides[p] = stride;
  };
  if (format == PixelFormat::I420 || format == PixelFormat::NV12) {
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    fill_plane(0, w, h);
    if (format == PixelFormat::I420) {
      fill_plane(1, cw, ch);
      fill_plane(2, cw, ch);
    } else {
      fill_plane(1, 2 * cw, ch);
    }
    for (size_t p = 0; p < f.planes.size(); ++p) f.view.planes[p] = f.planes[p].data();
    // BT.601 limited range, chroma shared by each 2x2 block.
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const double Y = f.planes[0][size_t(y) * f.view.strides[0] + x];
        double U, V;
        if (format == PixelFormat::I420) {
          U = f.planes[1][size_t(y / 2) * f.view.strides[1] + x / 2];
          V = f.planes[2][size_t(y / 2) * f.view.strides[2] + x / 2];
        } else {
          U = f.planes[1][size_t(y / 2) * f.view.strides[1] + 2 * (x / 2)];
          V = f.planes[1][size_t(y / 2) * f.view.strides[1] + 2 * (x / 2) + 1];
        }
        const double c = 1.164 * (Y - 16), d = U - 128, e = V - 128;
        f.rgb.at<cv::Vec3b>(y, x) = {clamp_u8(c + 1.596 * e), clamp_u8(c - 0.813 * e - 0.391 * d),
                                     clamp_u8(c + 2.018 * d)};
      }
    return f;
  }
  const bool four = format != PixelFormat::RGB && format != PixelFormat::BGR;
  const bool bgr_order = format == PixelFormat::BGR || format == PixelFormat::BGRx ||
                         format == PixelFormat::BGRA;
  const int n = four ? 4 : 3;
  fill_plane(0, w * n, h);
  f.view.planes[0] = f.planes[0].data();
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint8_t* px = f.planes[0].data() + size_t(y) * f.view.strides[0] + size_t(x) * n;
      f.rgb.at<cv::Vec3b>(y, x) = bgr_order ? cv::Vec3b(px[2], px[1], px[0])
                                            : cv::Vec3b(px[0], px[1], px[2]);
    }
  return f;
}

dcnn::InputConfig input(int w, int h, dcnn::ColorOrder color = dcnn::ColorOrder::RGB,
                        dcnn::ResizeKind resize = dcnn::ResizeKind::Stretch, float pad = 0.f) {
  dcnn::InputConfig c;
  c.width = w;
  c.height = h;
  c.color = color;
  c.resize = resize;
  c.pad_value = pad;
  return c;
}

// Max abs difference between the float output and an 8-bit reference (same size).
float max_diff(const std::vector<float>& out, const cv::Mat& ref) {
  float worst = 0.f;
  for (int y = 0; y < ref.rows; ++y)
    for (int x = 0; x < ref.cols; ++x)
      for (int c = 0; c < 3; ++c)
        worst = std::max(worst, std::abs(out[(size_t(y) * ref.cols + x) * 3 + c] -
                                         float(ref.at<cv::Vec3b>(y, x)[c])));
  return worst;
}

// `f` through a Preprocessor at its own size into both channel orders: the worst difference
// from its reference is at most `tolerance` (`what` names the case in a failure).
void expect_converts(const TestFrame& f, float tolerance, const std::string& what) {
  const int w = f.view.width, h = f.view.height;
  for (auto color : {dcnn::ColorOrder::RGB, dcnn::ColorOrder::BGR}) {
    const dcnn::Preprocessor pre(input(w, h, color));
    std::vector<float> out(size_t(w) * h * 3, -1.f);
    pre.run(f.view, out.data());
    cv::Mat ref = f.rgb;
    if (color == dcnn::ColorOrder::BGR) cv::cvtColor(f.rgb, ref, cv::COLOR_RGB2BGR);
    EXPECT_LE(max_diff(out, ref), tolerance)
        << what << (color == dcnn::ColorOrder::BGR ? " to BGR" : " to RGB");
  }
}

const PixelFormat kAll[] = {PixelFormat::RGB,  PixelFormat::BGR,  PixelFormat::RGBx,
                            PixelFormat::BGRx, PixelFormat::RGBA, PixelFormat::BGRA,
                            PixelFormat::I420, PixelFormat::NV12};

TEST(Preprocess, EveryFormatMatchesTheReferenceAtNativeSize) {
  for (PixelFormat fmt : kAll) {
    for (auto [w, h] : {std::pair{16, 8}, std::pair{7, 5}, std::pair{1, 1}}) {
      const TestFrame f = make_frame(fmt, w, h, 7u + unsigned(fmt) * 13u + unsigned(w));
      // YUV: OpenCV's fixed-point conversion vs the float formula, off by at most 1-2.
      const bool yuv = fmt == PixelFormat::I420 || fmt == PixelFormat::NV12;
      expect_converts(f, yuv ? 2.f : 0.f,
                      std::string(dcnn::to_string(fmt)) + " " + std::to_string(w) + "x" + std::to_string(h));
    }
  }
}

// Found by an adversarial review (session 30): the caps' colorimetry was ignored, every I420 /
// NV12 frame converted as BT.601 limited range; full range (an MJPEG camera's jpegdec) came out
// a sixth too contrasty and clipped. Each matrix and range against the textbook formula in
// double precision (Kr, Kb of ITU-R BT.601 / 709 / 2020), over all 256 Y values.
TEST(Preprocess, YuvFollowsTheFramesMatrixAndRange) {
  struct Case {
    dcnn::YuvMatrix matrix;
    double kr, kb;
  };
  for (const Case c : {Case{dcnn::YuvMatrix::Bt601, 0.299, 0.114}, Case{dcnn::YuvMatrix::Bt709, 0.2126, 0.0722},
                       Case{dcnn::YuvMatrix::Bt2020, 0.2627, 0.0593}})
    for (const bool full : {false, true})
      for (const PixelFormat fmt : {PixelFormat::I420, PixelFormat::NV12}) {
        if (c.matrix == dcnn::YuvMatrix::Bt601 && !full) continue;  // OpenCV's, tested above
        SCOPED_TRACE(std::string(dcnn::to_string(c.matrix)) + (full ? " full " : " limited ") +
                     dcnn::to_string(fmt));
        const int w = 33, h = 17;
        TestFrame f = make_frame(fmt, w, h, 11u, 3);
        for (auto& plane : f.planes)  // the whole byte range: full-range frames use it
          for (size_t i = 0; i < plane.size(); ++i) plane[i] = uint8_t((i * 37 + 11) % 256);
        f.view.yuv_matrix = c.matrix;
        f.view.yuv_full_range = full;
        const double kg = 1 - c.kr - c.kb, ys = full ? 1 : 255.0 / 219, cs = full ? 1 : 255.0 / 224;
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x) {
            const double Y = (f.planes[0][size_t(y) * f.view.strides[0] + x] - (full ? 0 : 16)) * ys;
            const size_t row = size_t(y / 2) * f.view.strides[1];
            const double U = (fmt == PixelFormat::I420 ? f.planes[1][row + x / 2] : f.planes[1][row + 2 * (x / 2)]) - 128.0;
            const double V = (fmt == PixelFormat::I420 ? f.planes[2][size_t(y / 2) * f.view.strides[2] + x / 2]
                                                       : f.planes[1][row + 2 * (x / 2) + 1]) - 128.0;
            const double Yc = full ? Y : std::max(Y, 0.0);
            f.rgb.at<cv::Vec3b>(y, x) = {clamp_u8(Yc + 2 * (1 - c.kr) * cs * V),
                                         clamp_u8(Yc - 2 * c.kb * (1 - c.kb) / kg * cs * U -
                                                  2 * c.kr * (1 - c.kr) / kg * cs * V),
                                         clamp_u8(Yc + 2 * (1 - c.kb) * cs * U)};
          }
        expect_converts(f, 1.f, "");
      }
  // Full range differs from limited where it matters: a mid-grey Y of 128 is 128 in full
  // range, 130 in limited.
  TestFrame grey = make_frame(PixelFormat::I420, 2, 2, 1u, 0);
  for (auto& plane : grey.planes) std::fill(plane.begin(), plane.end(), uint8_t(128));
  grey.view.yuv_full_range = true;
  const dcnn::Preprocessor pre(input(2, 2));
  std::vector<float> out(12);
  pre.run(grey.view, out.data());
  EXPECT_EQ(out[0], 128.f);
  grey.view.yuv_full_range = false;
  pre.run(grey.view, out.data());
  EXPECT_EQ(out[0], 130.f);
}

TEST(Preprocess, StretchResizesBilinearly) {
  const TestFrame f = make_frame(PixelFormat::BGRx, 40, 30, 3);
  const dcnn::Preprocessor pre(input(16, 12));
  std::vector<float> out(16 * 12 * 3);
  pre.run(f.view, out.data());
  cv::Mat ref;
  cv::resize(f.rgb, ref, cv::Size(16, 12), 0, 0, cv::INTER_LINEAR);
  EXPECT_EQ(max_diff(out, ref), 0.f);
  const dcnn::FrameGeometry g = pre.geometry(40, 30);
  EXPECT_FLOAT_EQ(g.scale_x, 0.4f);
  EXPECT_FLOAT_EQ(g.scale_y, 0.4f);
  EXPECT_FLOAT_EQ(g.pad_x, 0.f);
  EXPECT_FLOAT_EQ(g.to_frame_x(16.f), 40.f);
  EXPECT_FLOAT_EQ(g.to_frame_y(6.f), 15.f);
}

TEST(Preprocess, LetterboxCentresTheContentAndPads) {
  // 100x50 into 64x64: scale 0.64, content 64x32, 16 rows of padding above and below.
  const TestFrame f = make_frame(PixelFormat::RGB, 100, 50, 11);
  const dcnn::Preprocessor pre(input(64, 64, dcnn::ColorOrder::RGB, dcnn::ResizeKind::Letterbox, 114.f));
  std::vector<float> out(64 * 64 * 3);
  pre.run(f.view, out.data());
  const dcnn::FrameGeometry g = pre.geometry(100, 50);
  EXPECT_FLOAT_EQ(g.pad_x, 0.f);
  EXPECT_FLOAT_EQ(g.pad_y, 16.f);
  EXPECT_FLOAT_EQ(g.scale_x, 0.64f);
  EXPECT_FLOAT_EQ(g.scale_y, 0.64f);
  for (int y : {0, 15, 48, 63})
    for (int x : {0, 31, 63})
      for (int c = 0; c < 3; ++c) EXPECT_EQ(out[(size_t(y) * 64 + x) * 3 + c], 114.f) << y << "," << x;
  cv::Mat ref;
  cv::resize(f.rgb, ref, cv::Size(64, 32), 0, 0, cv::INTER_LINEAR);
  std::vector<float> content(out.begin() + 16 * 64 * 3, out.begin() + 48 * 64 * 3);
  EXPECT_EQ(max_diff(content, ref), 0.f);
}

TEST(Preprocess, LetterboxGeometryRoundTrips) {
  for (auto [fw, fh, mw, mh] : {std::tuple{768, 576, 512, 512}, std::tuple{641, 427, 320, 320},
                                std::tuple{300, 900, 256, 192}, std::tuple{1, 1, 33, 17}}) {
    const auto g = dcnn::FrameGeometry::make(fw, fh, mw, mh, dcnn::ResizeKind::Letterbox);
    // Content fits, is centred, and the two scales agree to within a pixel of rounding.
    const float cw = fw * g.scale_x, ch = fh * g.scale_y;
    EXPECT_LE(cw + 2 * g.pad_x, mw + 0.5f);
    EXPECT_LE(ch + 2 * g.pad_y, mh + 0.5f);
    EXPECT_TRUE(std::abs(cw - mw) < 0.5f || std::abs(ch - mh) < 0.5f);
    EXPECT_NEAR(g.pad_x, std::floor((mw - cw) / 2 + 0.01f), 0.51f);
    for (float x : {0.f, 0.5f, fw / 3.f, float(fw)}) {
      EXPECT_NEAR(g.to_frame_x(x * g.scale_x + g.pad_x), x, 1e-3f * fw);
    }
    for (float y : {0.f, fh / 2.f, float(fh)}) {
      EXPECT_NEAR(g.to_frame_y(y * g.scale_y + g.pad_y), y, 1e-3f * fh);
    }
    // The model's content edges map to the frame's edges.
    EXPECT_NEAR(g.to_frame_x(g.pad_x), 0.f, 1e-4f);
    EXPECT_NEAR(g.to_frame_x(g.pad_x + std::round(cw)), float(fw), 1e-3f);
  }
}

TEST(Preprocess, BadFramesAreInputErrors) {
  const dcnn::Preprocessor pre(input(8, 8));
  std::vector<float> out(8 * 8 * 3);
  TestFrame f = make_frame(PixelFormat::RGB, 8, 8, 1, 0);
  auto expect_input_error = [&](ImageView v, const std::string& needle) {
    try {
      pre.run(v, out.data());
      ADD_FAILURE() << "no error, wanted: " << needle;
    } catch (const dcnn::Error& e) {
      EXPECT_EQ(e.kind(), dcnn::ErrorKind::Input);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  ImageView v = f.view;
  v.planes[0] = nullptr;
  expect_input_error(v, "plane 0 is null");
  v = f.view;
  v.strides[0] = 8 * 3 - 1;
  expect_input_error(v, "stride 23 is smaller than a row; expected a stride >= 24");
  v = f.view;
  v.width = 0;
  expect_input_error(v, "zero or negative size");
  TestFrame y = make_frame(PixelFormat::I420, 8, 8, 2, 0);
  v = y.view;
  v.planes[2] = nullptr;
  expect_input_error(v, "plane 2 is null");
  TestFrame n = make_frame(PixelFormat::NV12, 7, 7, 2, 0);
  v = n.view;
  v.strides[1] = 7;
  expect_input_error(v, "plane 1 stride 7 is smaller than a row; expected a stride >= 8");
}

// Found by fuzz_preprocess (tests/fuzz/regressions/preprocess/): a width of 2^30 made the row
// size of an RGBx frame 4 * 2^30, which wrapped to 0 in an int, so a 16-byte stride passed the
// check and run() would have read gigabytes past the plane. Sizes above the limit are rejected
// before any row arithmetic, with the limit in the message.
TEST(Preprocess, HugeFramesAreInputErrorsNotWrappedRowSizes) {
  const uint8_t plane = 0;  // never read: the check must fail first
  for (const auto& [format, width, height] :
       {std::tuple{PixelFormat::RGBx, 1 << 30, 2}, std::tuple{PixelFormat::RGB, 2, INT_MAX},
        std::tuple{PixelFormat::NV12, INT_MAX, 2}, std::tuple{PixelFormat::I420, 65537, 1}}) {
    ImageView v;
    v.format = format;
    v.width = width;
    v.height = height;
    for (int p = 0; p < 3; ++p) {
      v.planes[p] = &plane;
      v.strides[p] = 16;
    }
    try {
      dcnn::check_image_view(v);
      ADD_FAILURE() << dcnn::to_string(format) << " " << width << "x" << height << " accepted";
    } catch (const dcnn::Error& e) {
      EXPECT_EQ(e.kind(), dcnn::ErrorKind::Input);
      EXPECT_NE(std::string(e.what()).find("size above 65536 pixels; expected a width and height "
                                           "of at most 65536"),
                std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
