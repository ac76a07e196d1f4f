// Tracks objects across frames and decides which are published, with score hysteresis so that
// an object whose score hovers at the cut-off does not blink in and out (and change id).
//
//   Tracker tracker(settings);
//   std::vector<Detection> published = tracker.update(candidates, pts);   // once per frame
//
// Candidates are the decoder's objects down to settings.score_off. Per label they are linked
// greedily (best affinity first, engine/track/similarity.h) to the live tracks:
//   - a confirmed track continues on a candidate >= score_off; one missed for <= max_misses
//     frames keeps its id (its last box is held for linking) and ends after that;
//   - a tentative track continues only on a candidate >= score_on and is dropped on its first
//     miss; after min_hits frames in a row it is confirmed and takes the next id;
//   - a candidate that links to nothing, scores >= score_on and is among the frame's birth_rank
//     best (when that is set) starts a tentative track.
// Published: the confirmed tracks matched on this frame, as their candidates (box, keypoints,
// confidence), with id = track id and track_age set, in candidate order; with hold_missed also
// the confirmed tracks missed on this frame (as last matched), after them. Deterministic: the same
// candidates give the same ids. reset() forgets every track; ids keep counting up, never reused.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/api/results.h"
#include "engine/track/track.h"
#include "engine/track/tracker_settings.h"

namespace dcnn {

class Tracker {
 public:
  // Throws dcnn::Error(Config) naming the setting when one is out of range.
  explicit Tracker(const TrackerSettings& settings);

  // One frame: candidates (frame pixels, any order) and the frame's stream time in ns (-1:
  // unknown). Candidates below score_off are ignored. Frames are counted by their times where
  // they are known: a frame dropped upstream (a leaky queue, a GAP buffer not analysed) counts
  // as a frame the tracks were missed on and moved through, so max_misses and the motion
  // prediction mean the same time while at least half of the frames are analysed (with more
  // dropped they count short). The frame step is measured over the last 64 intervals
  // (tracker.cpp says how), from the 8th on.
  std::vector<Detection> update(const std::vector<Detection>& candidates, int64_t pts = -1);

  // Stream reset (flush, seek, caps change): every live confirmed track ends (see ended()),
  // the frame index restarts at 0, ids go on counting.
  void reset();

  // Takes effect from the next update; live tracks are kept. Throws like the constructor.
  void set_settings(const TrackerSettings& settings);
  const TrackerSettings& settings() const { return settings_; }

  // Live tracks (tentative and confirmed), oldest first.
  const std::vector<Track>& tracks() const { return tracks_; }
  // Confirmed tracks that ended in the last update() or reset(), with their final state.
  const std::vector<Track>& ended() const { return ended_; }
  // Index of the last frame given to update() since the last reset, counted in frame steps
  // (a dropped frame counts); -1 before the first.
  int64_t frame_index() const { return frame_index_; }

 private:
  void age_unmatched(const std::vector<bool>& matched, int64_t frames);
  // Frame steps from the previous update() to this one at `pts` (1 where times are unknown).
  int64_t frames_since_last(int64_t pts);

  TrackerSettings settings_;
  std::vector<Track> tracks_;
  std::vector<Track> ended_;
  int64_t frame_index_ = -1;
  int next_id_ = 0;
  // The stream's frame step, measured: the last update's time and the recent intervals.
  int64_t last_pts_ = -1;
  std::array<int64_t, 64> intervals_{};
  size_t n_intervals_ = 0;  // recorded so far (the ring holds the last 64)
  double uncounted_steps_ = 0.0;  // time not yet counted as frames, in steps (< 0: counted ahead)
};

// Throws dcnn::Error(Config) "tracker.<key>: ..." when a setting is out of range.
void validate(const TrackerSettings& settings);

}  // namespace dcnn
