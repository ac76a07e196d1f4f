// One track event (engine/track/track_events.h) as the JSON object of docs/events.md: what
// deltacnnjson writes (write=events) and deltacnnpublish publishes, byte for byte the same.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/track/track_events.h"

namespace deltacnn_gst {

// The schema's version: bumped on any change a consumer could notice (docs/events.md).
// 2: zone_enter / zone_leave events, "zone", "zones" filled; 3: "run_id"
constexpr int kEventSchemaVersion = 3;

// Who made the events: the deltacnn element's camera-id, name, unique id and model.
struct EventSource {
  std::string camera_id;
  std::string element_name;
  unsigned unique_id = 0;
  std::string model_name;
  // Names one run of the element (start() to stop()): seq and track ids restart at 0 on every
  // run, so a consumer that dedupes across restarts keys on run_id + seq. Empty: null in JSON.
  std::string run_id;
};

// `seq` counts the events of one element from 0 since it started: a consumer sees a gap when
// messages were lost.
nlohmann::ordered_json track_event_record(const dcnn::TrackEvent& event, const EventSource& source,
                                  uint64_t seq);

// "2026-12-03T23:59:01.123Z": microseconds since the Unix epoch as ISO 8601 UTC, millisecond
// precision.
std::string iso8601_utc(int64_t wall_us);

}  // namespace deltacnn_gst
