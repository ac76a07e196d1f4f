// Which zones each published object is in (engine/zones), with Frigate's `inertia`: a tracked
// object enters a zone after its anchor was inside for `inertia` matched frames in a row and
// leaves after as many frames outside, so a box whose bottom edge jitters over a zone's border
// does not flap in and out. Untracked objects (tracker off: their ids do not persist) get the
// zones their anchor is in on this frame. No GStreamer; Stream runs it after the tracker.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/api/results.h"
#include "engine/track/track.h"
#include "engine/zones/frame_zones.h"
#include "engine/zones/zone_settings.h"

namespace dcnn::zones {

class ZoneMembership {
 public:
  explicit ZoneMembership(std::vector<ZoneSettings> zones = {});

  // The zones' polygons in the current frame's pixels (FrameZones::make on a new frame size).
  void set_frame(const FrameZones& frame);

  // Fills `zones` of each object. `live` are the tracker's live tracks after this frame's update
  // (empty with the tracker off): a published object whose track was matched on this frame
  // advances its inertia; one held through a miss (hold_missed) keeps its zones; the state of
  // tracks no longer live is dropped. Objects with id < 0 or track_age 0 (tracker off) get the
  // zones their anchor is in now.
  void assign(std::vector<Detection>& objects, const std::vector<Track>& live);

  // The zones each live tracked object is in (after inertia), by track id.
  const std::map<int, std::vector<std::string>>& zones_by_track() const { return committed_; }

  void reset();  // every track's state (a stream reset ends every track)
  bool empty() const { return zones_.empty(); }

 private:
  struct TrackState {
    std::vector<bool> inside;  // per zone, after inertia
    std::vector<int> streak;   // per zone: matched frames in a row the anchor disagreed with inside
  };
  // Zone i holds the object's anchor on this frame (its label allowed there).
  bool anchor_in(size_t zone, const Detection& object) const;
  std::vector<std::string> names_inside(const std::vector<bool>& inside) const;

  std::vector<ZoneSettings> zones_;
  FrameZones frame_;
  std::map<int, TrackState> tracks_;
  std::map<int, std::vector<std::string>> committed_;
};

}  // namespace dcnn::zones
