// How well the delta stream's decoded results agree with the dense stream's on one frame:
// pose keypoints within a pixel radius, person counts, and detection F1 at an IoU threshold.
#pragma once

#include <string>
#include <vector>

#include "engine/api/results.h"

namespace dcnn::eval {

// What counts as agreeing, shared by every tool that reports these metrics: a dense keypoint
// scored >= kKeypointScore agrees when delta's lies within kKeypointRadiusPx (frame pixels); a
// dense box agrees with a same-label delta box at IoU >= kDetectionIou.
constexpr float kKeypointScore = 0.3f;
constexpr float kKeypointRadiusPx = 3.f;
constexpr float kDetectionIou = 0.5f;

struct Agreement {
  // Pose.
  long keypoints = 0;        // dense keypoints scored >= keypoint_score
  long keypoints_close = 0;  // ... whose matched delta keypoint is within the radius
  long frames = 0;
  long frames_same_count = 0;
  // Detection.
  long true_positives = 0, false_positives = 0, false_negatives = 0;

  // With nothing to compare these return 1.0 (nothing was lost: what the tuner's constraints
  // want); reports must check measured_*() and say "n/a" instead of a vacuous 1.0.
  double kpt_agree() const { return keypoints ? double(keypoints_close) / keypoints : 1.0; }
  double count_agree() const { return frames ? double(frames_same_count) / frames : 1.0; }
  double det_f1() const {
    const long denom = 2 * true_positives + false_positives + false_negatives;
    return denom ? 2.0 * true_positives / denom : 1.0;
  }
  bool measured_kpt_agree() const { return keypoints > 0; }  // dense had a keypoint to match
  bool measured_det_f1() const { return true_positives + false_positives + false_negatives > 0; }
};

// "0.9912", or "n/a" when the metric had nothing to compare.
std::string format_metric(double value, bool measured);

// Matches delta poses to dense ones (greedy by box IoU, ties by keypoint distance) and counts
// dense keypoints scored >= keypoint_score whose counterpart lies within radius_px.
void add_pose_frame(const std::vector<Detection>& dense, const std::vector<Detection>& delta,
                    float keypoint_score, float radius_px, Agreement& a);

// Greedy same-label matching at IoU >= min_iou: dense boxes are the reference.
void add_detection_frame(const std::vector<Detection>& dense, const std::vector<Detection>& delta,
                         float min_iou, Agreement& a);

// One frame with the cut-offs above: add_pose_frame for pose models, else add_detection_frame.
// What deltacnn-eval, deltacnn-tune and deltacnn-cuda-bench count.
void add_frame(bool pose, const std::vector<Detection>& dense, const std::vector<Detection>& delta,
               Agreement& a);

}  // namespace dcnn::eval
