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
// Per-keypoint spread of human annotations (COCO's OKS sigmas, in the keypoint order above):
// how far, relative to the person's size, a keypoint may move and still be "the same point".
const std::vector<float>& coco_keypoint_sigmas();

}  // namespace dcnn
