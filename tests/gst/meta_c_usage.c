#include "tests/gst/meta_c_usage.h"

#include "gst/meta/deltacnnmeta.h"

void
meta_c_attach_example (GstBuffer * buffer)
{
  DeltaCnnDetection a = { 0 }, b = { 0 };
  DeltaCnnKeypoint points[2] = { {"nose", 10.f, 5.f, 0.f, 0.f, 0.8f},
  {"left_eye", 12.f, 4.f, 0.f, 0.f, 0.7f}
  };
  const guint connection[2] = { 0, 1 };
  GstVideoRegionOfInterestMeta *roi;
  DeltaCnnFrameMeta *frame;

  a.id = 1;
  a.label = "person";
  a.confidence = 0.9;
  a.x_max = a.y_max = 0.5;
  roi = gst_buffer_add_deltacnn_object (buffer, &a, 64, 48);
  deltacnn_roi_add_keypoints (roi, points, 2, connection, 1, 64, 48);

  b.id = 2;
  b.label = "person";
  b.confidence = 0.6;
  b.x_min = b.y_min = 0.5;
  b.x_max = b.y_max = 1.0;
  gst_buffer_add_deltacnn_object (buffer, &b, 64, 48);

  frame = gst_buffer_add_deltacnn_frame_meta (buffer);
  frame->frame_index = 7;
  frame->keyframe = TRUE;
  frame->n_objects = 2;
}

gchar *
meta_c_summarize (GstBuffer * buffer)
{
  GString *out = g_string_new (NULL);
  DeltaCnnFrameMeta *frame = gst_buffer_get_deltacnn_frame_meta (buffer);
  gpointer state = NULL;
  GstMeta *m;

  if (frame != NULL)
    g_string_append_printf (out, "frame %" G_GUINT64_FORMAT " key=%d objects=%u",
        frame->frame_index, frame->keyframe ? 1 : 0, frame->n_objects);
  while ((m = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
    DeltaCnnDetection det;
    DeltaCnnKeypoint kp[32];
    guint n;

    if (!deltacnn_roi_get_detection (roi, &det))
      continue;
    n = deltacnn_roi_get_keypoints (roi, kp, G_N_ELEMENTS (kp));
    g_string_append_printf (out, " | %s#%d %.2f kp=%u", det.label, det.id, det.confidence, n);
  }
  return g_string_free (out, FALSE);
}
