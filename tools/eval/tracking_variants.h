// The ways of publishing objects that deltacnn-eval compares, replayed on the same decoded
// candidates of a stream (so one network run measures all of them):
//   off            previous-frame IoU ids (IdAssigner), hard cut-off at score_on: the tracker off;
//   no-hysteresis  the tracker with score_off = score_on (memory of missed frames, min_hits);
//   hysteresis     the tracker as configured (the YAML's tracker block).
#pragma once

#include <string>
#include <vector>

#include "engine/api/results.h"
#include "engine/track/tracker_settings.h"

namespace dcnn::eval {

struct TrackingVariant {
  std::string name;
  bool tracked = true;  // false: IdAssigner and a hard cut-off at settings.score_on
  TrackerSettings settings;
};

// The three variants above for `configured` (score_on already the stream's threshold).
std::vector<TrackingVariant> tracking_variants(const TrackerSettings& configured);

// The lowest score any variant publishes: decode the candidates down to this.
float lowest_cut_off(const TrackerSettings& configured);

// What `variant` publishes on each frame of `candidates` (one list per frame, in order).
std::vector<std::vector<Detection>> publish(const TrackingVariant& variant,
                                            const std::vector<std::vector<Detection>>& candidates);

// True when both hold the same objects, field for field (ids, ages, boxes, keypoints).
bool same_objects(const std::vector<Detection>& a, const std::vector<Detection>& b);

}  // namespace dcnn::eval
