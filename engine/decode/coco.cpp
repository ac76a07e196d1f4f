#include "engine/decode/coco.h"

namespace dcnn {

const std::vector<std::string>& coco_keypoint_names() {
  static const std::vector<std::string> names = {
      "nose",       "left_eye",       "right_eye",      "left_ear",    "right_ear",
      "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
      "right_wrist", "left_hip",      "right_hip",      "left_knee",   "right_knee",
      "left_ankle",  "right_ankle"};
  return names;
}

const std::vector<std::pair<int, int>>& coco_skeleton() {
  // Face, nose to shoulders, arms, torso, legs.
  static const std::vector<std::pair<int, int>> edges = {
      {0, 1},  {0, 2},  {1, 3},   {2, 4},   {0, 5},   {0, 6},   {5, 7},   {7, 9},   {6, 8},
      {8, 10}, {5, 6},  {5, 11},  {6, 12},  {11, 12}, {11, 13}, {13, 15}, {12, 14}, {14, 16}};
  return edges;
}

const std::vector<float>& coco_keypoint_sigmas() {
  // From the COCO keypoint evaluation (cocoeval.py): face points are tight, hips loose.
  static const std::vector<float> sigmas = {
      0.026f, 0.025f, 0.025f, 0.035f, 0.035f, 0.079f, 0.079f, 0.072f, 0.072f,
      0.062f, 0.062f, 0.107f, 0.107f, 0.087f, 0.087f, 0.089f, 0.089f};
  return sigmas;
}

const std::vector<std::string>& coco_labels() {
  static const std::vector<std::string> labels = {
      "person",        "bicycle",      "car",           "motorcycle",    "airplane",
      "bus",           "train",        "truck",         "boat",          "traffic light",
      "fire hydrant",  "stop sign",    "parking meter", "bench",         "bird",
      "cat",           "dog",          "horse",         "sheep",         "cow",
      "elephant",      "bear",         "zebra",         "giraffe",       "backpack",
      "umbrella",      "handbag",      "tie",           "suitcase",      "frisbee",
      "skis",          "snowboard",    "sports ball",   "kite",          "baseball bat",
      "baseball glove", "skateboard",  "surfboard",     "tennis racket", "bottle",
      "wine glass",    "cup",          "fork",          "knife",         "spoon",
      "bowl",          "banana",       "apple",         "sandwich",      "orange",
      "broccoli",      "carrot",       "hot dog",       "pizza",         "donut",
      "cake",          "chair",        "couch",         "potted plant",  "bed",
      "dining table",  "toilet",       "tv",            "laptop",        "mouse",
      "remote",        "keyboard",     "cell phone",    "microwave",     "oven",
      "toaster",       "sink",         "refrigerator",  "book",          "clock",
      "vase",          "scissors",     "teddy bear",    "hair drier",    "toothbrush"};
  return labels;
}

}  // namespace dcnn
