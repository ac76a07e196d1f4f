#include "gst/elements/lost_objects.h"

#include <gst/video/video.h>

#include <map>

#include "gst/meta/deltacnnmeta.h"

namespace deltacnn_gst {

std::string lost_objects_warning(GstBuffer* buffer) {
  std::map<guint, guint> whole;  // producer's unique id -> its ROIs that kept their parameters
  gpointer state = nullptr;
  GstMeta* meta;
  while ((meta = gst_buffer_iterate_meta_filtered(buffer, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    DeltaCnnDetection det;
    if (deltacnn_roi_get_detection(reinterpret_cast<GstVideoRegionOfInterestMeta*>(meta), &det))
      ++whole[det.unique_id];
  }
  state = nullptr;
  while ((meta = gst_buffer_iterate_meta_filtered(buffer, &state, DELTACNN_FRAME_META_API_TYPE))) {
    const auto* frame = reinterpret_cast<const DeltaCnnFrameMeta*>(meta);
    const guint arrived = whole[frame->unique_id];
    if (frame->n_objects <= arrived) continue;
    const std::string producer = frame->element_name != nullptr ? frame->element_name : "?";
    return producer + " attached " + std::to_string(frame->n_objects) + " objects to this frame and " +
           std::to_string(arrived) +
           " arrived with their data (score, label id, keypoints, zones): an element between them "
           "dropped the rest or kept only their boxes (GStreamer 1.22's videoconvert and videoscale "
           "keep only box, label and id; videocrop and videoflip drop them); place this element "
           "before such elements, right after " + producer;
  }
  return "";
}

void warn_once_of_lost_objects(GstElement* element, GstBuffer* buffer, bool* warned, const char* consequence) {
  if (*warned) return;
  const std::string lost = lost_objects_warning(buffer);
  if (lost.empty()) return;
  *warned = true;
  // gst_element_message_full takes ownership of text and debug.
  gst_element_message_full(element, GST_MESSAGE_WARNING, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
                           g_strdup_printf("Objects arrive without their data: %s", consequence),
                           g_strdup(lost.c_str()), __FILE__, GST_FUNCTION, __LINE__);
}

}  // namespace deltacnn_gst
