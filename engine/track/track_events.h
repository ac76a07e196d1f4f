// Track events (start / update / end, zone enter / leave) derived from the tracker's live and ended tracks, for
// consumers that want one message per change of a track instead of one record per frame
// (deltacnnjson write=events, deltacnnpublish; schema in docs/events.md).
//
//   TrackEventBuilder events(update_interval_ns);
//   tracker.update(candidates, pts);
//   for (const TrackEvent& e : events.on_frame(tracker, {running_ns, wall_us})) ...
//   tracker.reset();          events.on_reset(tracker);   // tracks that ended with the reset
//   at end of stream:         events.finish();            // every live track ends
//
// Only confirmed tracks make events. A track starts on the frame it is confirmed, updates while
// it is matched, at most once per update interval of stream time, and ends when the tracker
// ends it (max_misses exceeded, or a reset) or at finish(). Every start is followed by exactly
// one end. The builder keeps the times: the tracker knows frames and pts, events need running
// time and wall-clock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/api/results.h"
#include "engine/track/tracker.h"

namespace dcnn {

// When a frame was seen: running time (ns, -1 unknown) and wall-clock (us since the Unix epoch,
// UTC).
struct EventTime {
  int64_t running_ns = -1;
  int64_t wall_us = 0;
};

// ZoneEnter / ZoneLeave: a matched track's zones (engine/zones, after inertia) changed; one event
// per zone entered or left, naming it, instead of that frame's update.
enum class TrackEventType { Start, Update, End, ZoneEnter, ZoneLeave };
const char* to_string(TrackEventType type);

struct TrackEvent {
  TrackEventType type = TrackEventType::Start;
  int track_id = -1;
  Detection object;       // the last matched state: box, label, confidence, keypoints
  float best_score = 0.f;
  int64_t age_frames = 0;  // frames from first to last seen, counting both
  EventTime first_seen;
  EventTime last_seen;
  std::string zone;  // ZoneEnter / ZoneLeave: the zone entered or left; empty otherwise
};

// The zones each tracked object is in, by track id (Stream::track_zones()).
using ZonesByTrack = std::map<int, std::vector<std::string>>;

class TrackEventBuilder {
 public:
  // update_interval_ns: least stream time between two updates of a track; 0 = every frame it
  // is matched. Throws dcnn::Error(Config) when negative.
  explicit TrackEventBuilder(int64_t update_interval_ns);

  // After Tracker::update() on a frame seen at `now`: ends of the tracks the tracker ended
  // (and of open tracks it no longer has: a reset not given to on_reset), then starts and
  // updates of live confirmed tracks matched on this frame, oldest first.
  // `zones` (may be null: no zones) gives each track's zones: every event carries them, and a
  // matched track whose zones changed since its last event gets a zone_leave per zone left,
  // then a zone_enter per zone entered (in the file's zone order) instead of an update; these
  // restart its update interval. A track that starts inside zones says so in its start; an end
  // carries the zones it was last in (no zone_leave before an end).
  std::vector<TrackEvent> on_frame(const Tracker& tracker, const EventTime& now,
                                   const ZonesByTrack* zones = nullptr);
  // After Tracker::reset(): ends of the tracks the reset ended.
  std::vector<TrackEvent> on_reset(const Tracker& tracker);
  // End of stream (or the producer stops): ends of every track still open, oldest first.
  std::vector<TrackEvent> finish();

  size_t open_tracks() const { return open_.size(); }

 private:
  struct Open {
    Track last;          // the tracker's state on the last frame the track was matched
    EventTime first_seen, last_seen;
    EventTime last_event;            // when its last start/update event was
    std::vector<std::string> zones;  // as of its last event
  };
  // Time from `then` to `now`, what the update interval is measured in: running time when both
  // have one, else wall-clock (a stream whose buffers lose their timestamps part way must not
  // compare one clock with the other). Negative when the clock went back.
  static int64_t elapsed_ns(const EventTime& then, const EventTime& now);
  TrackEvent make(TrackEventType type, const Open& open, const std::string& zone = "") const;
  // Zone events of a matched track whose zones changed (open.zones updated); false if none.
  bool zone_changes(Open& open, const std::vector<std::string>& now, std::vector<TrackEvent>& out) const;
  void end_ended(const Tracker& tracker, std::vector<TrackEvent>& out);

  int64_t update_interval_ns_;
  std::map<int, Open> open_;  // by track id: ids count up, so this is oldest first
};

}  // namespace dcnn
