#include "engine/track/similarity.h"

#include <algorithm>
#include <cmath>

#include "engine/decode/coco.h"
#include "engine/decode/decode_util.h"

namespace dcnn {
namespace {

// For point lists that are not COCO's 17: a middling COCO sigma.
constexpr float kDefaultSigma = 0.07f;

}  // namespace

float keypoint_similarity(const Detection& reference, const Detection& other, float min_score) {
  const size_t n = std::min(reference.keypoints.size(), other.keypoints.size());
  if (n == 0) return -1.f;
  const std::vector<float>& sigmas = coco_keypoint_sigmas();
  const bool coco = n == sigmas.size();
  // A tiny box would make every distance "far": one pixel squared is the floor.
  const float area = std::max(1.f, (reference.x_max - reference.x_min) * (reference.y_max - reference.y_min));
  double sum = 0.0;
  int count = 0;
  for (size_t k = 0; k < n; ++k) {
    const Keypoint& a = reference.keypoints[k];
    const Keypoint& b = other.keypoints[k];
    if (a.score < min_score || b.score < min_score) continue;
    const float kappa = 2.f * (coco ? sigmas[k] : kDefaultSigma);
    const float dx = a.x - b.x, dy = a.y - b.y;
    sum += std::exp(-(dx * dx + dy * dy) / (2.f * area * kappa * kappa));
    ++count;
  }
  return count ? float(sum / count) : -1.f;
}

float link_affinity(const Detection& reference, const Detection& candidate,
                    const TrackerSettings& settings) {
  const float overlap = iou(reference, candidate);
  if (overlap <= 0.f || overlap < settings.min_iou) return -1.f;
  const float oks = keypoint_similarity(reference, candidate, settings.keypoint_score);
  if (oks < 0.f) return overlap;
  return (1.f - settings.keypoint_weight) * overlap + settings.keypoint_weight * oks;
}

}  // namespace dcnn
