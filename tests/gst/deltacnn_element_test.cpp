// The deltacnn element through GstHarness with real converted models on the CPU backend:
// caps, properties, metadata on every frame, delta-state resets, property/YAML precedence.
// Small frames and MoveNet Lightning (192x192) keep it fast; MultiPose only where real
// detections on vtest are needed.
#include <gst/check/gstharness.h>
#include <opencv2/imgproc.hpp>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "gst/meta/deltacnnmeta.h"
#include "tests/common/address_space_limit.h"
#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_test::caps_string;
using deltacnn_test::expect_pushed_buffer_unchanged;
using deltacnn_test::config_path;
using deltacnn_test::make_buffer;
using deltacnn_test::require_asset;
using deltacnn_test::synthetic_bgr;

constexpr int kWidth = 64;
constexpr int kHeight = 48;

class DeltaCnnElementTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }

  void TearDown() override {
    for (GstHarness* h : harnesses_) gst_harness_teardown(h);
  }

  GstElement* make_element() {
    GstElement* e = gst_element_factory_make("deltacnn", nullptr);
    EXPECT_NE(e, nullptr) << "plugin not found: is libgstdeltacnn.so built and loadable?";
    return e;
  }

  // A started harness around a deltacnn configured by `configure` (after the YAML + CPU
  // defaults), with src caps set to `format` at kWidth x kHeight.
  template <typename Configure>
  GstHarness* harness(const std::string& yaml, Configure configure,
                      GstVideoFormat format = GST_VIDEO_FORMAT_RGB, int width = kWidth,
                      int height = kHeight) {
    GstElement* e = make_element();
    if (e == nullptr) return nullptr;
    g_object_set(e, "config-file-path", yaml.c_str(), "backend", 2 /* cpu */, nullptr);
    configure(e);
    GstHarness* h = gst_harness_new_with_element(e, "sink", "src");
    gst_object_unref(e);
    harnesses_.push_back(h);
    gst_harness_set_src_caps_str(h, caps_string(format, width, height).c_str());
    return h;
  }
  GstHarness* harness(const std::string& yaml) {
    return harness(yaml, [](GstElement*) {});
  }

  std::string lightning() { return config_path("movenet-lightning.yaml"); }

  std::vector<GstHarness*> harnesses_;
};

// ROI metas on `buffer`, in attach order.
std::vector<GstVideoRegionOfInterestMeta*> rois(GstBuffer* buffer) {
  std::vector<GstVideoRegionOfInterestMeta*> out;
  gpointer state = nullptr;
  GstMeta* meta;
  while ((meta = gst_buffer_iterate_meta_filtered(buffer, &state,
                                                  GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    out.push_back(reinterpret_cast<GstVideoRegionOfInterestMeta*>(meta));
  return out;
}

// Pushes `buffer` and returns the frame meta's keyframe flag (fails the test without meta).
bool push_keyframe(GstHarness* h, GstBuffer* buffer) {
  GstBuffer* out = gst_harness_push_and_pull(h, buffer);
  EXPECT_NE(out, nullptr);
  if (out == nullptr) return false;
  DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(out);
  EXPECT_NE(meta, nullptr);
  bool key = meta != nullptr && meta->keyframe;
  gst_buffer_unref(out);
  return key;
}

GstBuffer* frame(int shift = 0, GstVideoFormat format = GST_VIDEO_FORMAT_RGB) {
  return make_buffer(synthetic_bgr(kWidth, kHeight, shift), format);
}

/* ------------------------------------------------------------------ caps */

TEST_F(DeltaCnnElementTest, EveryFormatNegotiatesAndGetsMeta) {
  if (!require_asset(lightning())) return;
  for (GstVideoFormat format : deltacnn_test::supported_formats()) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    GstHarness* h = harness(
        lightning(), [](GstElement* e) { g_object_set(e, "model-instance-id", "formats", nullptr); },
        format);
    ASSERT_NE(h, nullptr);
    GstBuffer* out = gst_harness_push_and_pull(h, frame(0, format));
    ASSERT_NE(out, nullptr);
    DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(out);
    ASSERT_NE(meta, nullptr);
    EXPECT_TRUE(meta->keyframe);
    EXPECT_STREQ(meta->backend, "cpu");
    EXPECT_EQ(meta->n_objects, rois(out).size());
    EXPECT_GT(meta->n_layers, 0u);
    gst_buffer_unref(out);

    // Passthrough caps: downstream sees exactly the input caps.
    GstCaps* src_caps = gst_pad_get_current_caps(h->sinkpad);
    ASSERT_NE(src_caps, nullptr);
    GstCaps* expected = gst_caps_from_string(caps_string(format, kWidth, kHeight).c_str());
    EXPECT_TRUE(gst_caps_is_equal(src_caps, expected));
    gst_caps_unref(expected);
    gst_caps_unref(src_caps);
  }
}

TEST_F(DeltaCnnElementTest, OddResolutionsWork) {
  if (!require_asset(lightning())) return;
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_RGB}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    GstHarness* h = harness(lightning(), [](GstElement*) {}, format, 33, 25);
    ASSERT_NE(h, nullptr);
    for (int i = 0; i < 2; ++i) {
      GstBuffer* out = gst_harness_push_and_pull(h, make_buffer(synthetic_bgr(33, 25, i), format));
      ASSERT_NE(out, nullptr);
      EXPECT_NE(gst_buffer_get_deltacnn_frame_meta(out), nullptr);
      gst_buffer_unref(out);
    }
  }
}

// A crop made by metadata (videocrop or a hardware decoder, with a downstream that accepts
// GstVideoCropMeta): the buffer holds a larger frame, the caps and the crop meta give the
// picture. The element sees the picture only: its objects equal those of the same picture
// pushed as a plain buffer, in the picture's pixels.
// `picture` at (x, y) in a copy of `around`, in a buffer of that size with a crop meta at
// (x + meta_dx, y + meta_dy) of the picture's size.
GstBuffer* cropped_buffer(const cv::Mat& picture, const cv::Mat& around, int x, int y,
                          GstVideoFormat format, int meta_dx = 0, int meta_dy = 0) {
  cv::Mat canvas = around.clone();
  picture.copyTo(canvas(cv::Rect(x, y, picture.cols, picture.rows)));
  GstBuffer* buffer = make_buffer(canvas, format);
  gst_buffer_add_video_meta(buffer, GST_VIDEO_FRAME_FLAG_NONE, format, canvas.cols, canvas.rows);
  GstVideoCropMeta* crop = gst_buffer_add_video_crop_meta(buffer);
  crop->x = guint(x + meta_dx);
  crop->y = guint(y + meta_dy);
  crop->width = guint(picture.cols);
  crop->height = guint(picture.rows);
  return buffer;
}

std::vector<std::vector<guint>> boxes(GstBuffer* buffer) {
  std::vector<std::vector<guint>> out;
  for (GstVideoRegionOfInterestMeta* roi : rois(buffer)) out.push_back({roi->x, roi->y, roi->w, roi->h});
  return out;
}

TEST_F(DeltaCnnElementTest, CropMetaSelectsThePictureTheCapsDescribe) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml) || !require_asset(deltacnn_test::vtest_path())) return;
  const cv::Mat picture = deltacnn_test::vtest_frame(0);
  ASSERT_FALSE(picture.empty());
  // Around the picture: other people (a later frame), so a wrong crop finds other objects.
  cv::Mat around;
  cv::resize(deltacnn_test::vtest_frame(300), around, cv::Size(picture.cols + 128, picture.rows + 64));
  const auto shared = [](GstElement* e) { g_object_set(e, "model-instance-id", "crop", nullptr); };
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_I420,
                                GST_VIDEO_FORMAT_NV12}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    GstHarness* plain = harness(yaml, shared, format, picture.cols, picture.rows);
    GstHarness* cropped = harness(yaml, shared, format, picture.cols, picture.rows);
    ASSERT_NE(plain, nullptr);
    ASSERT_NE(cropped, nullptr);
    GstBuffer* expected = gst_harness_push_and_pull(plain, make_buffer(picture, format));
    // 4:2:0 pictures start on even pixels: a crop meta at the odd (97, 33) is read as (96, 32).
    const bool sub = format == GST_VIDEO_FORMAT_I420 || format == GST_VIDEO_FORMAT_NV12;
    GstBuffer* got = gst_harness_push_and_pull(
        cropped, sub ? cropped_buffer(picture, around, 96, 32, format, 1, 1)
                     : cropped_buffer(picture, around, 97, 33, format));
    ASSERT_NE(expected, nullptr);
    ASSERT_NE(got, nullptr);
    EXPECT_GE(rois(expected).size(), 2u);
    EXPECT_EQ(boxes(got), boxes(expected));
    gst_buffer_unref(expected);
    gst_buffer_unref(got);
  }
}

// A crop meta whose region at the caps' size leaves the buffer: an error, not a read past it.
TEST_F(DeltaCnnElementTest, CropMetaOutsideTheBufferIsAnError) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning(), [](GstElement*) {}, GST_VIDEO_FORMAT_RGB, kWidth, kHeight);
  ASSERT_NE(h, nullptr);
  const cv::Mat picture = synthetic_bgr(kWidth, kHeight);
  // The crop at (16, 8): 16 + 64 columns > the buffer's 72.
  GstBuffer* buffer = cropped_buffer(picture, synthetic_bgr(kWidth + 8, kHeight + 8, 3), 8, 8,
                                     GST_VIDEO_FORMAT_RGB, 8, 0);
  EXPECT_EQ(gst_harness_push(h, buffer), GST_FLOW_ERROR);
}

// A crop meta of another size than the caps' picture (session 30: the caps' size was analysed
// at the crop's corner, silently reading beyond the crop or leaving part of it out): an error
// that names the crop and the caps.
TEST_F(DeltaCnnElementTest, CropMetaOfAnotherSizeThanTheCapsIsAnError) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning(), [](GstElement*) {}, GST_VIDEO_FORMAT_RGB, kWidth, kHeight);
  ASSERT_NE(h, nullptr);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  GstBuffer* buffer = cropped_buffer(synthetic_bgr(kWidth, kHeight), synthetic_bgr(kWidth + 8, kHeight + 8, 3), 4,
                                     4, GST_VIDEO_FORMAT_RGB);
  gst_buffer_get_video_crop_meta(buffer)->width = kWidth / 2;
  EXPECT_EQ(gst_harness_push(h, buffer), GST_FLOW_ERROR);
  GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  ASSERT_NE(m, nullptr);
  const deltacnn_test::BusError e = deltacnn_test::to_bus_error(m);
  gst_message_unref(m);
  EXPECT_NE(e.debug.find("GstVideoCropMeta (4, 4, 32x48) is not the caps' 64x48 picture"), std::string::npos)
      << e.debug;
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
}

TEST_F(DeltaCnnElementTest, PixelsAreNotModified) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  GstBuffer* in = frame(3);
  expect_pushed_buffer_unchanged(h, in);
}

TEST_F(DeltaCnnElementTest, UnsupportedFormatsAreRefused) {
  GstElement* e = make_element();
  ASSERT_NE(e, nullptr);
  GstPad* sink = gst_element_get_static_pad(e, "sink");
  for (const char* format : {"GRAY8", "YUY2", "RGB16", "I420_10LE"}) {
    GstCaps* caps = gst_caps_from_string(
        (std::string("video/x-raw,format=") + format + ",width=64,height=48").c_str());
    EXPECT_FALSE(gst_pad_query_accept_caps(sink, caps)) << format;
    gst_caps_unref(caps);
  }
  for (GstVideoFormat format : deltacnn_test::supported_formats()) {
    GstCaps* caps = gst_caps_from_string(caps_string(format, 31, 17).c_str());
    EXPECT_TRUE(gst_pad_query_accept_caps(sink, caps)) << gst_video_format_to_string(format);
    gst_caps_unref(caps);
  }
  // Sides up to the pre-processing's limit: a larger frame fails negotiation, not its first buffer.
  for (auto [w, h, ok] : {std::tuple{65536, 2, true}, {2, 65536, true}, {65537, 2, false}, {2, 70000, false}}) {
    GstCaps* caps = gst_caps_from_string(caps_string(GST_VIDEO_FORMAT_RGB, w, h).c_str());
    EXPECT_EQ(gst_pad_query_accept_caps(sink, caps), ok) << w << "x" << h;
    gst_caps_unref(caps);
  }
  gst_object_unref(sink);
  gst_object_unref(e);
}

/* ------------------------------------------------------------------ properties */

TEST_F(DeltaCnnElementTest, PropertyDefaults) {
  GstElement* e = make_element();
  ASSERT_NE(e, nullptr);
  gchar *config = nullptr, *model = nullptr, *instance = nullptr;
  gint backend = -5, device = -5, keyframe = -5, mode = -5;
  gdouble delta = -5, score = -5;
  guint unique = 99;
  gboolean qos = TRUE;
  g_object_get(e, "config-file-path", &config, "model", &model, "backend", &backend, "device-id",
               &device, "delta-threshold", &delta, "keyframe-interval", &keyframe, "mode", &mode,
               "score-threshold", &score, "unique-id", &unique, "model-instance-id", &instance,
               "qos", &qos, nullptr);
  EXPECT_EQ(config, nullptr);
  EXPECT_EQ(model, nullptr);
  EXPECT_EQ(instance, nullptr);
  EXPECT_EQ(backend, 0);  // auto
  EXPECT_EQ(device, 0);
  EXPECT_DOUBLE_EQ(delta, -1.0);
  EXPECT_EQ(keyframe, -1);
  EXPECT_EQ(mode, 0);  // delta
  EXPECT_DOUBLE_EQ(score, -1.0);
  EXPECT_EQ(unique, 0u);
  EXPECT_FALSE(qos);
  gint precision = -5;
  g_object_get(e, "precision", &precision, nullptr);
  EXPECT_EQ(precision, 3);  // config: the YAML's model.precision
  gst_util_set_object_arg(G_OBJECT(e), "precision", "fp16");
  g_object_get(e, "precision", &precision, nullptr);
  EXPECT_EQ(precision, 1);
  gst_util_set_object_arg(G_OBJECT(e), "precision", "bf16");
  g_object_get(e, "precision", &precision, nullptr);
  EXPECT_EQ(precision, 2);
  gst_util_set_object_arg(G_OBJECT(e), "precision", "fp32");
  g_object_get(e, "precision", &precision, nullptr);
  EXPECT_EQ(precision, 0);
  gst_object_unref(e);
}

TEST_F(DeltaCnnElementTest, PropertyRoundTrip) {
  GstElement* e = make_element();
  ASSERT_NE(e, nullptr);
  gst_util_set_object_arg(G_OBJECT(e), "backend", "cpu");
  gst_util_set_object_arg(G_OBJECT(e), "mode", "dense");
  g_object_set(e, "config-file-path", "a.yaml", "model", "m.onnx", "device-id", 2,
               "delta-threshold", 0.5, "keyframe-interval", 0, "score-threshold", 0.75,
               "unique-id", 12u, "model-instance-id", "shared", nullptr);
  gchar *config = nullptr, *model = nullptr, *instance = nullptr;
  gint backend = -5, device = -5, keyframe = -5, mode = -5;
  gdouble delta = -5, score = -5;
  guint unique = 0;
  g_object_get(e, "config-file-path", &config, "model", &model, "backend", &backend, "device-id",
               &device, "delta-threshold", &delta, "keyframe-interval", &keyframe, "mode", &mode,
               "score-threshold", &score, "unique-id", &unique, "model-instance-id", &instance,
               nullptr);
  EXPECT_STREQ(config, "a.yaml");
  EXPECT_STREQ(model, "m.onnx");
  EXPECT_STREQ(instance, "shared");
  EXPECT_EQ(backend, 2);
  EXPECT_EQ(mode, 1);
  EXPECT_EQ(device, 2);
  EXPECT_DOUBLE_EQ(delta, 0.5);
  EXPECT_EQ(keyframe, 0);
  EXPECT_DOUBLE_EQ(score, 0.75);
  EXPECT_EQ(unique, 12u);
  g_free(config);
  g_free(model);
  g_free(instance);
  // Out-of-range values are refused by GObject (a warning), the old value stays.
  GLogLevelFlags old = g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_FATAL_MASK));
  testing::internal::CaptureStderr();
  g_object_set(e, "score-threshold", 7.0, nullptr);
  testing::internal::GetCapturedStderr();
  g_log_set_always_fatal(old);
  g_object_get(e, "score-threshold", &score, nullptr);
  EXPECT_DOUBLE_EQ(score, 0.75);
  gst_object_unref(e);
}

TEST_F(DeltaCnnElementTest, ReadyOnlyPropertiesAreFrozenWhileRunning) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  // (config-file-path and model are not among them: set while running, they reload; see
  // reload_test.cpp.)
  g_object_set(h->element, "camera-id", "other", "unique-id", 5u, nullptr);
  gchar* camera = nullptr;
  guint unique = 0;
  g_object_get(h->element, "camera-id", &camera, "unique-id", &unique, nullptr);
  EXPECT_EQ(camera, nullptr);
  EXPECT_EQ(unique, 0u);
  g_free(camera);
}

/* ------------------------------------------------------------------ meta on every frame */

TEST_F(DeltaCnnElementTest, MetaOnEveryFrameIncludingIdenticalFrames) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning(), [](GstElement* e) {
    g_object_set(e, "unique-id", 4u, nullptr);
  });
  ASSERT_NE(h, nullptr);
  const cv::Mat image = synthetic_bgr(kWidth, kHeight, 0);
  size_t first_count = 0;
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    GstBuffer* out = gst_harness_push_and_pull(
        h, make_buffer(image, GST_VIDEO_FORMAT_RGB, i * GST_SECOND / 10));
    ASSERT_NE(out, nullptr);
    DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(out);
    ASSERT_NE(meta, nullptr);
    EXPECT_EQ(meta->frame_index, static_cast<guint64>(i));
    EXPECT_EQ(meta->keyframe, i == 0);
    EXPECT_EQ(meta->unique_id, 4u);
    if (i > 0) {
      EXPECT_FLOAT_EQ(meta->input_active, 0.f);  // nothing changed
    }
    std::vector<GstVideoRegionOfInterestMeta*> objects = rois(out);
    EXPECT_EQ(meta->n_objects, objects.size());
    if (i == 0) first_count = objects.size();
    EXPECT_EQ(objects.size(), first_count);  // results carried over unchanged frames
    gst_buffer_unref(out);
  }
}

TEST_F(DeltaCnnElementTest, RealPeopleOnVtestBecomeRoiMetas) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml) || !require_asset(deltacnn_test::vtest_path())) return;
  cv::Mat image = deltacnn_test::vtest_frame(0);
  ASSERT_FALSE(image.empty()) << "could not decode " << deltacnn_test::vtest_path();
  GstHarness* h = harness(yaml, [](GstElement*) {}, GST_VIDEO_FORMAT_BGR, image.cols, image.rows);
  ASSERT_NE(h, nullptr);
  GstBuffer* out = gst_harness_push_and_pull(h, make_buffer(image, GST_VIDEO_FORMAT_BGR));
  ASSERT_NE(out, nullptr);
  std::vector<GstVideoRegionOfInterestMeta*> objects = rois(out);
  EXPECT_GE(objects.size(), 2u) << "vtest frame 0 shows several pedestrians";
  for (GstVideoRegionOfInterestMeta* roi : objects) {
    DeltaCnnDetection det = {};
    ASSERT_TRUE(deltacnn_roi_get_detection(roi, &det));
    EXPECT_STREQ(det.label, "person");
    EXPECT_GE(det.id, 0);
    EXPECT_GE(det.confidence, 0.25);
    EXPECT_LE(det.x + det.w, static_cast<guint>(image.cols));
    EXPECT_LE(det.y + det.h, static_cast<guint>(image.rows));
    EXPECT_EQ(deltacnn_roi_get_keypoints(roi, nullptr, 0), 17u);
    EXPECT_GT(deltacnn_roi_get_connections(roi, nullptr, 0), 10u);
  }
  gst_buffer_unref(out);
}

/* ------------------------------------------------------------------ stabilize */

TEST_F(DeltaCnnElementTest, StabilizePropertyDefaultAndRoundTrip) {
  GstElement* e = make_element();
  ASSERT_NE(e, nullptr);
  gint stabilize = -5;
  g_object_get(e, "stabilize", &stabilize, nullptr);
  EXPECT_EQ(stabilize, 0);  // config: the YAML's stabilize block
  const std::map<std::string, gint> nicks = {{"off", 1}, {"shift", 2}, {"exposure", 3}, {"both", 4}, {"config", 0}};
  for (const auto& [nick, value] : nicks) {
    gst_util_set_object_arg(G_OBJECT(e), "stabilize", nick.c_str());
    g_object_get(e, "stabilize", &stabilize, nullptr);
    EXPECT_EQ(stabilize, value) << nick;
  }
  gst_object_unref(e);
}

// A vtest frame, then the same frame moved 8 px right (2 model pixels at Lightning's 192x192):
// stabilize=shift reports the camera shift it moved the frame back by in the frame meta; the
// YAML (no stabilize block) runs without the stabiliser, which reports none.
TEST_F(DeltaCnnElementTest, StabilizePropertyFollowsAShakenFrame) {
  if (!require_asset(lightning()) || !require_asset(deltacnn_test::vtest_path())) return;
  const cv::Mat image = deltacnn_test::vtest_frame(0);
  ASSERT_FALSE(image.empty()) << "could not decode " << deltacnn_test::vtest_path();
  cv::Mat moved;
  const cv::Mat right8 = (cv::Mat_<double>(2, 3) << 1, 0, 8, 0, 1, 0);
  cv::warpAffine(image, moved, right8, image.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  for (const char* setting : {"config", "shift"}) {
    GstHarness* h = harness(
        lightning(), [&](GstElement* e) { gst_util_set_object_arg(G_OBJECT(e), "stabilize", setting); },
        GST_VIDEO_FORMAT_BGR, image.cols, image.rows);
    ASSERT_NE(h, nullptr);
    EXPECT_TRUE(push_keyframe(h, make_buffer(image, GST_VIDEO_FORMAT_BGR))) << setting;
    GstBuffer* out = gst_harness_push_and_pull(h, make_buffer(moved, GST_VIDEO_FORMAT_BGR));
    ASSERT_NE(out, nullptr) << setting;
    DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(out);
    ASSERT_NE(meta, nullptr) << setting;
    if (std::string(setting) == "shift") {
      EXPECT_NEAR(meta->shift_x, 2.0, 0.25);
      EXPECT_NEAR(meta->shift_y, 0.0, 0.25);
      EXPECT_FALSE(meta->keyframe) << "a 2-pixel shake stays within max_offset: no new reference";
    } else {
      EXPECT_EQ(meta->shift_x, 0.f);
      EXPECT_EQ(meta->shift_y, 0.f);
    }
    gst_buffer_unref(out);
  }
}

/* ------------------------------------------------------------------ tracking */

TEST_F(DeltaCnnElementTest, TrackerPropertiesDefaultAndRoundTrip) {
  GstElement* e = make_element();
  ASSERT_NE(e, nullptr);
  gint tracker = -5;
  gdouble score_off = -5;
  g_object_get(e, "tracker", &tracker, "track-score-off", &score_off, nullptr);
  EXPECT_EQ(tracker, 0);  // config: the YAML's tracker.enabled
  EXPECT_DOUBLE_EQ(score_off, -1.0);
  gst_util_set_object_arg(G_OBJECT(e), "tracker", "off");
  g_object_set(e, "track-score-off", 0.1, nullptr);
  g_object_get(e, "tracker", &tracker, "track-score-off", &score_off, nullptr);
  EXPECT_EQ(tracker, 2);
  EXPECT_DOUBLE_EQ(score_off, 0.1);
  gst_util_set_object_arg(G_OBJECT(e), "tracker", "on");
  g_object_get(e, "tracker", &tracker, nullptr);
  EXPECT_EQ(tracker, 1);
  gst_object_unref(e);
}

// A tracker setting made with the tracker off does nothing: a WARNING names it and says what
// would make it count. Only what was set on purpose: a YAML's refine_margin under the property
// tracker=off (the shipped MultiPose file with the tracker turned off) is no mistake.
TEST_F(DeltaCnnElementTest, TrackerSettingsWithTheTrackerOffAreNamedInAWarning) {
  if (!require_asset(lightning())) return;
  auto warnings_of = [](const std::string& yaml, const std::string& properties) {
    std::vector<deltacnn_test::BusError> warnings;
    bool eos = false;
    const auto error = deltacnn_test::run_pipeline(
        "videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=64,height=48 ! deltacnn "
        "backend=cpu config-file-path=" + yaml + " " + properties + " ! fakesink",
        60, &eos, &warnings);
    EXPECT_FALSE(error.has_value()) << error->message;
    EXPECT_TRUE(eos);
    std::string all;
    for (const auto& w : warnings)
      if (w.message.find("has no effect") != std::string::npos) all += w.message + "\n";
    return all;
  };
  const std::string properties =
      warnings_of(lightning(), "tracker=off refine-margin=0.05 track-score-off=0.1");
  EXPECT_NE(properties.find("property refine-margin=0.05 has no effect: the tracker is off "
                            "(property tracker=off); expected tracker=on"),
            std::string::npos) << properties;
  EXPECT_NE(properties.find("property track-score-off=0.1 has no effect"), std::string::npos)
      << properties;

  const std::string off = deltacnn_test::config_with(
      "movenet-lightning.yaml", "tracker:\n  enabled: false\n  refine_margin: 0.05\n");
  const std::string on = deltacnn_test::config_with(
      "movenet-lightning.yaml", "tracker:\n  enabled: true\n  refine_margin: 0.05\n");
  ASSERT_FALSE(off.empty());
  ASSERT_FALSE(on.empty());
  const std::string yaml_key = warnings_of(off, "");
  EXPECT_NE(yaml_key.find(off + ": tracker.refine_margin: 0.05 has no effect"), std::string::npos)
      << yaml_key;
  const std::string property = warnings_of(off, "refine-margin=0.2");
  EXPECT_NE(property.find("property refine-margin=0.2 has no effect: the tracker is off (" + off +
                          ": tracker.enabled: false)"),
            std::string::npos) << property;
  EXPECT_EQ(property.find("tracker.refine_margin: 0.05"), std::string::npos) << property;
  EXPECT_EQ(warnings_of(on, "tracker=off"), "");
  EXPECT_EQ(warnings_of(on, ""), "");
  std::remove(off.c_str());
  std::remove(on.c_str());
}

// The first frames of vtest through MultiPose: the ROI id is the track id, the same person keeps
// it from frame to frame and its track age grows by one per frame. tracker=off: ids from the
// previous frame only, and no track age on the ROIs.
TEST_F(DeltaCnnElementTest, RoiIdsAreTrackIdsStableAcrossFrames) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml) || !require_asset(deltacnn_test::vtest_path())) return;
  std::vector<cv::Mat> images;
  for (int i = 0; i < 4; ++i) images.push_back(deltacnn_test::vtest_frame(i));
  ASSERT_FALSE(images.back().empty());
  const int w = images[0].cols, h = images[0].rows;
  GstHarness* tracked = harness(yaml, [](GstElement*) {}, GST_VIDEO_FORMAT_BGR, w, h);
  GstHarness* untracked = harness(yaml, [](GstElement* e) {
    gst_util_set_object_arg(G_OBJECT(e), "tracker", "off");
  }, GST_VIDEO_FORMAT_BGR, w, h);
  ASSERT_NE(tracked, nullptr);
  ASSERT_NE(untracked, nullptr);

  std::map<gint, gint> first_ids;  // id -> track age on frame 0
  int kept = 0;
  for (size_t f = 0; f < images.size(); ++f) {
    SCOPED_TRACE("frame " + std::to_string(f));
    GstBuffer* out = gst_harness_push_and_pull(
        tracked, make_buffer(images[f], GST_VIDEO_FORMAT_BGR, f * GST_SECOND / 10));
    ASSERT_NE(out, nullptr);
    for (GstVideoRegionOfInterestMeta* roi : rois(out)) {
      gint age = 0;
      ASSERT_TRUE(deltacnn_roi_get_track_age(roi, &age));
      if (f == 0) {
        EXPECT_EQ(age, 1);
        first_ids[roi->id] = age;
      } else if (first_ids.count(roi->id)) {
        EXPECT_EQ(age, static_cast<gint>(f) + 1) << "id " << roi->id;
        if (f + 1 == images.size()) ++kept;
      }
    }
    gst_buffer_unref(out);

    out = gst_harness_push_and_pull(untracked, make_buffer(images[f], GST_VIDEO_FORMAT_BGR));
    ASSERT_NE(out, nullptr);
    for (GstVideoRegionOfInterestMeta* roi : rois(out)) {
      gint age = 0;
      EXPECT_FALSE(deltacnn_roi_get_track_age(roi, &age));
      EXPECT_GE(roi->id, 0);
    }
    gst_buffer_unref(out);
  }
  EXPECT_GE(first_ids.size(), 2u);
  EXPECT_GE(kept, 2) << "the walkers of frame 0 keep their ids through frame 3";
}

/* ------------------------------------------------------------------ precedence */

TEST_F(DeltaCnnElementTest, KeyframeIntervalPropertyOverridesYaml) {
  if (!require_asset(lightning())) return;
  // The YAML says 300: with the property at 2, frames 0, 2, 4 are keyframes. The frames are all
  // the same picture: a changing one could make frames dense for a busy scene as well
  // (keyframe_break_even), and this test is about the interval only.
  GstHarness* h = harness(lightning(), [](GstElement* e) {
    g_object_set(e, "keyframe-interval", 2, nullptr);
  });
  ASSERT_NE(h, nullptr);
  std::vector<bool> keys;
  for (int i = 0; i < 5; ++i) keys.push_back(push_keyframe(h, frame(0)));
  EXPECT_EQ(keys, (std::vector<bool>{true, false, true, false, true}));

  // Unset again while playing: the YAML's 300, so no keyframe in the next frames.
  g_object_set(h->element, "keyframe-interval", -1, nullptr);
  for (int i = 5; i < 8; ++i) EXPECT_FALSE(push_keyframe(h, frame(0))) << i;
}

TEST_F(DeltaCnnElementTest, ScoreThresholdPropertyOverridesYaml) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml) || !require_asset(deltacnn_test::vtest_path())) return;
  cv::Mat image = deltacnn_test::vtest_frame(0);
  ASSERT_FALSE(image.empty());
  GstHarness* h = harness(yaml, [](GstElement* e) {
    g_object_set(e, "score-threshold", 1.0, "mode", 1 /* dense */, nullptr);
  }, GST_VIDEO_FORMAT_BGR, image.cols, image.rows);
  ASSERT_NE(h, nullptr);
  GstBuffer* out = gst_harness_push_and_pull(h, make_buffer(image, GST_VIDEO_FORMAT_BGR));
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(rois(out).size(), 0u) << "no pose scores 1.0";
  gst_buffer_unref(out);

  g_object_set(h->element, "score-threshold", -1.0, nullptr);  // back to the YAML's 0.25
  out = gst_harness_push_and_pull(h, make_buffer(image, GST_VIDEO_FORMAT_BGR));
  ASSERT_NE(out, nullptr);
  EXPECT_GE(rois(out).size(), 2u);
  gst_buffer_unref(out);
}

// Mean active fraction of the frame meta after pushing frames with a block moving right.
double mean_active_after_motion(GstHarness* h) {
  double active = -1.0;
  for (int shift = 0; shift < 3; ++shift) {
    GstBuffer* out = gst_harness_push_and_pull(h, frame(4 * shift));
    if (out == nullptr) return -1.0;
    if (DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(out))
      active = meta->mean_active;
    gst_buffer_unref(out);
  }
  return active;
}

TEST_F(DeltaCnnElementTest, DeltaThresholdPropertyReachesTheEngine) {
  if (!require_asset(lightning())) return;
  GstHarness* exact = harness(lightning(), [](GstElement* e) {
    g_object_set(e, "delta-threshold", 0.0, nullptr);
  });
  GstHarness* coarse = harness(lightning(), [](GstElement* e) {
    g_object_set(e, "delta-threshold", 1000.0, nullptr);
  });
  ASSERT_NE(exact, nullptr);
  ASSERT_NE(coarse, nullptr);
  const double exact_active = mean_active_after_motion(exact);
  const double coarse_active = mean_active_after_motion(coarse);
  EXPECT_GT(exact_active, 0.0);
  // A huge threshold stops changes early in the network: far fewer active pixels.
  EXPECT_LT(coarse_active, exact_active);
}

TEST_F(DeltaCnnElementTest, DenseModeMakesEveryFrameAKeyframe) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(push_keyframe(h, frame(0)));
  EXPECT_FALSE(push_keyframe(h, frame(1)));
  gst_util_set_object_arg(G_OBJECT(h->element), "mode", "dense");  // mutable while playing
  EXPECT_TRUE(push_keyframe(h, frame(2)));
  EXPECT_TRUE(push_keyframe(h, frame(3)));
  gst_util_set_object_arg(G_OBJECT(h->element), "mode", "delta");
  push_keyframe(h, frame(4));  // the switch back may run one dense pass
  EXPECT_FALSE(push_keyframe(h, frame(5)));
}

// mode=delta set on a dense element whose delta state does not fit in memory (here: the
// address-space limit, in a child process): a warning, the property back to dense, and frames
// going on dense, where the pipeline used to stop with an error.
TEST_F(DeltaCnnElementTest, AModeChangeThatDoesNotFitIsRefusedAndTheStreamGoesOn) {
  if (!require_asset(lightning())) return;
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        GstHarness* h = harness(lightning(), [](GstElement* e) {
          gst_util_set_object_arg(G_OBJECT(e), "mode", "dense");
        });
        GstBus* bus = gst_bus_new();
        gst_element_set_bus(h->element, bus);
        for (int i = 0; i < 2; ++i) push_keyframe(h, frame(i));
        if (!dcnn::test::limit_address_space(size_t{1} << 20)) std::exit(3);
        gst_util_set_object_arg(G_OBJECT(h->element), "mode", "delta");
        GstBuffer* out = gst_harness_push_and_pull(h, frame(2));
        if (out == nullptr) std::exit(4);  // the pipeline stopped
        const bool dense = gst_buffer_get_deltacnn_frame_meta(out)->keyframe;
        gst_buffer_unref(out);
        GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
        if (m == nullptr) std::exit(5);
        const deltacnn_test::BusError w = deltacnn_test::to_bus_error(m);
        gst_message_unref(m);
        std::fprintf(stderr, "%s\n", w.message.c_str());
        gint mode = -1;
        g_object_get(h->element, "mode", &mode, nullptr);
        GEnumClass* modes = G_ENUM_CLASS(g_type_class_ref(G_PARAM_SPEC_VALUE_TYPE(
            g_object_class_find_property(G_OBJECT_GET_CLASS(h->element), "mode"))));
        const bool reverted = mode == g_enum_get_value_by_nick(modes, "dense")->value;
        g_type_class_unref(modes);
        std::exit(dense && reverted && w.message.find("still running mode dense") != std::string::npos ? 0 : 6);
      },
      ::testing::ExitedWithCode(0), "Failed to change the mode: .*needs at least .*RLIMIT_AS");
}

/* ------------------------------------------------------------------ resets */

TEST_F(DeltaCnnElementTest, FlushResetsTheDeltaState) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(push_keyframe(h, frame(0)));
  EXPECT_FALSE(push_keyframe(h, frame(1)));
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_flush_start()));
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_segment(&segment)));
  EXPECT_TRUE(push_keyframe(h, frame(2)));
  EXPECT_FALSE(push_keyframe(h, frame(3)));
}

TEST_F(DeltaCnnElementTest, CapsChangeResetsTheDeltaState) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  // Frames that must stay delta frames repeat the picture: on a 64x48 frame even the 1-pixel
  // move of frame(n) leaves about half of Lightning's MACs active, at its busy-scene
  // break-even (0.5), and this test is about resets only.
  EXPECT_TRUE(push_keyframe(h, frame(0)));
  EXPECT_FALSE(push_keyframe(h, frame(0)));
  // Same caps again (e.g. a renegotiation that changed nothing): no reset.
  gst_harness_set_src_caps_str(h, caps_string(GST_VIDEO_FORMAT_RGB, kWidth, kHeight).c_str());
  EXPECT_FALSE(push_keyframe(h, frame(0)));
  // Another format at the same size: reset.
  gst_harness_set_src_caps_str(h, caps_string(GST_VIDEO_FORMAT_BGR, kWidth, kHeight).c_str());
  EXPECT_TRUE(push_keyframe(h, frame(3, GST_VIDEO_FORMAT_BGR)));
  EXPECT_FALSE(push_keyframe(h, frame(3, GST_VIDEO_FORMAT_BGR)));
  // Another size: reset.
  gst_harness_set_src_caps_str(h, caps_string(GST_VIDEO_FORMAT_BGR, 96, 64).c_str());
  EXPECT_TRUE(push_keyframe(h, make_buffer(synthetic_bgr(96, 64), GST_VIDEO_FORMAT_BGR)));
}

TEST_F(DeltaCnnElementTest, DiscontResetsTheDeltaState) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(push_keyframe(h, frame(0)));
  EXPECT_FALSE(push_keyframe(h, frame(1)));
  GstBuffer* discont = frame(2);
  GST_BUFFER_FLAG_SET(discont, GST_BUFFER_FLAG_DISCONT);
  EXPECT_TRUE(push_keyframe(h, discont));
  EXPECT_FALSE(push_keyframe(h, frame(3)));
}

TEST_F(DeltaCnnElementTest, DiscontKeepsTheDeltaStateWhenResetOnDiscontIsOff) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  gboolean reset_on_discont = FALSE;
  g_object_get(h->element, "reset-on-discont", &reset_on_discont, nullptr);
  EXPECT_TRUE(reset_on_discont);  // documented default
  g_object_set(h->element, "reset-on-discont", FALSE, nullptr);
  EXPECT_TRUE(push_keyframe(h, frame(0)));
  EXPECT_FALSE(push_keyframe(h, frame(0)));  // the same picture: see CapsChangeResetsTheDeltaState
  GstBuffer* discont = frame(1);
  GST_BUFFER_FLAG_SET(discont, GST_BUFFER_FLAG_DISCONT);
  EXPECT_FALSE(push_keyframe(h, discont));  // a dropped frame needs no dense pass
  g_object_set(h->element, "reset-on-discont", TRUE, nullptr);
  GstBuffer* discont2 = frame(3);
  GST_BUFFER_FLAG_SET(discont2, GST_BUFFER_FLAG_DISCONT);
  EXPECT_TRUE(push_keyframe(h, discont2));
}

// A camera that was away for a minute, from a source that does not flag it (an appsrc fed by
// NVR software): the jump of the timestamps resets like DISCONT; shorter steps, backward jumps,
// reset-after-gap=0 and a feed that is slow throughout (a frame every 6 s) do not.
TEST_F(DeltaCnnElementTest, AGapInTheTimestampsResetsTheDeltaState) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  guint gap_ms = 0;
  g_object_get(h->element, "reset-after-gap", &gap_ms, nullptr);
  EXPECT_EQ(gap_ms, 5000u);  // documented default
  auto at = [](double seconds) {
    return make_buffer(synthetic_bgr(kWidth, kHeight, 0), GST_VIDEO_FORMAT_RGB,
                       GstClockTime(seconds * GST_SECOND));
  };
  // The same picture throughout: see CapsChangeResetsTheDeltaState.
  EXPECT_TRUE(push_keyframe(h, at(0.0)));
  EXPECT_FALSE(push_keyframe(h, at(0.1)));
  EXPECT_FALSE(push_keyframe(h, at(4.9)));    // 4.8 s: within the limit
  EXPECT_TRUE(push_keyframe(h, at(64.9)));    // a minute away
  EXPECT_FALSE(push_keyframe(h, at(65.0)));
  EXPECT_FALSE(push_keyframe(h, at(10.0)));   // backwards (a source's clock reset): no gap
  g_object_set(h->element, "reset-after-gap", 0u, nullptr);
  EXPECT_FALSE(push_keyframe(h, at(200.0)));  // 0: never
  g_object_set(h->element, "reset-after-gap", 5000u, nullptr);
  for (double t : {206.0, 212.0, 218.0, 224.0})  // a timelapse: 6 s steps throughout
    EXPECT_FALSE(push_keyframe(h, at(t))) << "a slow feed reset at " << t << " s";
  EXPECT_TRUE(push_keyframe(h, at(324.0)));  // 100 s: away
}

// reset-after-gap in the segment's time: a looping player's segment seek (the media starts again,
// the running time goes on) resets; videorate's GAP-flagged copies of the last frame do not hide
// an outage; a new frame rate (one frame in 10 s) is not judged by the old one's steps.
TEST_F(DeltaCnnElementTest, GapsAreJudgedInTheSegmentsTime) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  auto at = [](double seconds) {
    return make_buffer(synthetic_bgr(kWidth, kHeight, 0), GST_VIDEO_FORMAT_RGB,
                       GstClockTime(seconds * GST_SECOND));
  };
  auto segment_from = [&](double base_s) {
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    segment.base = GstClockTime(base_s * GST_SECOND);
    ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_segment(&segment)));
  };
  EXPECT_TRUE(push_keyframe(h, at(0.0)));
  for (int i = 1; i < 20; ++i) EXPECT_FALSE(push_keyframe(h, at(0.1 * i)));
  segment_from(2.0);  // the loop: the media at 0 again, 2 s of running time on
  EXPECT_TRUE(push_keyframe(h, at(0.0))) << "a loop back to the start kept the delta state";
  EXPECT_FALSE(push_keyframe(h, at(0.1)));
  segment_from(2.2);  // the same media going on under a new segment (its base moved on with it)
  EXPECT_FALSE(push_keyframe(h, at(0.2)));

  // 60 s without the camera, filled by videorate with copies flagged GAP.
  for (int i = 3; i < 603; ++i) {
    GstBuffer* copy = at(0.1 * i);
    GST_BUFFER_FLAG_SET(copy, GST_BUFFER_FLAG_GAP);
    push_keyframe(h, copy);
  }
  EXPECT_TRUE(push_keyframe(h, at(60.3))) << "the outage behind videorate's copies was not seen";

  // The camera is set to one frame in 10 s (its caps say so): slow from now on, no outage.
  std::string slow = caps_string(GST_VIDEO_FORMAT_RGB, kWidth, kHeight);
  slow.replace(slow.find("framerate=10/1"), 14, "framerate=1/10");
  gst_harness_set_src_caps_str(h, slow.c_str());
  for (double t : {70.3, 80.3, 90.3, 100.3})
    EXPECT_FALSE(push_keyframe(h, at(t))) << "reset at " << t << " s by the old frame rate's steps";
}

// A buffer flagged GAP (videorate's copy of the last frame) is not analysed: its picture is
// ignored (here: another one entirely), it carries the last frame's objects again with no work
// counted, and the tracker saw no new observation there; the next real frame counts the copy
// as a frame of the stream's time (track ages go on by two, as over a dropped frame).
TEST_F(DeltaCnnElementTest, AGapBufferRepeatsTheLastResultWithoutAnalysingIt) {
  const std::string yaml = config_path("movenet-multipose.yaml");
  if (!require_asset(yaml) || !require_asset(deltacnn_test::vtest_path())) return;
  // Ten real frames first: the tracker trusts the feed's step from the 8th interval on.
  constexpr int kReal = 10;
  std::vector<cv::Mat> frames;
  for (int i = 0; i <= kReal; ++i) frames.push_back(deltacnn_test::vtest_frame(i));
  for (const cv::Mat& f : frames) ASSERT_FALSE(f.empty());
  GstHarness* h = harness(yaml, [](GstElement*) {}, GST_VIDEO_FORMAT_BGR, frames[0].cols, frames[0].rows);
  ASSERT_NE(h, nullptr);
  auto push = [&](const cv::Mat& bgr, bool gap, double t) {
    GstBuffer* b = make_buffer(bgr, GST_VIDEO_FORMAT_BGR, GstClockTime(t * GST_SECOND));
    if (gap) GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_GAP);
    return gst_harness_push_and_pull(h, b);
  };
  auto ages = [](GstBuffer* b) {
    std::map<gint, gint> by_id;
    for (GstVideoRegionOfInterestMeta* roi : rois(b)) {
      gint age = 0;
      EXPECT_TRUE(deltacnn_roi_get_track_age(roi, &age));
      by_id[roi->id] = age;
    }
    return by_id;
  };
  GstBuffer* last = nullptr;
  for (int i = 0; i < kReal; ++i) {
    if (last) gst_buffer_unref(last);
    last = push(frames[size_t(i)], false, 0.1 * i);
    ASSERT_NE(last, nullptr);
  }
  const std::map<gint, gint> seen = ages(last);
  ASSERT_FALSE(seen.empty()) << "no people on vtest's frame " << kReal - 1;
  // The copy carries a black picture: analysed, it would have no people.
  GstBuffer* copy = push(cv::Mat::zeros(frames[0].size(), CV_8UC3), true, 0.1 * kReal);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(ages(copy), seen) << "the GAP buffer did not repeat the last frame's objects";
  DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(copy);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->infer_ms, 0.0);
  GstBuffer* next = push(frames[kReal], false, 0.1 * (kReal + 1));
  ASSERT_NE(next, nullptr);
  int continued = 0;
  for (const auto& [id, age] : ages(next)) {
    if (!seen.count(id)) continue;
    ++continued;
    EXPECT_EQ(age, seen.at(id) + 2) << "track " << id;
  }
  EXPECT_GT(continued, 0);
  for (GstBuffer* b : {last, copy, next}) gst_buffer_unref(b);
}

// Found by an adversarial review (session 30): an empty GAP buffer before any frame was analysed
// (nothing to repeat) went on to the frame map and stopped the pipeline.
TEST_F(DeltaCnnElementTest, AnEmptyGapBufferFirstGetsEmptyResults) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  GstBuffer* gap = gst_buffer_new();
  GST_BUFFER_PTS(gap) = 0;
  GST_BUFFER_FLAG_SET(gap, GST_BUFFER_FLAG_GAP);
  GstBuffer* out = gst_harness_push_and_pull(h, gap);
  ASSERT_NE(out, nullptr);
  DeltaCnnFrameMeta* meta = gst_buffer_get_deltacnn_frame_meta(out);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->n_objects, 0u);
  EXPECT_TRUE(rois(out).empty());
  gst_buffer_unref(out);
  // The same with a GstVideoMeta that the empty buffer cannot hold (session 30's review).
  GstBuffer* gap_with_meta = gst_buffer_new();
  GST_BUFFER_PTS(gap_with_meta) = GST_SECOND / 10;
  GST_BUFFER_FLAG_SET(gap_with_meta, GST_BUFFER_FLAG_GAP);
  gst_buffer_add_video_meta(gap_with_meta, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_RGB, kWidth, kHeight);
  out = gst_harness_push_and_pull(h, gap_with_meta);
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(rois(out).empty());
  gst_buffer_unref(out);
  EXPECT_TRUE(push_keyframe(h, frame(0))) << "the first real frame is the keyframe";
}

// A buffer too small for its caps (no GstVideoMeta to say otherwise): an error that names both
// sizes and the caps, where the frame map failed with a CRITICAL and a message naming neither.
TEST_F(DeltaCnnElementTest, ABufferTooSmallForItsCapsIsNamed) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  GstBuffer* half = gst_buffer_new_allocate(nullptr, size_t(kWidth) * kHeight * 3 / 2, nullptr);
  EXPECT_EQ(gst_harness_push(h, half), GST_FLOW_ERROR);
  GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  ASSERT_NE(m, nullptr);
  const deltacnn_test::BusError e = deltacnn_test::to_bus_error(m);
  gst_message_unref(m);
  const std::string expected = "A buffer of " + std::to_string(kWidth * kHeight * 3 / 2) +
                               " bytes is too small for its caps, which need " +
                               std::to_string(kWidth * kHeight * 3) + " bytes (" + std::to_string(kWidth) + "x" +
                               std::to_string(kHeight) + " RGB)";
  EXPECT_NE(e.message.find(expected), std::string::npos) << e.message;
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
}

TEST_F(DeltaCnnElementTest, StreamStartResetsTheDeltaState) {
  if (!require_asset(lightning())) return;
  GstHarness* h = harness(lightning());
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(push_keyframe(h, frame(0)));
  EXPECT_FALSE(push_keyframe(h, frame(1)));
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_stream_start("second-stream")));
  EXPECT_TRUE(push_keyframe(h, frame(2)));
}

/* ------------------------------------------------------------------ shared model */

TEST_F(DeltaCnnElementTest, ElementsSharingAModelKeepTheirOwnDeltaState) {
  if (!require_asset(lightning())) return;
  auto shared = [](GstElement* e) { g_object_set(e, "model-instance-id", "camera-pool", nullptr); };
  GstHarness* a = harness(lightning(), shared);
  GstHarness* b = harness(lightning(), shared);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  // Repeated pictures stay delta frames (see CapsChangeResetsTheDeltaState).
  EXPECT_TRUE(push_keyframe(a, frame(1)));
  EXPECT_FALSE(push_keyframe(a, frame(1)));
  EXPECT_TRUE(push_keyframe(b, frame(0)));  // b's first frame: its own stream, dense
  EXPECT_FALSE(push_keyframe(a, frame(1)));
  EXPECT_FALSE(push_keyframe(b, frame(0)));
}

}  // namespace
