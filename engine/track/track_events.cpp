#include "engine/track/track_events.h"

#include <algorithm>
#include <string>

#include "engine/core/error.h"

namespace dcnn {

const char* to_string(TrackEventType type) {
  switch (type) {
    case TrackEventType::Start: return "start";
    case TrackEventType::Update: return "update";
    case TrackEventType::End: return "end";
    case TrackEventType::ZoneEnter: return "zone_enter";
    case TrackEventType::ZoneLeave: return "zone_leave";
  }
  return "unknown";
}

TrackEventBuilder::TrackEventBuilder(int64_t update_interval_ns)
    : update_interval_ns_(update_interval_ns) {
  if (update_interval_ns < 0)
    throw Error(ErrorKind::Config, "event update interval " + std::to_string(update_interval_ns) +
                                       " ns is negative; expected 0 (every frame) or more");
}

int64_t TrackEventBuilder::elapsed_ns(const EventTime& then, const EventTime& now) {
  if (then.running_ns >= 0 && now.running_ns >= 0) return now.running_ns - then.running_ns;
  return (now.wall_us - then.wall_us) * 1000;
}

TrackEvent TrackEventBuilder::make(TrackEventType type, const Open& open, const std::string& zone) const {
  TrackEvent e;
  e.type = type;
  e.zone = zone;
  e.track_id = open.last.id;
  e.object = open.last.last;
  e.object.id = open.last.id;
  e.object.track_age = static_cast<int>(open.last.age(open.last.last_seen_frame));
  e.object.zones = open.zones;
  e.best_score = open.last.best_score;
  e.age_frames = open.last.age(open.last.last_seen_frame);
  e.first_seen = open.first_seen;
  e.last_seen = open.last_seen;
  return e;
}

void TrackEventBuilder::end_ended(const Tracker& tracker, std::vector<TrackEvent>& out) {
  for (const Track& t : tracker.ended()) {
    auto it = open_.find(t.id);
    if (it == open_.end()) continue;  // ended before we saw it matched: it never started
    // The ended state is the last matched one (held through the misses) plus the misses.
    it->second.last = t;
    out.push_back(make(TrackEventType::End, it->second));
    open_.erase(it);
  }
}

bool TrackEventBuilder::zone_changes(Open& open, const std::vector<std::string>& now,
                                     std::vector<TrackEvent>& out) const {
  auto has = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  const size_t before = out.size();
  const std::vector<std::string> was = open.zones;
  // Each event carries the zones after its own change, so a consumer can apply them in order.
  for (const std::string& zone : was)
    if (!has(now, zone)) {
      open.zones.erase(std::find(open.zones.begin(), open.zones.end(), zone));
      out.push_back(make(TrackEventType::ZoneLeave, open, zone));
    }
  std::vector<std::string> entered;
  for (const std::string& zone : now)
    if (!has(was, zone)) {
      entered.push_back(zone);
      open.zones.clear();
      for (const std::string& z : now)
        if (has(was, z) || has(entered, z)) open.zones.push_back(z);
      out.push_back(make(TrackEventType::ZoneEnter, open, zone));
    }
  open.zones = now;
  return out.size() != before;
}

std::vector<TrackEvent> TrackEventBuilder::on_frame(const Tracker& tracker, const EventTime& now,
                                                    const ZonesByTrack* zones) {
  std::vector<TrackEvent> out;
  auto zones_of = [zones](int id) {
    if (!zones) return std::vector<std::string>();
    const auto it = zones->find(id);
    return it == zones->end() ? std::vector<std::string>() : it->second;
  };
  end_ended(tracker, out);
  // A track that is open here but neither live nor just ended went with a reset that nobody
  // passed to on_reset (Stream::process resets itself on a new frame size): end it too.
  for (auto it = open_.begin(); it != open_.end();) {
    bool live = false;
    for (const Track& t : tracker.tracks()) live = live || (t.confirmed && t.id == it->first);
    if (live) {
      ++it;
      continue;
    }
    out.push_back(make(TrackEventType::End, it->second));
    it = open_.erase(it);
  }
  for (const Track& t : tracker.tracks()) {
    // Missed frames neither start nor update a track: its last seen stays where it was.
    if (!t.confirmed || t.misses != 0) continue;
    auto it = open_.find(t.id);
    if (it == open_.end()) {
      Open open;
      open.last = t;
      open.first_seen = now;
      open.last_seen = now;
      open.last_event = now;
      open.zones = zones_of(t.id);
      it = open_.emplace(t.id, open).first;
      out.push_back(make(TrackEventType::Start, it->second));
      continue;
    }
    Open& open = it->second;
    open.last = t;
    open.last_seen = now;
    if (zone_changes(open, zones_of(t.id), out)) {
      open.last_event = now;
      continue;
    }
    // A clock that went back (a new segment without a reset) restarts the interval.
    const int64_t since = elapsed_ns(open.last_event, now);
    if (since >= update_interval_ns_ || since < 0) {
      open.last_event = now;
      out.push_back(make(TrackEventType::Update, open));
    }
  }
  return out;
}

std::vector<TrackEvent> TrackEventBuilder::on_reset(const Tracker& tracker) {
  std::vector<TrackEvent> out;
  end_ended(tracker, out);
  return out;
}

std::vector<TrackEvent> TrackEventBuilder::finish() {
  std::vector<TrackEvent> out;
  for (const auto& [id, open] : open_) out.push_back(make(TrackEventType::End, open));
  open_.clear();
  return out;
}

}  // namespace dcnn
