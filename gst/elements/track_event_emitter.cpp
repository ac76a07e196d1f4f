#include "gst/elements/track_event_emitter.h"

#include <utility>

namespace deltacnn_gst {

TrackEventEmitter::TrackEventEmitter(EventSource source, int64_t update_interval_ns)
    : source_(std::move(source)), builder_(update_interval_ns) {}

std::vector<TrackEventMessage> TrackEventEmitter::to_messages(
    const std::vector<dcnn::TrackEvent>& events) {
  std::vector<TrackEventMessage> out = std::move(resend_);  // older seqs first
  resend_.clear();
  out.reserve(out.size() + events.size());
  // Text from outside (camera-id, element name) may not be UTF-8: such bytes become U+FFFD
  // rather than an exception that would lose the event.
  for (const dcnn::TrackEvent& e : events)
    out.push_back({source_.camera_id, dcnn::to_string(e.type),
                   track_event_record(e, source_, seq_++)
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                   e.track_id});
  return out;
}

void TrackEventEmitter::lost(const TrackEventMessage& message) { resend_.push_back(message); }

std::vector<TrackEventMessage> TrackEventEmitter::on_reset(const dcnn::Tracker* tracker) {
  if (tracker == nullptr) return {};
  return to_messages(builder_.on_reset(*tracker));
}

std::vector<TrackEventMessage> TrackEventEmitter::on_frame(const dcnn::Tracker* tracker,
                                                           const dcnn::EventTime& now,
                                                           const dcnn::ZonesByTrack* zones) {
  if (tracker == nullptr) return {};
  return to_messages(builder_.on_frame(*tracker, now, zones));
}

std::vector<TrackEventMessage> TrackEventEmitter::finish() { return to_messages(builder_.finish()); }

}  // namespace deltacnn_gst
