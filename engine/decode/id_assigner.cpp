// Stable object ids: greedy IoU matching against the previous frame, best pairs first, per
// label. Cheap and good enough for a static camera at video rate; an object missed for one
// frame gets a new id (no track memory beyond one frame, by design: no hidden state to drift).
#include <algorithm>
#include <tuple>

#include "engine/decode/decode_util.h"
#include "engine/decode/decoder.h"

namespace dcnn {

void IdAssigner::assign(std::vector<Detection>& objects) {
  std::vector<std::tuple<float, size_t, size_t>> pairs;  // (iou, current, previous)
  for (size_t i = 0; i < objects.size(); ++i)
    for (size_t j = 0; j < previous_.size(); ++j) {
      if (objects[i].label_id != previous_[j].label_id) continue;
      const float v = iou(objects[i], previous_[j]);
      if (v >= min_iou_ && v > 0.f) pairs.emplace_back(v, i, j);
    }
  // Highest IoU first; ties broken by indices so the result is deterministic.
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
    return std::make_pair(std::get<1>(a), std::get<2>(a)) <
           std::make_pair(std::get<1>(b), std::get<2>(b));
  });
  std::vector<bool> used_cur(objects.size(), false), used_prev(previous_.size(), false);
  for (auto& o : objects) o.id = -1;
  for (const auto& [v, i, j] : pairs) {
    if (used_cur[i] || used_prev[j]) continue;
    used_cur[i] = used_prev[j] = true;
    objects[i].id = previous_[j].id;
  }
  for (auto& o : objects)
    if (o.id < 0) o.id = next_id_++;
  previous_ = objects;
}

void IdAssigner::reset() {
  // Ids keep counting up so downstream never sees an old id reused for a new object.
  previous_.clear();
}

}  // namespace dcnn
