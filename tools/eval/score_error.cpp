#include "tools/eval/score_error.h"

#include <algorithm>
#include <cmath>

#include "engine/decode/decode_util.h"

namespace dcnn::eval {

namespace {
// The same person a frame apart overlaps far less than this at vtest's speeds; the same person
// in the two streams of one frame overlaps 0.95-1.00.
constexpr float kSameObjectIou = 0.7f;
}  // namespace

void ScoreErrors::add_frame(const std::vector<Detection>& dense, const std::vector<Detection>& delta) {
  for (const Detection& d : dense) {
    float best = kSameObjectIou;
    const Detection* match = nullptr;
    for (const Detection& x : delta) {
      if (x.label_id != d.label_id) continue;
      const float overlap = iou(d, x);
      if (overlap >= best) best = overlap, match = &x;
    }
    if (match) errors_.push_back(std::fabs(match->confidence - d.confidence));
  }
}

float ScoreErrors::quantile(double p) const {
  if (errors_.empty()) return 0.f;
  std::vector<float> sorted = errors_;
  const size_t k = std::min(sorted.size() - 1, size_t(std::clamp(p, 0.0, 1.0) * double(sorted.size() - 1) + 0.5));
  std::nth_element(sorted.begin(), sorted.begin() + long(k), sorted.end());
  return sorted[k];
}

}  // namespace dcnn::eval
