// How alike a candidate is to a track's last object: box IoU, and for poses an OKS-like
// keypoint similarity, so that two people whose boxes overlap (crossing paths) keep their ids
// by where their joints are.
#pragma once

#include "engine/api/results.h"
#include "engine/track/tracker_settings.h"

namespace dcnn {

// Object keypoint similarity in [0, 1]: the mean over keypoints that both poses score >=
// min_score of exp(-d^2 / (2 s^2 k^2)), d the distance, s^2 the reference box's area and k twice
// COCO's sigma of that point (a constant for non-COCO point lists). -1 when no keypoint counts
// (detections, or nothing confident in common).
float keypoint_similarity(const Detection& reference, const Detection& other, float min_score);

// The ranking score of linking `candidate` to `reference` (same label assumed): IoU for
// detections, blended with the keypoint similarity for poses. -1 when the boxes overlap less
// than settings.min_iou: such a pair never links.
float link_affinity(const Detection& reference, const Detection& candidate,
                    const TrackerSettings& settings);

}  // namespace dcnn
