#include "gst/elements/result_metas.h"

#include "gst/meta/deltacnnmeta.h"

namespace deltacnn_gst {

MetaContext MetaContext::make(const dcnn::ModelInfo& info, unsigned unique_id) {
  MetaContext context;
  context.unique_id = unique_id;
  context.model_name = info.name;
  context.keypoint_names = info.keypoint_names;
  const int n_points = static_cast<int>(info.keypoint_names.size());
  for (const auto& pair : info.skeleton) {
    // A skeleton pair outside the point list would make deltacnn_roi_add_keypoints refuse the
    // whole structure; drop the pair instead (the decoder owns the list, this is defensive).
    if (pair.first < 0 || pair.second < 0 || pair.first >= n_points || pair.second >= n_points)
      continue;
    context.connections.push_back(static_cast<unsigned>(pair.first));
    context.connections.push_back(static_cast<unsigned>(pair.second));
  }
  return context;
}

namespace {

void attach_object(GstBuffer* buffer, const dcnn::Detection& object, int width, int height,
                   const MetaContext& context, std::vector<DeltaCnnKeypoint>& points) {
  DeltaCnnDetection d = {};
  d.id = object.id;
  d.label_id = object.label_id;
  d.label = object.label.c_str();
  d.confidence = object.confidence;
  // In double: float division would cost the normalised box its last digits.
  d.x_min = static_cast<double>(object.x_min) / width;
  d.y_min = static_cast<double>(object.y_min) / height;
  d.x_max = static_cast<double>(object.x_max) / width;
  d.y_max = static_cast<double>(object.y_max) / height;
  d.unique_id = context.unique_id;
  GstVideoRegionOfInterestMeta* roi = gst_buffer_add_deltacnn_object(
      buffer, &d, static_cast<guint>(width), static_cast<guint>(height));
  if (roi == nullptr) return;
  // Which element and model made it: ids are unique per element, not across elements.
  deltacnn_roi_set_source(roi, context.element_name.c_str(), context.model_name.c_str());
  if (object.track_age > 0) deltacnn_roi_set_track_age(roi, object.track_age);
  if (context.has_zones) {
    std::vector<const gchar*> names;
    for (const std::string& zone : object.zones) names.push_back(zone.c_str());
    deltacnn_roi_set_zones(roi, names.data(), static_cast<guint>(names.size()));
  }
  if (object.keypoints.empty()) return;

  points.resize(object.keypoints.size());
  for (size_t i = 0; i < object.keypoints.size(); ++i) {
    const dcnn::Keypoint& k = object.keypoints[i];
    points[i] = DeltaCnnKeypoint{};
    points[i].name = i < context.keypoint_names.size() ? context.keypoint_names[i].c_str() : "";
    points[i].x = k.x;
    points[i].y = k.y;
    points[i].confidence = k.score;
  }
  // Connections index the model's point list; only valid when the object has all the points.
  const bool full_skeleton = object.keypoints.size() == context.keypoint_names.size();
  const guint n_connections = full_skeleton ? static_cast<guint>(context.connections.size() / 2) : 0;
  deltacnn_roi_add_keypoints(roi, points.data(), static_cast<guint>(points.size()),
                             full_skeleton ? context.connections.data() : nullptr, n_connections,
                             static_cast<guint>(width), static_cast<guint>(height));
}

void attach_frame_meta(GstBuffer* buffer, const dcnn::FrameResult& result,
                       const MetaContext& context) {
  const dcnn::FrameStats& stats = result.stats;
  DeltaCnnFrameMeta* meta = gst_buffer_add_deltacnn_frame_meta(buffer);
  if (meta == nullptr) return;
  meta->frame_index = static_cast<guint64>(stats.frame_index);
  meta->keyframe = stats.keyframe;
  meta->input_active = stats.input_active;
  meta->mean_active = stats.mean_active;
  meta->input_masked = stats.input_masked;
  meta->shift_x = stats.shift_x;
  meta->shift_y = stats.shift_y;
  meta->exposure_gain = stats.exposure_gain;
  meta->refined = stats.refined;
  meta->preprocess_ms = stats.preprocess_ms;
  meta->infer_ms = stats.infer_ms;
  meta->decode_ms = stats.decode_ms;
  meta->unique_id = context.unique_id;
  meta->n_objects = static_cast<guint>(result.objects.size());
  deltacnn_frame_meta_set_backend(meta, stats.backend.c_str());
  deltacnn_frame_meta_set_model_name(meta, context.model_name.c_str());
  deltacnn_frame_meta_set_element_name(meta, context.element_name.c_str());
  if (!context.requested_backend.empty())
    deltacnn_frame_meta_set_requested_backend(meta, context.requested_backend.c_str());

  const size_t n = stats.layers.size();
  std::vector<const gchar*> names(n);
  std::vector<gfloat> active(n);
  std::vector<gboolean> dense(n);
  for (size_t i = 0; i < n; ++i) {
    names[i] = stats.layers[i].name.c_str();
    active[i] = stats.layers[i].active;
    dense[i] = stats.layers[i].dense;
  }
  deltacnn_frame_meta_set_layers(meta, static_cast<guint>(n), names.data(), active.data(),
                                 dense.data());
}

}  // namespace

void attach_frame_result(GstBuffer* buffer, const dcnn::FrameResult& result, int frame_width,
                         int frame_height, const MetaContext& context) {
  std::vector<DeltaCnnKeypoint> points;
  for (const dcnn::Detection& object : result.objects)
    attach_object(buffer, object, frame_width, frame_height, context, points);
  attach_frame_meta(buffer, result, context);
}

}  // namespace deltacnn_gst
