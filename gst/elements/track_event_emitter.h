// The deltacnn element's track events: a TrackEventBuilder on the stream's tracker, turned into
// the messages (docs/events.md JSON, numbered) that the element pushes downstream
// (track_event_transport.h). Streaming thread only; no GStreamer objects, so tests drive it.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "engine/track/track_events.h"
#include "engine/track/tracker.h"
#include "gst/elements/track_event_json.h"
#include "gst/elements/track_event_transport.h"

namespace deltacnn_gst {

class TrackEventEmitter {
 public:
  // Throws dcnn::Error(Config) when update_interval_ns is negative.
  TrackEventEmitter(EventSource source, int64_t update_interval_ns);

  // `tracker` is null when the tracker is off: then there are no tracks and no events.
  std::vector<TrackEventMessage> on_reset(const dcnn::Tracker* tracker);
  // `zones`: each track's zones (Stream::track_zones()), null without zones.
  std::vector<TrackEventMessage> on_frame(const dcnn::Tracker* tracker, const dcnn::EventTime& now,
                                          const dcnn::ZonesByTrack* zones = nullptr);
  std::vector<TrackEventMessage> finish();  // EOS: every open track ends
  // A message that never left the element: the pad was flushing (a flushing seek drops the
  // frame in flight, its events with it). When it was a track's start, the track's later
  // events are withheld too, so that no consumer sees an end without a start; its seq stays
  // missing (a gap: a lost message).
  void lost(const TrackEventMessage& message);

  uint64_t emitted() const { return seq_; }

 private:
  std::vector<TrackEventMessage> to_messages(const std::vector<dcnn::TrackEvent>& events);

  EventSource source_;
  dcnn::TrackEventBuilder builder_;
  uint64_t seq_ = 0;
  std::set<int> withheld_;  // tracks whose start was lost
};

}  // namespace deltacnn_gst
