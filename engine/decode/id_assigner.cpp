// Stable object ids when the tracker (engine/track) is off: greedy IoU matching against the
// previous frame, best pairs first, per label. An object missed for one frame gets a new id
// (no memory beyond one frame); the tracker adds that memory and score hysteresis.
#include "engine/decode/decode_util.h"
#include "engine/decode/decoder.h"
#include "engine/decode/greedy_match.h"

namespace dcnn {

void IdAssigner::assign(std::vector<Detection>& objects) {
  std::vector<ScoredPair> pairs;
  for (size_t i = 0; i < objects.size(); ++i)
    for (size_t j = 0; j < previous_.size(); ++j) {
      if (objects[i].label_id != previous_[j].label_id) continue;
      const float v = iou(objects[i], previous_[j]);
      if (v >= min_iou_ && v > 0.f) pairs.push_back({v, i, j});
    }
  for (auto& o : objects) o.id = -1;
  for (const auto& [i, j] : greedy_match(std::move(pairs), objects.size(), previous_.size()))
    objects[i].id = previous_[j].id;
  for (auto& o : objects)
    if (o.id < 0) o.id = next_id_++;
  previous_ = objects;
}

void IdAssigner::reset() {
  // Ids keep counting up so downstream never sees an old id reused for a new object.
  previous_.clear();
}

}  // namespace dcnn
