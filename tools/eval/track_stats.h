// How often published objects start tracks and "blink", seen from the outside (ids as
// published, whatever assigned them): deltacnn-eval's tracking numbers.
//   births: distinct ids, i.e. tracks started;
//   blinks: tracks that start within 3 frames after another track of the same label ended, at a
//           box IoU >= 0.5 with that track's last box (the same object, lost and found again
//           under a new id).
#pragma once

#include <map>
#include <vector>

#include "engine/api/results.h"

namespace dcnn::eval {

constexpr int kBlinkFrames = 3;
constexpr float kBlinkIou = 0.5f;

struct TrackStats {
  long frames = 0;
  long births = 0;
  long blinks = 0;
  double births_per_100_frames() const { return frames ? 100.0 * double(births) / double(frames) : 0.0; }
};

class TrackStatsCounter {
 public:
  void add_frame(const std::vector<Detection>& published);
  TrackStats stats() const;

 private:
  struct Life {
    long first_frame = 0, last_frame = 0;
    Detection first, last;
  };
  std::map<int, Life> lives_;  // by id
  long frames_ = 0;
};

}  // namespace dcnn::eval
