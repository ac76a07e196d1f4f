// Helpers shared by the decoders: head lookup, sigmoid, local-maximum peak picking with top-K,
// IoU and NMS, and mapping boxes/keypoints from model pixels to clipped frame pixels.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "engine/api/results.h"
#include "engine/decode/decoder.h"

namespace dcnn {

inline float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

// The head called `name`; throws Error(Model) naming the heads that exist and the channel
// count expected when it is missing or has a different channel count (channels <= 0: any).
const HeadView& find_head(const std::vector<HeadView>& heads, const std::string& name,
                          int channels);
// find_head for a head read through HeadView::cell only (Decoder::cell_heads): it may come
// without data.
const HeadView& find_cell_head(const std::vector<HeadView>& heads, const std::string& name, int channels);
// Throws Error(Model) unless `head` has the same spatial size as `reference`.
void check_same_grid(const HeadView& head, const HeadView& reference);

struct Peak {
  int y = 0, x = 0, c = 0;
  float score = 0.f;
};

// Local maxima of an NHWC map: a value is a peak when no value in the (2r+1)^2 window around it
// (same channel, clipped at the border) is larger: exactly TF's `x == max_pool(x)` test. Only
// values >= min_score count. Sorted by score descending, ties by flat index ascending (TF
// top_k order); at most k. `transform` (e.g. sigmoid) is applied to values before the test.
std::vector<Peak> top_k_peaks(const float* data, const Shape& shape, int radius, float min_score,
                              int k, float (*transform)(float) = nullptr);

float iou(const Detection& a, const Detection& b);
// Greedy per-label NMS on confidence-sorted objects; iou_threshold <= 0 disables it.
void nms_per_label(std::vector<Detection>& objects, float iou_threshold);

// Model pixels -> frame pixels, clipped to [0, frame size].
float frame_x(const FrameGeometry& g, float model_x);
float frame_y(const FrameGeometry& g, float model_y);
// Sorts by confidence (descending, stable) and keeps at most max_objects.
void keep_best(std::vector<Detection>& objects, int max_objects);
// A pose's box when the model predicts none: the extent of its keypoints scoring >= min_score
// (all keypoints when none does).
void box_from_keypoints(Detection& pose, float min_score);

}  // namespace dcnn
