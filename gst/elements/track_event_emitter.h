// The deltacnn element's track events: a TrackEventBuilder on the stream's tracker, turned into
// the messages (docs/events.md JSON, numbered) that the element pushes downstream
// (track_event_transport.h). Streaming thread only; no GStreamer objects, so tests drive it.
#pragma once

#include <cstdint>
#include <memory>
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
  // frame in flight, its events with it). It is sent again, with its own seq, before the
  // next messages (at the first frame, reset or EOS after the flush): a consumer then sees
  // every event once, in seq order. Dropping it instead had lost `end`s (a track open for ever
  // downstream) and zone changes (an `end` naming a zone never entered).
  void lost(const TrackEventMessage& message);

  uint64_t emitted() const { return seq_; }

 private:
  std::vector<TrackEventMessage> to_messages(const std::vector<dcnn::TrackEvent>& events);

  EventSource source_;
  dcnn::TrackEventBuilder builder_;
  uint64_t seq_ = 0;
  std::vector<TrackEventMessage> resend_;  // lost to a flush, in seq order
};

}  // namespace deltacnn_gst
