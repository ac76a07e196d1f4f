// The metadata library (gst/meta/deltacnnmeta.h) on its own: what is attached is what the
// accessors return, the frame meta survives copies and transforms, and the ROI param
// structures use DL Streamer's field names.
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gst/meta/deltacnnmeta.h"
#include "tests/gst/meta_c_usage.h"

namespace {

class MetaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
  void SetUp() override { buffer_ = gst_buffer_new_allocate(nullptr, 64, nullptr); }
  void TearDown() override { gst_buffer_unref(buffer_); }

  DeltaCnnFrameMeta* add_filled_frame_meta(GstBuffer* buffer, guint unique_id) {
    DeltaCnnFrameMeta* m = gst_buffer_add_deltacnn_frame_meta(buffer);
    m->frame_index = 42;
    m->keyframe = TRUE;
    m->input_active = 0.25f;
    m->input_masked = 0.33f;
    m->shift_x = -1.5f;
    m->exposure_gain = 1.08f;
    m->refined = TRUE;
    m->mean_active = 0.125f;
    m->preprocess_ms = 1.5;
    m->infer_ms = 12.25;
    m->decode_ms = 0.75;
    m->unique_id = unique_id;
    m->n_objects = 3;
    const gchar* names[] = {"conv1", "conv2/dw", nullptr};
    const gfloat active[] = {0.5f, 0.0625f};
    const gboolean dense[] = {TRUE, FALSE};
    deltacnn_frame_meta_set_layers(m, 2, names, active, dense);
    deltacnn_frame_meta_set_backend(m, "cpu");
    deltacnn_frame_meta_set_model_name(m, "movenet-multipose");
    deltacnn_frame_meta_set_requested_backend(m, "auto");
    deltacnn_frame_meta_set_element_name(m, "pose");
    return m;
  }

  void expect_filled(const DeltaCnnFrameMeta* m, guint unique_id) {
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->frame_index, 42u);
    EXPECT_TRUE(m->keyframe);
    EXPECT_FLOAT_EQ(m->input_active, 0.25f);
    EXPECT_FLOAT_EQ(m->input_masked, 0.33f);  // appended fields are copied too
    EXPECT_FLOAT_EQ(m->shift_x, -1.5f);
    EXPECT_FLOAT_EQ(m->shift_y, 0.f);
    EXPECT_FLOAT_EQ(m->exposure_gain, 1.08f);
    EXPECT_TRUE(m->refined);
    EXPECT_FLOAT_EQ(m->mean_active, 0.125f);
    EXPECT_DOUBLE_EQ(m->preprocess_ms, 1.5);
    EXPECT_DOUBLE_EQ(m->infer_ms, 12.25);
    EXPECT_DOUBLE_EQ(m->decode_ms, 0.75);
    EXPECT_EQ(m->unique_id, unique_id);
    EXPECT_EQ(m->n_objects, 3u);
    ASSERT_EQ(m->n_layers, 2u);
    EXPECT_STREQ(m->layer_names[0], "conv1");
    EXPECT_STREQ(m->layer_names[1], "conv2/dw");
    EXPECT_EQ(m->layer_names[2], nullptr);
    EXPECT_FLOAT_EQ(m->layer_active[0], 0.5f);
    EXPECT_FLOAT_EQ(m->layer_active[1], 0.0625f);
    EXPECT_TRUE(m->layer_dense[0]);
    EXPECT_FALSE(m->layer_dense[1]);
    EXPECT_STREQ(m->backend, "cpu");
    EXPECT_STREQ(m->model_name, "movenet-multipose");
    EXPECT_STREQ(m->requested_backend, "auto");
    EXPECT_STREQ(m->element_name, "pose");
  }

  GstBuffer* buffer_ = nullptr;
};

TEST_F(MetaTest, FrameMetaIsARegisteredMetaType) {
  EXPECT_NE(DELTACNN_FRAME_META_API_TYPE, G_TYPE_INVALID);
  EXPECT_STREQ(g_type_name(DELTACNN_FRAME_META_API_TYPE), "DeltaCnnFrameMetaAPI");
  ASSERT_NE(DELTACNN_FRAME_META_INFO, nullptr);
  EXPECT_EQ(DELTACNN_FRAME_META_INFO, gst_meta_get_info("DeltaCnnFrameMeta"));
  EXPECT_EQ(gst_buffer_get_deltacnn_frame_meta(buffer_), nullptr);
}

TEST_F(MetaTest, FrameMetaReturnsWhatWasAttached) {
  add_filled_frame_meta(buffer_, 7);
  expect_filled(gst_buffer_get_deltacnn_frame_meta(buffer_), 7);
}

TEST_F(MetaTest, NewFrameMetaIsEmpty) {
  DeltaCnnFrameMeta* m = gst_buffer_add_deltacnn_frame_meta(buffer_);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->n_layers, 0u);
  EXPECT_EQ(m->layer_names, nullptr);
  EXPECT_EQ(m->backend, nullptr);
  EXPECT_EQ(m->requested_backend, nullptr);
  EXPECT_EQ(m->element_name, nullptr);
  EXPECT_FALSE(m->keyframe);
  EXPECT_FALSE(m->refined);
  EXPECT_FLOAT_EQ(m->exposure_gain, 1.f);
  // GStreamer does not zero a meta: a field the init misses holds what the last one left there
  // (malloc hands the freed block back).
  m->refined = TRUE;
  m->keyframe = TRUE;
  ASSERT_TRUE(gst_buffer_remove_meta(buffer_, &m->meta));
  m = gst_buffer_add_deltacnn_frame_meta(buffer_);
  EXPECT_FALSE(m->refined);
  EXPECT_FALSE(m->keyframe);
}

TEST_F(MetaTest, SetLayersReplacesAndAcceptsMissingArrays) {
  DeltaCnnFrameMeta* m = add_filled_frame_meta(buffer_, 0);
  deltacnn_frame_meta_set_layers(m, 3, nullptr, nullptr, nullptr);
  ASSERT_EQ(m->n_layers, 3u);
  EXPECT_STREQ(m->layer_names[2], "");
  EXPECT_FLOAT_EQ(m->layer_active[2], 0.f);
  EXPECT_FALSE(m->layer_dense[2]);
  deltacnn_frame_meta_set_layers(m, 0, nullptr, nullptr, nullptr);
  EXPECT_EQ(m->n_layers, 0u);
  EXPECT_EQ(m->layer_names, nullptr);
}

// Found by an adversarial review (session 30): the setters freed the old value before copying
// the new one, so passing the meta's own field read freed memory (valgrind, ASan in
// scripts/sanitize.sh).
TEST_F(MetaTest, SettersTakeTheMetasOwnValues) {
  DeltaCnnFrameMeta* m = add_filled_frame_meta(buffer_, 0);
  deltacnn_frame_meta_set_model_name(m, m->model_name);
  EXPECT_STREQ(m->model_name, "movenet-multipose");
  const std::string first_layer = m->layer_names[0];
  const float first_active = m->layer_active[0];
  const guint n = m->n_layers;
  deltacnn_frame_meta_set_layers(m, n, m->layer_names, m->layer_active, m->layer_dense);
  ASSERT_EQ(m->n_layers, n);
  EXPECT_EQ(m->layer_names[0], first_layer);
  EXPECT_FLOAT_EQ(m->layer_active[0], first_active);
}

TEST_F(MetaTest, BufferCopyKeepsFrameMetaAsAnIndependentCopy) {
  add_filled_frame_meta(buffer_, 5);
  GstBuffer* copy = gst_buffer_copy(buffer_);
  DeltaCnnFrameMeta* copied = gst_buffer_get_deltacnn_frame_meta(copy);
  expect_filled(copied, 5);
  DeltaCnnFrameMeta* original = gst_buffer_get_deltacnn_frame_meta(buffer_);
  EXPECT_NE(copied, original);
  EXPECT_NE(copied->layer_names, original->layer_names);  // deep copy, freed separately
  gst_buffer_unref(buffer_);  // the copy must stay readable after the original is gone
  buffer_ = gst_buffer_new();
  expect_filled(copied, 5);
  gst_buffer_unref(copy);
}

TEST_F(MetaTest, ScaleTransformKeepsFrameMeta) {
  add_filled_frame_meta(buffer_, 1);
  GstBuffer* dest = gst_buffer_new_allocate(nullptr, 16, nullptr);
  GstMeta* meta = &gst_buffer_get_deltacnn_frame_meta(buffer_)->meta;
  GstVideoInfo in, out;
  gst_video_info_set_format(&in, GST_VIDEO_FORMAT_RGB, 64, 48);
  gst_video_info_set_format(&out, GST_VIDEO_FORMAT_RGB, 32, 24);
  GstVideoMetaTransform scale = {&in, &out};
  ASSERT_TRUE(meta->info->transform_func(dest, meta, buffer_,
                                         gst_video_meta_transform_scale_get_quark(), &scale));
  expect_filled(gst_buffer_get_deltacnn_frame_meta(dest), 1);
  gst_buffer_unref(dest);
}

TEST_F(MetaTest, FrameMetaByUniqueIdPicksTheRightProducer) {
  add_filled_frame_meta(buffer_, 1);
  DeltaCnnFrameMeta* second = gst_buffer_add_deltacnn_frame_meta(buffer_);
  second->unique_id = 2;
  second->frame_index = 9;
  EXPECT_EQ(gst_buffer_get_deltacnn_frame_meta_by_unique_id(buffer_, 2), second);
  ASSERT_NE(gst_buffer_get_deltacnn_frame_meta_by_unique_id(buffer_, 1), nullptr);
  EXPECT_EQ(gst_buffer_get_deltacnn_frame_meta_by_unique_id(buffer_, 1)->frame_index, 42u);
  EXPECT_EQ(gst_buffer_get_deltacnn_frame_meta_by_unique_id(buffer_, 3), nullptr);
}

DeltaCnnDetection person(gint id) {
  DeltaCnnDetection d = {};
  d.id = id;
  d.label_id = 0;
  d.label = "person";
  d.confidence = 0.875;
  d.x_min = 0.25;
  d.y_min = 0.125;
  d.x_max = 0.5;
  d.y_max = 0.75;
  d.unique_id = 3;
  return d;
}

TEST_F(MetaTest, ObjectRoundTripsThroughRoiMeta) {
  DeltaCnnDetection in = person(17);
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 640, 480);
  ASSERT_NE(roi, nullptr);
  // The plain ROI fields, as any GStreamer element reads them.
  EXPECT_STREQ(g_quark_to_string(roi->roi_type), "person");
  EXPECT_EQ(roi->id, 17);
  EXPECT_EQ(roi->x, 160u);
  EXPECT_EQ(roi->y, 60u);
  EXPECT_EQ(roi->w, 160u);
  EXPECT_EQ(roi->h, 300u);

  DeltaCnnDetection out = {};
  ASSERT_TRUE(deltacnn_roi_get_detection(roi, &out));
  EXPECT_EQ(out.id, 17);
  EXPECT_STREQ(out.label, "person");
  EXPECT_EQ(out.label_id, 0);
  EXPECT_DOUBLE_EQ(out.confidence, 0.875);
  EXPECT_DOUBLE_EQ(out.x_min, 0.25);
  EXPECT_DOUBLE_EQ(out.y_min, 0.125);
  EXPECT_DOUBLE_EQ(out.x_max, 0.5);
  EXPECT_DOUBLE_EQ(out.y_max, 0.75);
  EXPECT_EQ(out.x, 160u);
  EXPECT_EQ(out.h, 300u);
  EXPECT_EQ(out.unique_id, 3u);
  EXPECT_EQ(deltacnn_roi_get_keypoints(roi, nullptr, 0), 0u);
}

// Which element and model made an object: several deltacnn elements number their objects
// independently, so the source is what tells two objects with the same id apart.
TEST_F(MetaTest, ObjectSourceRoundTrips) {
  DeltaCnnDetection in = person(0);
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 100, 100);
  ASSERT_NE(roi, nullptr);
  const gchar *element = "untouched", *model = "untouched";
  EXPECT_FALSE(deltacnn_roi_get_source(roi, &element, &model)) << "no source recorded yet";
  EXPECT_STREQ(element, "untouched");
  ASSERT_TRUE(deltacnn_roi_set_source(roi, "pose", "movenet-lightning"));
  ASSERT_TRUE(deltacnn_roi_get_source(roi, &element, &model));
  EXPECT_STREQ(element, "pose");
  EXPECT_STREQ(model, "movenet-lightning");
  EXPECT_TRUE(deltacnn_roi_get_source(roi, nullptr, &model));
  GstStructure* s = gst_video_region_of_interest_meta_get_param(roi, "detection");
  EXPECT_STREQ(gst_structure_get_string(s, "element_name"), "pose");
  EXPECT_STREQ(gst_structure_get_string(s, "model_name"), "movenet-lightning");
  // A ROI from another element has nowhere to record it.
  GstVideoRegionOfInterestMeta* face =
      gst_buffer_add_video_region_of_interest_meta(buffer_, "face", 1, 2, 3, 4);
  EXPECT_FALSE(deltacnn_roi_set_source(face, "pose", "m"));
  EXPECT_FALSE(deltacnn_roi_get_source(face, &element, &model));
}

// The track age: present only on tracked objects; then roi->id is the track id.
TEST_F(MetaTest, TrackAgeRoundTripsAndIsAbsentWhenUntracked) {
  DeltaCnnDetection in = person(4);
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 100, 100);
  ASSERT_NE(roi, nullptr);
  gint age = -7;
  EXPECT_FALSE(deltacnn_roi_get_track_age(roi, &age)) << "not tracked yet";
  EXPECT_EQ(age, -7);
  ASSERT_TRUE(deltacnn_roi_set_track_age(roi, 12));
  ASSERT_TRUE(deltacnn_roi_get_track_age(roi, &age));
  EXPECT_EQ(age, 12);
  GstStructure* s = gst_video_region_of_interest_meta_get_param(roi, "detection");
  gint field = 0;
  EXPECT_TRUE(gst_structure_get_int(s, "track_age", &field));
  EXPECT_EQ(field, 12);
  // Ages start at 1; a ROI from another element has no detection structure to hold one.
  GLogLevelFlags old = g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_FATAL_MASK));
  EXPECT_FALSE(deltacnn_roi_set_track_age(roi, 0));
  g_log_set_always_fatal(old);
  GstVideoRegionOfInterestMeta* face =
      gst_buffer_add_video_region_of_interest_meta(buffer_, "face", 1, 2, 3, 4);
  EXPECT_FALSE(deltacnn_roi_set_track_age(face, 3));
  EXPECT_FALSE(deltacnn_roi_get_track_age(face, &age));
}

TEST_F(MetaTest, ZonesRoundTripAsAStringArray) {
  DeltaCnnDetection in = person(1);
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 100, 100);
  ASSERT_NE(roi, nullptr);
  EXPECT_EQ(deltacnn_roi_get_zones(roi, nullptr, 0), 0u) << "no zones recorded yet";
  const gchar* names[] = {"west", "road"};
  ASSERT_TRUE(deltacnn_roi_set_zones(roi, names, 2));
  const gchar* out[4] = {nullptr, nullptr, nullptr, nullptr};
  EXPECT_EQ(deltacnn_roi_get_zones(roi, nullptr, 0), 2u);
  ASSERT_EQ(deltacnn_roi_get_zones(roi, out, 1), 2u);  // fills only what fits
  EXPECT_STREQ(out[0], "west");
  EXPECT_EQ(out[1], nullptr);
  ASSERT_EQ(deltacnn_roi_get_zones(roi, out, 4), 2u);
  EXPECT_STREQ(out[1], "road");
  GstStructure* s = gst_video_region_of_interest_meta_get_param(roi, "detection");
  EXPECT_EQ(gst_structure_get_field_type(s, "zones"), GST_TYPE_ARRAY);
  // An empty list is recorded as such (the element has zones; the object is in none).
  ASSERT_TRUE(deltacnn_roi_set_zones(roi, nullptr, 0));
  EXPECT_EQ(deltacnn_roi_get_zones(roi, out, 4), 0u);
  EXPECT_TRUE(gst_structure_has_field(s, "zones"));
  GstVideoRegionOfInterestMeta* face = gst_buffer_add_video_region_of_interest_meta(buffer_, "face", 1, 2, 3, 4);
  EXPECT_FALSE(deltacnn_roi_set_zones(face, names, 2));
  EXPECT_EQ(deltacnn_roi_get_zones(face, out, 4), 0u);
}

TEST_F(MetaTest, DetectionStructureUsesDlStreamerNames) {
  DeltaCnnDetection in = person(1);
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 100, 100);
  GstStructure* s = gst_video_region_of_interest_meta_get_param(roi, "detection");
  ASSERT_NE(s, nullptr);
  for (const char* field : {"x_min", "y_min", "x_max", "y_max", "confidence"})
    EXPECT_EQ(gst_structure_get_field_type(s, field), G_TYPE_DOUBLE) << field;
  EXPECT_EQ(gst_structure_get_field_type(s, "label_id"), G_TYPE_INT);
  EXPECT_STREQ(gst_structure_get_string(s, "label"), "person");
}

TEST_F(MetaTest, BoxIsClampedToTheFrame) {
  DeltaCnnDetection in = person(2);
  in.x_min = -0.5;
  in.x_max = 1.5;
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 200, 100);
  ASSERT_NE(roi, nullptr);
  EXPECT_EQ(roi->x, 0u);
  EXPECT_EQ(roi->w, 200u);
  DeltaCnnDetection out = {};
  ASSERT_TRUE(deltacnn_roi_get_detection(roi, &out));
  EXPECT_DOUBLE_EQ(out.x_min, 0.0);
  EXPECT_DOUBLE_EQ(out.x_max, 1.0);
}

TEST_F(MetaTest, ForeignRoiHasNoDetection) {
  GstVideoRegionOfInterestMeta* roi =
      gst_buffer_add_video_region_of_interest_meta(buffer_, "face", 1, 2, 3, 4);
  DeltaCnnDetection out = {};
  out.id = 99;
  EXPECT_FALSE(deltacnn_roi_get_detection(roi, &out));
  EXPECT_EQ(out.id, 99);  // untouched
  EXPECT_EQ(deltacnn_roi_get_keypoints(roi, nullptr, 0), 0u);
  EXPECT_EQ(deltacnn_roi_get_connections(roi, nullptr, 0), 0u);
}

class KeypointTest : public MetaTest {
 protected:
  GstVideoRegionOfInterestMeta* add_pose() {
    DeltaCnnDetection in = person(4);
    GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 200, 100);
    DeltaCnnKeypoint points[3] = {};
    const char* names[3] = {"nose", "left_eye", "right_eye"};
    for (int i = 0; i < 3; ++i) {
      points[i].name = names[i];
      points[i].x = 50.f + 10.f * i;
      points[i].y = 20.f + 5.f * i;
      points[i].confidence = 0.5f + 0.125f * i;
    }
    const guint connections[] = {0, 1, 0, 2};
    EXPECT_TRUE(deltacnn_roi_add_keypoints(roi, points, 3, connections, 2, 200, 100));
    return roi;
  }
};

TEST_F(KeypointTest, KeypointsRoundTrip) {
  GstVideoRegionOfInterestMeta* roi = add_pose();
  ASSERT_EQ(deltacnn_roi_get_keypoints(roi, nullptr, 0), 3u);
  DeltaCnnKeypoint out[3] = {};
  ASSERT_EQ(deltacnn_roi_get_keypoints(roi, out, 3), 3u);
  EXPECT_STREQ(out[0].name, "nose");
  EXPECT_STREQ(out[2].name, "right_eye");
  EXPECT_FLOAT_EQ(out[1].x, 60.f);
  EXPECT_FLOAT_EQ(out[1].y, 25.f);
  EXPECT_FLOAT_EQ(out[1].x_norm, 0.3f);
  EXPECT_FLOAT_EQ(out[1].y_norm, 0.25f);
  EXPECT_FLOAT_EQ(out[2].confidence, 0.75f);

  guint pairs[4] = {};
  ASSERT_EQ(deltacnn_roi_get_connections(roi, pairs, 2), 2u);
  EXPECT_EQ(pairs[0], 0u);
  EXPECT_EQ(pairs[1], 1u);
  EXPECT_EQ(pairs[2], 0u);
  EXPECT_EQ(pairs[3], 2u);
}

TEST_F(KeypointTest, ShortOutputArraysAreFilledPartially) {
  GstVideoRegionOfInterestMeta* roi = add_pose();
  DeltaCnnKeypoint guard[3] = {};
  guard[2].x = -7.f;
  EXPECT_EQ(deltacnn_roi_get_keypoints(roi, guard, 2), 3u);  // returns the full count
  EXPECT_STREQ(guard[1].name, "left_eye");
  EXPECT_FLOAT_EQ(guard[2].x, -7.f);  // beyond max: untouched
  guint pairs[2] = {};
  EXPECT_EQ(deltacnn_roi_get_connections(roi, pairs, 1), 2u);
  EXPECT_EQ(pairs[1], 1u);
}

TEST_F(KeypointTest, KeypointsStructureUsesDlStreamerNames) {
  GstVideoRegionOfInterestMeta* roi = add_pose();
  GstStructure* s = gst_video_region_of_interest_meta_get_param(roi, "keypoints");
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(gst_structure_get_string(s, "format"), "keypoints");
  for (const char* field : {"dims", "positions", "positions_px", "confidences", "point_names",
                            "point_connections", "point_connection_indices"})
    EXPECT_TRUE(gst_structure_has_field_typed(s, field, GST_TYPE_ARRAY)) << field;
  const GValue* names = gst_structure_get_value(s, "point_connections");
  ASSERT_EQ(gst_value_array_get_size(names), 4u);
  EXPECT_STREQ(g_value_get_string(gst_value_array_get_value(names, 1)), "left_eye");
  const GValue* dims = gst_structure_get_value(s, "dims");
  EXPECT_EQ(g_value_get_int(gst_value_array_get_value(dims, 0)), 3);
  EXPECT_EQ(g_value_get_int(gst_value_array_get_value(dims, 1)), 2);
}

TEST_F(KeypointTest, RejectsConnectionsOutsideThePointList) {
  DeltaCnnDetection in = person(5);
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(buffer_, &in, 10, 10);
  DeltaCnnKeypoint point = {};
  const guint bad[] = {0, 1};
  // g_return_val_if_fail logs a critical: make it non-fatal for this check.
  GLogLevelFlags old = g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_FATAL_MASK));
  testing::internal::CaptureStderr();
  EXPECT_FALSE(deltacnn_roi_add_keypoints(roi, &point, 1, bad, 1, 10, 10));
  testing::internal::GetCapturedStderr();
  g_log_set_always_fatal(old);
  EXPECT_EQ(gst_video_region_of_interest_meta_get_param(roi, "keypoints"), nullptr);
}

TEST_F(KeypointTest, RoiParamsSurviveBufferCopy) {
  add_pose();
  GstBuffer* copy = gst_buffer_copy(buffer_);
  gpointer state = nullptr;
  GstMeta* meta = gst_buffer_iterate_meta_filtered(copy, &state,
                                                   GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
  ASSERT_NE(meta, nullptr);
  auto* roi = reinterpret_cast<GstVideoRegionOfInterestMeta*>(meta);
  DeltaCnnDetection det = {};
  EXPECT_TRUE(deltacnn_roi_get_detection(roi, &det));
  EXPECT_EQ(det.id, 4);
  EXPECT_EQ(deltacnn_roi_get_keypoints(roi, nullptr, 0), 3u);
  gst_buffer_unref(copy);
}

TEST_F(MetaTest, PlainCProducerAndReader) {
  meta_c_attach_example(buffer_);
  gchar* summary = meta_c_summarize(buffer_);
  EXPECT_STREQ(summary, "frame 7 key=1 objects=2 | person#1 0.90 kp=2 | person#2 0.60 kp=0");
  g_free(summary);
}

}  // namespace
