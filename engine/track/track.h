// One track's state: what the tracker keeps per object across frames. Kept complete enough that
// track events (start, update, end with first/last seen and best score) can be built on it.
#pragma once

#include <cstdint>

#include "engine/api/results.h"

namespace dcnn {

struct Track {
  int id = -1;       // assigned when the track is confirmed; -1 while tentative
  bool confirmed = false;
  Detection last;    // the last candidate matched (box, keypoints, confidence); held through misses
  int hits = 0;      // frames with a matched candidate since the track began
  int misses = 0;    // frames in a row without one (0 on a frame where it was matched)
  int64_t first_seen_frame = 0;  // tracker frame index (frames since the last reset)
  int64_t last_seen_frame = 0;
  int64_t first_seen_pts = -1;   // stream time in ns of those frames, -1 when unknown
  int64_t last_seen_pts = -1;
  float best_score = 0.f;        // highest confidence matched so far
  // Motion of the box centre in frame pixels per frame, smoothed over the links (predict_motion):
  // where the tracker looks for the object on a later frame.
  float velocity_x = 0.f, velocity_y = 0.f;

  // Frames since the track was first seen, counting that frame: 1 on its first frame.
  int64_t age(int64_t frame_index) const { return frame_index - first_seen_frame + 1; }
};

}  // namespace dcnn
