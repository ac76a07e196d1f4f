#include "tools/eval/track_stats.h"

#include "engine/decode/decode_util.h"

namespace dcnn::eval {

void TrackStatsCounter::add_frame(const std::vector<Detection>& published) {
  for (const Detection& d : published) {
    auto [it, born] = lives_.try_emplace(d.id);
    Life& life = it->second;
    if (born) {
      life.first_frame = frames_;
      life.first = d;
    }
    life.last_frame = frames_;
    life.last = d;
  }
  ++frames_;
}

TrackStats TrackStatsCounter::stats() const {
  TrackStats s;
  s.frames = frames_;
  s.births = long(lives_.size());
  // A track ends at its last frame (an id that reappears after a gap has not ended). Each new
  // track counts once, however many ended tracks it could continue.
  for (const auto& [id, born] : lives_) {
    for (const auto& [other, ended] : lives_) {
      if (other == id || ended.last.label_id != born.first.label_id) continue;
      const long gap = born.first_frame - ended.last_frame;
      if (gap >= 1 && gap <= kBlinkFrames && iou(ended.last, born.first) >= kBlinkIou) {
        ++s.blinks;
        break;
      }
    }
  }
  return s;
}

}  // namespace dcnn::eval
