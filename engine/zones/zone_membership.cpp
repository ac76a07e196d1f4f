#include "engine/zones/zone_membership.h"

#include <algorithm>
#include <utility>

namespace dcnn::zones {

ZoneMembership::ZoneMembership(std::vector<ZoneSettings> zones) : zones_(std::move(zones)) {}

void ZoneMembership::set_frame(const FrameZones& frame) { frame_ = frame; }

bool ZoneMembership::anchor_in(size_t zone, const Detection& object) const {
  if (zone >= frame_.zones.size() || frame_.frame_width <= 0) return false;
  const ZoneSettings& z = zones_[zone];
  if (!z.labels.empty() && std::find(z.labels.begin(), z.labels.end(), object.label) == z.labels.end())
    return false;
  return contains(frame_.zones[zone], anchor_pixel(object, z.anchor, frame_.frame_width, frame_.frame_height));
}

std::vector<std::string> ZoneMembership::names_inside(const std::vector<bool>& inside) const {
  std::vector<std::string> names;
  for (size_t i = 0; i < zones_.size(); ++i)
    if (inside[i]) names.push_back(zones_[i].name);
  return names;
}

void ZoneMembership::assign(std::vector<Detection>& objects, const std::vector<Track>& live) {
  if (zones_.empty()) return;
  std::map<int, const Track*> live_by_id;
  for (const Track& t : live)
    if (t.confirmed) live_by_id[t.id] = &t;
  for (auto it = tracks_.begin(); it != tracks_.end();)
    it = live_by_id.count(it->first) ? std::next(it) : tracks_.erase(it);

  const size_t n = zones_.size();
  for (Detection& object : objects) {
    std::vector<bool> now(n);
    for (size_t i = 0; i < n; ++i) now[i] = anchor_in(i, object);
    const auto track = live_by_id.find(object.id);
    if (object.id < 0 || object.track_age <= 0 || track == live_by_id.end()) {
      object.zones = names_inside(now);  // no identity across frames: no inertia
      continue;
    }
    auto [it, fresh] = tracks_.try_emplace(object.id);
    TrackState& state = it->second;
    // A track is born where it first stands: its `start` names those zones, with no
    // `zone_enter` for them (docs/events.md). Inertia is for crossing a border later; starting
    // outside every zone had each track born in one enter it `inertia` frames after its start.
    if (fresh) state.inside = now, state.streak.assign(n, 0);
    if (track->second->misses == 0) {  // matched on this frame (not held through a miss)
      for (size_t i = 0; i < n; ++i) {
        if (now[i] == state.inside[i]) {
          state.streak[i] = 0;
        } else if (++state.streak[i] >= zones_[i].inertia) {
          state.inside[i] = now[i];
          state.streak[i] = 0;
        }
      }
    }
    object.zones = names_inside(state.inside);
  }
  committed_.clear();
  for (const auto& [id, state] : tracks_) committed_[id] = names_inside(state.inside);
}

void ZoneMembership::reset() {
  tracks_.clear();
  committed_.clear();
}

}  // namespace dcnn::zones
