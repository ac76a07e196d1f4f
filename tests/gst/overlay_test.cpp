// deltacnnoverlay through GstHarness: draws ROI boxes, skeletons and stats in every format,
// leaves frames without metadata untouched.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <chrono>

#include <string>

#include "gst/meta/deltacnnmeta.h"
#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_test::caps_string;
using deltacnn_test::expect_pushed_buffer_unchanged;
using deltacnn_test::make_buffer;

constexpr int kW = 96;
constexpr int kH = 64;

class OverlayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
  void TearDown() override {
    if (h_) gst_harness_teardown(h_);
  }

  GstHarness* harness(GstVideoFormat format, const char* properties = "") {
    GstElement* e = gst_element_factory_make("deltacnnoverlay", nullptr);
    EXPECT_NE(e, nullptr) << "plugin not found";
    if (e == nullptr) return nullptr;
    if (*properties) {
      gchar** pairs = g_strsplit(properties, " ", -1);
      for (gchar** p = pairs; *p; ++p) {
        gchar** kv = g_strsplit(*p, "=", 2);
        gst_util_set_object_arg(G_OBJECT(e), kv[0], kv[1]);
        g_strfreev(kv);
      }
      g_strfreev(pairs);
    }
    h_ = gst_harness_new_with_element(e, "sink", "src");
    gst_object_unref(e);
    gst_harness_set_src_caps_str(h_, caps_string(format, kW, kH).c_str());
    return h_;
  }

  GstHarness* h_ = nullptr;
};

// Byte of plane 0 at pixel (x, y) of a width x height buffer (the sum of the colour bytes for
// packed formats).
int pixel(GstBuffer* buffer, GstVideoFormat format, int x, int y, int width = kW, int height = kH) {
  GstVideoInfo info;
  gst_video_info_set_format(&info, format, width, height);
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ)) return -1;
  const guint8* data = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0));
  const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
  const int pstride = GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, 0);
  int sum = 0;
  for (int c = 0; c < (pstride >= 3 ? 3 : 1); ++c) sum += data[y * stride + x * pstride + c];
  gst_video_frame_unmap(&frame);
  return sum;
}

GstBuffer* black(GstVideoFormat format) {
  return make_buffer(cv::Mat::zeros(kH, kW, CV_8UC3), format);
}

// A person box (20..60, 10..50) with two confident keypoints joined by a connection inside the
// box, and one low-confidence keypoint outside it at (85, 55).
void add_person(GstBuffer* buffer) {
  DeltaCnnDetection d = {};
  d.id = 1;
  d.label = "person";
  d.confidence = 0.9;
  d.x_min = 20.0 / kW;
  d.y_min = 10.0 / kH;
  d.x_max = 60.0 / kW;
  d.y_max = 50.0 / kH;
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer, &d, kW, kH);
  DeltaCnnKeypoint points[3] = {};
  points[0] = {"a", 30.f, 30.f, 0.f, 0.f, 0.9f};
  points[1] = {"b", 50.f, 30.f, 0.f, 0.f, 0.9f};
  points[2] = {"c", 85.f, 55.f, 0.f, 0.f, 0.1f};
  const guint connections[] = {0, 1, 0, 2};
  deltacnn_roi_add_keypoints(roi, points, 3, connections, 2, kW, kH);
}

TEST_F(OverlayTest, DrawsBoxesAndSkeletonsInEveryFormat) {
  for (GstVideoFormat format : deltacnn_test::supported_formats()) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    if (h_) gst_harness_teardown(h_);
    h_ = nullptr;
    GstHarness* h = harness(format);
    ASSERT_NE(h, nullptr);
    GstBuffer* in = black(format);
    add_person(in);
    const int background = pixel(in, format, 90, 35);
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    ASSERT_NE(out, nullptr);
    EXPECT_GT(pixel(out, format, 20, 30), background) << "left edge of the box";
    EXPECT_GT(pixel(out, format, 40, 30), background) << "connection between two keypoints";
    EXPECT_EQ(pixel(out, format, 90, 35), background) << "far from everything";
    EXPECT_EQ(pixel(out, format, 85, 55), background) << "keypoint below the threshold";
    EXPECT_EQ(pixel(out, format, 70, 42), background) << "connection to a hidden keypoint";
    gst_buffer_unref(out);
  }
}

// Found by an adversarial review (session 30): a foreign ROI up to 2^32 - 1 wide overflowed the
// int box and took OpenCV about 6 s a 64x48 frame. Clipped in 64 bits, its visible edges are
// drawn at once.
TEST_F(OverlayTest, AHugeForeignBoxIsClippedToThePicture) {
  GstHarness* h = harness(GST_VIDEO_FORMAT_RGB);
  ASSERT_NE(h, nullptr);
  GstBuffer* in = black(GST_VIDEO_FORMAT_RGB);
  gst_buffer_add_video_region_of_interest_meta(in, "thing", 5, 5, 0x7fffffffu, 0x7fffffffu);
  gst_buffer_add_video_region_of_interest_meta(in, "thing", 0xfffffff0u, 3, 0xffffffffu, 2);
  const auto start = std::chrono::steady_clock::now();
  GstBuffer* out = gst_harness_push_and_pull(h, in);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_NE(out, nullptr);
  EXPECT_LT(seconds, 1.0);
  EXPECT_GT(pixel(out, GST_VIDEO_FORMAT_RGB, 5, 30), 0) << "left edge";
  EXPECT_GT(pixel(out, GST_VIDEO_FORMAT_RGB, kW - 5, 5), 0) << "top edge, right of the label";
  EXPECT_EQ(pixel(out, GST_VIDEO_FORMAT_RGB, 40, 40), 0) << "inside";
  gst_buffer_unref(out);
}

// A crop made by metadata: the caps' picture is the crop meta's region of a larger buffer, and
// the metadata is in the picture's pixels, so the drawing lands at the crop's offset.
TEST_F(OverlayTest, DrawsInsideACropMadeByMetadata) {
  constexpr int kX = 16, kY = 8, kBigW = kW + 32, kBigH = kH + 16;
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_NV12}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    if (h_) gst_harness_teardown(h_);
    h_ = nullptr;
    GstHarness* h = harness(format);
    ASSERT_NE(h, nullptr);
    GstBuffer* in = make_buffer(cv::Mat::zeros(kBigH, kBigW, CV_8UC3), format);
    gst_buffer_add_video_meta(in, GST_VIDEO_FRAME_FLAG_NONE, format, kBigW, kBigH);
    GstVideoCropMeta* crop = gst_buffer_add_video_crop_meta(in);
    crop->x = kX;
    crop->y = kY;
    crop->width = kW;
    crop->height = kH;
    add_person(in);
    const int background = pixel(in, format, 5, 5, kBigW, kBigH);
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    ASSERT_NE(out, nullptr);
    EXPECT_GT(pixel(out, format, kX + 20, kY + 30, kBigW, kBigH), background) << "left edge of the box";
    EXPECT_GT(pixel(out, format, kX + 40, kY + 30, kBigW, kBigH), background) << "connection";
    EXPECT_EQ(pixel(out, format, 20, 30, kBigW, kBigH), background) << "where it lies in the buffer's pixels";
    gst_buffer_unref(out);
  }
}

TEST_F(OverlayTest, FramesWithoutMetadataAreUntouched) {
  GstHarness* h = harness(GST_VIDEO_FORMAT_RGB, "show-stats=true");
  ASSERT_NE(h, nullptr);
  GstBuffer* in = make_buffer(deltacnn_test::synthetic_bgr(kW, kH), GST_VIDEO_FORMAT_RGB);
  expect_pushed_buffer_unchanged(h, in);
}

TEST_F(OverlayTest, KeypointThresholdHidesWeakPoints) {
  GstHarness* h = harness(GST_VIDEO_FORMAT_BGRx, "keypoint-threshold=0.05");
  ASSERT_NE(h, nullptr);
  GstBuffer* in = black(GST_VIDEO_FORMAT_BGRx);
  add_person(in);
  GstBuffer* out = gst_harness_push_and_pull(h, in);
  ASSERT_NE(out, nullptr);
  EXPECT_GT(pixel(out, GST_VIDEO_FORMAT_BGRx, 85, 55), 0) << "0.1 >= 0.05: drawn";
  gst_buffer_unref(out);
}

TEST_F(OverlayTest, ShowStatsPrintsTheFrameMeta) {
  for (const char* props : {"show-stats=false", "show-stats=true"}) {
    SCOPED_TRACE(props);
    if (h_) gst_harness_teardown(h_);
    h_ = nullptr;
    GstHarness* h = harness(GST_VIDEO_FORMAT_RGBA, props);
    ASSERT_NE(h, nullptr);
    GstBuffer* in = black(GST_VIDEO_FORMAT_RGBA);
    DeltaCnnFrameMeta* meta = gst_buffer_add_deltacnn_frame_meta(in);
    meta->keyframe = TRUE;
    deltacnn_frame_meta_set_backend(meta, "cpu");
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    ASSERT_NE(out, nullptr);
    int lit = 0;
    for (int y = 2; y < 20; ++y)
      for (int x = 2; x < 60; ++x) lit += pixel(out, GST_VIDEO_FORMAT_RGBA, x, y) > 0;
    if (std::string(props) == "show-stats=true")
      EXPECT_GT(lit, 20);
    else
      EXPECT_EQ(lit, 0);
    gst_buffer_unref(out);
  }
}

TEST_F(OverlayTest, PropertyDefaultsAndRoundTrip) {
  GstElement* e = gst_element_factory_make("deltacnnoverlay", nullptr);
  ASSERT_NE(e, nullptr);
  gdouble threshold = 0;
  gboolean stats = TRUE;
  gint thickness = 0;
  g_object_get(e, "keypoint-threshold", &threshold, "show-stats", &stats, "thickness", &thickness,
               nullptr);
  EXPECT_DOUBLE_EQ(threshold, 0.3);
  EXPECT_FALSE(stats);
  EXPECT_EQ(thickness, 2);
  g_object_set(e, "keypoint-threshold", 0.6, "show-stats", TRUE, "thickness", 5, nullptr);
  g_object_get(e, "keypoint-threshold", &threshold, "show-stats", &stats, "thickness", &thickness,
               nullptr);
  EXPECT_DOUBLE_EQ(threshold, 0.6);
  EXPECT_TRUE(stats);
  EXPECT_EQ(thickness, 5);
  gst_object_unref(e);
}

}  // namespace
