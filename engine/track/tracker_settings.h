// How the tracker (tracker.h) links objects across frames and decides what is published. Plain
// values, no dependencies: the YAML reader fills it (the deployment's `tracker:` block) without
// linking the tracker.
#pragma once

namespace dcnn {

struct TrackerSettings {
  // Off: ids come from IdAssigner (previous-frame IoU only) and objects below the decoder's
  // score threshold are dropped, exactly as before the tracker existed.
  bool enabled = true;
  // Score hysteresis. A track starts when a candidate scores >= score_on for min_hits frames in
  // a row; it then continues on candidates down to score_off, and ends after max_misses frames
  // without one. score_on is the stream's score threshold (decoder.score_threshold or the
  // element's score-threshold); score_off above it acts as score_on.
  float score_on = 0.3f;
  float score_off = 0.3f;
  int min_hits = 1;
  int max_misses = 3;
  // Also publish a confirmed track on the frames it is missed (at most max_misses in a row), as
  // its last matched object: a short drop-out then neither removes the object nor changes the
  // count. Off: only tracks matched on the frame are published.
  bool hold_missed = false;
  // Association: a candidate can continue a track of its label when their boxes overlap by at
  // least min_iou; among those, pairs rank by (1 - keypoint_weight) * IoU + keypoint_weight *
  // keypoint similarity (poses only; detections rank by IoU).
  float min_iou = 0.3f;
  float keypoint_weight = 0.5f;
  // Pose keypoints scoring below this take no part in the keypoint similarity (the decoder's
  // keypoint_threshold: below it a point is a guess).
  float keypoint_score = 0.3f;
  // Link against the track's last object moved by its velocity times the frames since it was
  // seen (constant velocity of the box centre, smoothed over the links), not against the last
  // object where it was. A far-away person a dozen pixels wide walks out of his own last box
  // within two frames; held still, his track missed on one frame lost him (IoU < min_iou).
  bool predict_motion = true;
  // Births only among the frame's birth_rank highest-scoring candidates (0: any candidate).
  // MultiPose with decoder.max_objects above the graph's 6 people: 6, so the extra people the
  // decoder reads keep their tracks through a frame where the sixth slot went to someone else,
  // but a far-away person scoring near the cut-off does not start one from beyond them.
  int birth_rank = 0;
  // Delta streams: a frame whose decisions (a track starting, continuing or counting a miss)
  // would change if every candidate's score moved by this much is run again dense, so that the
  // decision is the one dense inference makes (engine/track/decision_margin.h). 0: off. Not the
  // tracker's own setting: the stream applies it.
  float refine_margin = 0.f;
};

}  // namespace dcnn
