// deltacnn-eval --show-disagreements: what a frame whose object count differs between the dense
// and the delta stream holds, and why each unmatched object is missing on the other side.
#pragma once

#include <string>
#include <vector>

#include "engine/api/results.h"

namespace dcnn::eval {

// "3 [0.61@(285,400) 0.44@(120,310) 0.26@(40,290)]": how many objects, their scores (highest
// first) and where they stand (box bottom centre, frame pixels).
std::string describe_objects(std::vector<Detection> objects);

// One line per object published by one stream that no object of the other overlaps (box IoU
// >= 0.5), naming the other stream's nearest candidate at any score (`other_candidates`: its
// decode of the frame with no score cut-off): "dense only: 0.253@(426,257); delta's candidate
// there scores 0.240 (IoU 0.98)" (a threshold decided it) or "... delta has no candidate there
// (6 elsewhere)" (the model's instance slots or NMS went to others).
std::vector<std::string> explain_unmatched(const char* side, const char* other_side,
                                           const std::vector<Detection>& published,
                                           const std::vector<Detection>& other_published,
                                           const std::vector<Detection>& other_candidates);

}  // namespace dcnn::eval
