#include "gst/elements/track_event_json.h"

#include <cstdio>
#include <ctime>

namespace deltacnn_gst {

std::string iso8601_utc(int64_t wall_us) {
  // Floor division, so that times before 1970 (a wrong clock) still print consistently.
  int64_t seconds = wall_us / 1000000;
  int64_t micros = wall_us % 1000000;
  if (micros < 0) micros += 1000000, seconds -= 1;
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[96];  // room for any int year: no truncation
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros / 1000));
  return text;
}

static nlohmann::ordered_json seen(const dcnn::EventTime& t) {
  nlohmann::ordered_json j;
  j["running_time"] = t.running_ns >= 0 ? nlohmann::ordered_json(t.running_ns) : nlohmann::ordered_json();
  j["utc"] = iso8601_utc(t.wall_us);
  return j;
}

nlohmann::ordered_json track_event_record(const dcnn::TrackEvent& event, const EventSource& source,
                                  uint64_t seq) {
  const dcnn::Detection& o = event.object;
  nlohmann::ordered_json j;
  j["schema_version"] = kEventSchemaVersion;
  j["event"] = dcnn::to_string(event.type);
  // zone_enter / zone_leave: the zone entered or left; null for the other events.
  j["zone"] = event.zone.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(event.zone);
  j["seq"] = seq;
  j["run_id"] = source.run_id.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(source.run_id);
  j["camera_id"] = source.camera_id;
  j["track_id"] = event.track_id;
  j["label"] = o.label;
  j["label_id"] = o.label_id;
  j["score"] = o.confidence;
  j["best_score"] = event.best_score;
  j["box"] = {{"x_min", o.x_min}, {"y_min", o.y_min}, {"x_max", o.x_max}, {"y_max", o.y_max}};
  // The zones the object is in after this event (YAML zones:; [] without zones).
  j["zones"] = nlohmann::ordered_json::array();
  for (const std::string& zone : o.zones) j["zones"].push_back(zone);
  j["first_seen"] = seen(event.first_seen);
  j["last_seen"] = seen(event.last_seen);
  j["track_age"] = event.age_frames;
  j["source"] = source.element_name;
  j["unique_id"] = source.unique_id;
  j["model"] = source.model_name;
  return j;
}

}  // namespace deltacnn_gst
