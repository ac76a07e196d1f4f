// How track events travel from the deltacnn element to deltacnnjson and deltacnnpublish: one
// serialized custom downstream event per track event, in stream order with the buffers (so a
// track's end sent at EOS still arrives, where a buffer meta could not be attached). Elements
// in between (queue, tee, videoconvert, encoders) pass it on. Structure name and fields
// (README "Events and MQTT"): "deltacnn-track-event", camera-id (string), event (string:
// start/update/end), json (string: the docs/events.md object).
#pragma once

#include <gst/gst.h>

#include <string>

namespace deltacnn_gst {

constexpr const char* kTrackEventStructure = "deltacnn-track-event";

struct TrackEventMessage {
  std::string camera_id;
  std::string type;  // "start", "update", "end"
  std::string json;  // one line, no newline
  int track_id = -1;  // the element's own bookkeeping (TrackEventEmitter::lost); not carried
};

GstEvent* make_track_event(const TrackEventMessage& message);

// True and fills `message` when `event` is a deltacnn track event; false for any other event.
bool parse_track_event(GstEvent* event, TrackEventMessage* message);

}  // namespace deltacnn_gst
