#include "tools/eval/disagreements.h"

#include <algorithm>
#include <cstdio>

#include "engine/decode/decode_util.h"

namespace dcnn::eval {
namespace {

// Published objects of the two streams are the same object at this overlap; a candidate below
// it is still "there" when it overlaps at all (the nearest is named with its IoU).
constexpr float kSameObjectIou = 0.5f;

std::string at(const Detection& o) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f@(%.0f,%.0f)", o.confidence, 0.5 * (o.x_min + o.x_max), double(o.y_max));
  return buf;
}

}  // namespace

std::string describe_objects(std::vector<Detection> objects) {
  std::sort(objects.begin(), objects.end(),
            [](const Detection& a, const Detection& b) { return a.confidence > b.confidence; });
  std::string s = std::to_string(objects.size()) + " [";
  for (size_t i = 0; i < objects.size(); ++i) s += (i ? " " : "") + at(objects[i]);
  return s + "]";
}

std::vector<std::string> explain_unmatched(const char* side, const char* other_side,
                                           const std::vector<Detection>& published,
                                           const std::vector<Detection>& other_published,
                                           const std::vector<Detection>& other_candidates) {
  std::vector<std::string> lines;
  for (const Detection& o : published) {
    const bool matched = std::any_of(other_published.begin(), other_published.end(),
                                     [&](const Detection& p) { return iou(o, p) >= kSameObjectIou; });
    if (matched) continue;
    const Detection* nearest = nullptr;
    float best = 0.f;
    for (const Detection& c : other_candidates)
      if (const float v = iou(o, c); v > best) best = v, nearest = &c;
    char buf[160];
    if (nearest)
      std::snprintf(buf, sizeof buf, "%s only: %s; %s's candidate there scores %.3f (IoU %.2f)", side, at(o).c_str(),
                    other_side, nearest->confidence, best);
    else
      std::snprintf(buf, sizeof buf, "%s only: %s; %s has no candidate there (%zu elsewhere)", side, at(o).c_str(),
                    other_side, other_candidates.size());
    lines.push_back(buf);
  }
  return lines;
}

}  // namespace dcnn::eval
