#include "tools/eval/agreement.h"

#include <cstdio>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace dcnn::eval {
namespace {

float box_iou(const Detection& a, const Detection& b) {
  const float ix = std::max(0.f, std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min));
  const float iy = std::max(0.f, std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min));
  const float inter = ix * iy;
  const float uni = (a.x_max - a.x_min) * (a.y_max - a.y_min) +
                    (b.x_max - b.x_min) * (b.y_max - b.y_min) - inter;
  return uni > 0.f ? inter / uni : 0.f;
}

// Mean distance between the two poses' keypoints that the dense pose is confident about.
float keypoint_distance(const Detection& dense, const Detection& delta, float min_score) {
  double sum = 0.0;
  int n = 0;
  const size_t count = std::min(dense.keypoints.size(), delta.keypoints.size());
  for (size_t k = 0; k < count; ++k) {
    if (dense.keypoints[k].score < min_score) continue;
    sum += std::hypot(dense.keypoints[k].x - delta.keypoints[k].x,
                      dense.keypoints[k].y - delta.keypoints[k].y);
    ++n;
  }
  return n ? float(sum / n) : std::numeric_limits<float>::infinity();
}

// Greedy one-to-one matching: pairs sorted by (higher IoU, then lower distance).
std::vector<int> match(const std::vector<Detection>& dense, const std::vector<Detection>& delta,
                       float min_iou, float keypoint_score, bool same_label) {
  std::vector<std::tuple<float, float, int, int>> pairs;
  for (int i = 0; i < int(dense.size()); ++i)
    for (int j = 0; j < int(delta.size()); ++j) {
      if (same_label && dense[i].label_id != delta[j].label_id) continue;
      const float iou = box_iou(dense[i], delta[j]);
      if (iou < min_iou || iou <= 0.f) continue;
      pairs.emplace_back(-iou, keypoint_distance(dense[i], delta[j], keypoint_score), i, j);
    }
  std::sort(pairs.begin(), pairs.end());
  std::vector<int> matched(dense.size(), -1);
  std::vector<bool> used(delta.size(), false);
  for (const auto& [neg_iou, dist, i, j] : pairs) {
    (void)neg_iou;
    (void)dist;
    if (matched[i] >= 0 || used[j]) continue;
    matched[i] = j;
    used[j] = true;
  }
  return matched;
}

}  // namespace

void add_pose_frame(const std::vector<Detection>& dense, const std::vector<Detection>& delta,
                    float keypoint_score, float radius_px, Agreement& a) {
  ++a.frames;
  if (dense.size() == delta.size()) ++a.frames_same_count;
  const std::vector<int> m = match(dense, delta, 0.1f, keypoint_score, false);
  for (size_t i = 0; i < dense.size(); ++i) {
    for (size_t k = 0; k < dense[i].keypoints.size(); ++k) {
      const Keypoint& kp = dense[i].keypoints[k];
      if (kp.score < keypoint_score) continue;
      ++a.keypoints;
      if (m[i] < 0 || k >= delta[size_t(m[i])].keypoints.size()) continue;
      const Keypoint& other = delta[size_t(m[i])].keypoints[k];
      if (std::hypot(kp.x - other.x, kp.y - other.y) <= radius_px) ++a.keypoints_close;
    }
  }
}

void add_detection_frame(const std::vector<Detection>& dense, const std::vector<Detection>& delta,
                         float min_iou, Agreement& a) {
  ++a.frames;
  if (dense.size() == delta.size()) ++a.frames_same_count;
  const std::vector<int> m = match(dense, delta, min_iou, 0.f, true);
  const long tp = long(std::count_if(m.begin(), m.end(), [](int j) { return j >= 0; }));
  a.true_positives += tp;
  a.false_negatives += long(dense.size()) - tp;
  a.false_positives += long(delta.size()) - tp;
}

std::string format_metric(double value, bool measured) {
  if (!measured) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", value);
  return text;
}

void add_frame(bool pose, const std::vector<Detection>& dense, const std::vector<Detection>& delta,
               Agreement& a) {
  if (pose) add_pose_frame(dense, delta, kKeypointScore, kKeypointRadiusPx, a);
  else add_detection_frame(dense, delta, kDetectionIou, a);
}

}  // namespace dcnn::eval
