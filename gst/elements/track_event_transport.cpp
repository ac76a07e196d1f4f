#include "gst/elements/track_event_transport.h"

namespace deltacnn_gst {

GstEvent* make_track_event(const TrackEventMessage& message) {
  GstStructure* s = gst_structure_new(kTrackEventStructure,
      "camera-id", G_TYPE_STRING, message.camera_id.c_str(),
      "event", G_TYPE_STRING, message.type.c_str(),
      "json", G_TYPE_STRING, message.json.c_str(), nullptr);
  return gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

bool parse_track_event(GstEvent* event, TrackEventMessage* message) {
  if (GST_EVENT_TYPE(event) != GST_EVENT_CUSTOM_DOWNSTREAM) return false;
  const GstStructure* s = gst_event_get_structure(event);
  if (s == nullptr || !gst_structure_has_name(s, kTrackEventStructure)) return false;
  const gchar* camera = gst_structure_get_string(s, "camera-id");
  const gchar* type = gst_structure_get_string(s, "event");
  const gchar* json = gst_structure_get_string(s, "json");
  if (json == nullptr) return false;  // not one of ours after all
  message->camera_id = camera != nullptr ? camera : "";
  message->type = type != nullptr ? type : "";
  message->json = json;
  return true;
}

}  // namespace deltacnn_gst
