// COCO names the shipped models use: 17 person keypoints (MoveNet and PoseNet share the order),
// the skeleton drawn between them, and the 80 detection classes (CenterNet's label ids).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dcnn {

constexpr int kCocoKeypoints = 17;

const std::vector<std::string>& coco_keypoint_names();
const std::vector<std::pair<int, int>>& coco_skeleton();
const std::vector<std::string>& coco_labels();

}  // namespace dcnn
