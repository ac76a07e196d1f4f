#include "tools/eval/tracking_variants.h"

#include <algorithm>

#include "engine/decode/decoder.h"
#include "engine/track/tracker.h"

namespace dcnn::eval {

std::vector<TrackingVariant> tracking_variants(const TrackerSettings& configured) {
  TrackingVariant off{"off", false, configured};
  TrackingVariant no_hysteresis{"no-hysteresis", true, configured};
  no_hysteresis.settings.score_off = configured.score_on;
  TrackingVariant hysteresis{"hysteresis", true, configured};
  return {off, no_hysteresis, hysteresis};
}

float lowest_cut_off(const TrackerSettings& configured) {
  return std::min(configured.score_on, configured.score_off);
}

std::vector<std::vector<Detection>> publish(const TrackingVariant& variant,
                                            const std::vector<std::vector<Detection>>& candidates) {
  std::vector<std::vector<Detection>> out;
  out.reserve(candidates.size());
  if (variant.tracked) {
    Tracker tracker(variant.settings);
    for (const auto& frame : candidates) out.push_back(tracker.update(frame));
    return out;
  }
  // As Stream does with the tracker off: the decoder's hard cut-off, then IdAssigner. The
  // candidates above score_on are the ones a decode at score_on gives (lower candidates only
  // come after them in NMS and in the top-k cut).
  IdAssigner ids;
  for (const auto& frame : candidates) {
    std::vector<Detection> kept;
    for (const Detection& d : frame)
      if (d.confidence >= variant.settings.score_on) kept.push_back(d);
    ids.assign(kept);
    out.push_back(std::move(kept));
  }
  return out;
}

bool same_objects(const std::vector<Detection>& a, const std::vector<Detection>& b) {
  auto same_point = [](const Keypoint& p, const Keypoint& q) {
    return p.x == q.x && p.y == q.y && p.score == q.score;
  };
  auto same = [&](const Detection& p, const Detection& q) {
    return p.id == q.id && p.track_age == q.track_age && p.label_id == q.label_id &&
           p.confidence == q.confidence && p.x_min == q.x_min && p.y_min == q.y_min &&
           p.x_max == q.x_max && p.y_max == q.y_max &&
           std::equal(p.keypoints.begin(), p.keypoints.end(), q.keypoints.begin(),
                      q.keypoints.end(), same_point);
  };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same);
}

}  // namespace dcnn::eval
