#include "gst/elements/json_record.h"

#include <gst/video/video.h>

#include <vector>

#include "gst/meta/deltacnnmeta.h"

namespace deltacnn_gst {

namespace {

nlohmann::json object_record(GstVideoRegionOfInterestMeta* roi, int width, int height) {
  nlohmann::json o;
  const gchar* label = g_quark_to_string(roi->roi_type);
  o["id"] = roi->id;
  // Tracked objects (tracker on): id is the track id, and the track's age in frames.
  gint track_age = 0;
  if (deltacnn_roi_get_track_age(roi, &track_age)) {
    o["track_id"] = roi->id;
    o["track_age"] = track_age;
  } else {
    o["track_id"] = nullptr;
    o["track_age"] = nullptr;
  }
  o["label"] = label != nullptr ? label : "";
  DeltaCnnDetection det;
  const gchar* element = nullptr;
  const gchar* model = nullptr;
  // Who made it: ids are unique per producing element, not across several chained ones.
  if (deltacnn_roi_get_source(roi, &element, &model)) {
    o["source"] = element;
    o["model"] = model;
  } else {
    o["source"] = nullptr;
    o["model"] = nullptr;
  }
  if (deltacnn_roi_get_detection(roi, &det)) {
    o["unique_id"] = det.unique_id;
    o["label_id"] = det.label_id;
    o["confidence"] = det.confidence;
    // The normalised box keeps sub-pixel precision that the ROI's integer box lost.
    o["box"] = {{"x_min", det.x_min * width},
                {"y_min", det.y_min * height},
                {"x_max", det.x_max * width},
                {"y_max", det.y_max * height}};
  } else {  // a ROI from another element: only what the ROI meta itself holds
    o["unique_id"] = nullptr;
    o["label_id"] = nullptr;
    o["confidence"] = nullptr;
    o["box"] = {{"x_min", roi->x}, {"y_min", roi->y}, {"x_max", roi->x + roi->w},
                {"y_max", roi->y + roi->h}};
  }
  nlohmann::json keypoints = nlohmann::json::array();
  const guint n = deltacnn_roi_get_keypoints(roi, nullptr, 0);
  if (n > 0) {
    std::vector<DeltaCnnKeypoint> points(n);
    deltacnn_roi_get_keypoints(roi, points.data(), n);
    for (const DeltaCnnKeypoint& p : points)
      keypoints.push_back({{"name", p.name}, {"x", p.x}, {"y", p.y}, {"score", p.confidence}});
  }
  o["keypoints"] = std::move(keypoints);
  // The zones it is in (YAML zones:); [] also when the producer has none.
  const guint n_zones = deltacnn_roi_get_zones(roi, nullptr, 0);
  std::vector<const gchar*> zone_names(n_zones);
  if (n_zones > 0) deltacnn_roi_get_zones(roi, zone_names.data(), n_zones);
  o["zones"] = nlohmann::json::array();
  for (const gchar* zone : zone_names) o["zones"].push_back(zone);
  return o;
}

const char* text_or_empty(const gchar* s) { return s != nullptr ? s : ""; }

nlohmann::json stats_record(const DeltaCnnFrameMeta* meta) {
  return {{"unique_id", meta->unique_id},
          {"source", text_or_empty(meta->element_name)},
          {"frame_index", meta->frame_index},
          {"keyframe", static_cast<bool>(meta->keyframe)},
          {"refined", static_cast<bool>(meta->refined)},
          {"input_active", meta->input_active},
          {"mean_active", meta->mean_active},
          {"input_masked", meta->input_masked},
          {"shift_x", meta->shift_x},
          {"shift_y", meta->shift_y},
          {"exposure_gain", meta->exposure_gain},
          {"preprocess_ms", meta->preprocess_ms},
          {"infer_ms", meta->infer_ms},
          {"decode_ms", meta->decode_ms},
          {"backend", text_or_empty(meta->backend)},
          {"requested_backend", text_or_empty(meta->requested_backend)},
          {"model", text_or_empty(meta->model_name)}};
}

// One stats record per producing element, in attach order (upstream element first).
nlohmann::json sources_record(GstBuffer* buffer) {
  nlohmann::json sources = nlohmann::json::array();
  gpointer state = nullptr;
  GstMeta* meta;
  while ((meta = gst_buffer_iterate_meta_filtered(buffer, &state, DELTACNN_FRAME_META_API_TYPE)))
    sources.push_back(stats_record(reinterpret_cast<const DeltaCnnFrameMeta*>(meta)));
  return sources;
}

}  // namespace

nlohmann::json frame_record(GstBuffer* buffer, uint64_t frame_number, int width, int height) {
  nlohmann::json record;
  record["frame"] = frame_number;
  if (GST_BUFFER_PTS_IS_VALID(buffer))
    record["pts"] = static_cast<uint64_t>(GST_BUFFER_PTS(buffer));
  else
    record["pts"] = nullptr;
  record["width"] = width;
  record["height"] = height;
  nlohmann::json objects = nlohmann::json::array();
  gpointer state = nullptr;
  GstMeta* meta;
  while ((meta = gst_buffer_iterate_meta_filtered(buffer, &state,
                                                  GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    objects.push_back(
        object_record(reinterpret_cast<GstVideoRegionOfInterestMeta*>(meta), width, height));
  record["objects"] = std::move(objects);
  nlohmann::json sources = sources_record(buffer);
  // "stats": the first (upstream) producer's, as before several elements were told apart.
  record["stats"] = sources.empty() ? nlohmann::json(nullptr) : sources[0];
  record["sources"] = std::move(sources);
  return record;
}

}  // namespace deltacnn_gst
