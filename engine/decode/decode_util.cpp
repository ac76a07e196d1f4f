#include "engine/decode/decode_util.h"

#include <algorithm>

#include "engine/core/error.h"

namespace dcnn {

namespace {

const HeadView& find_head_in(const std::vector<HeadView>& heads, const std::string& name, int channels,
                             bool cells_only) {
  std::string names;
  for (const auto& h : heads) {
    if (h.name == name) {
      if (!h.data && !(cells_only && h.at))
        throw Error(ErrorKind::Internal, "decoder: head '" + name + "' has no data");
      if (channels > 0 && h.shape.c != channels) {
        throw Error(ErrorKind::Model, "decoder: head '" + name + "' has shape " + h.shape.str() +
                                          " (HxWxC); expected " + std::to_string(channels) +
                                          " channels");
      }
      if (h.shape.h <= 0 || h.shape.w <= 0) {
        throw Error(ErrorKind::Model, "decoder: head '" + name + "' is empty (" + h.shape.str() +
                                          "); expected a feature map");
      }
      return h;
    }
    names += (names.empty() ? "" : ", ") + h.name;
  }
  throw Error(ErrorKind::Model, "decoder: head '" + name + "' is missing; the model has [" +
                                    names + "]; expected an output named '" + name + "'");
}

}  // namespace

const HeadView& find_head(const std::vector<HeadView>& heads, const std::string& name, int channels) {
  return find_head_in(heads, name, channels, false);
}

const HeadView& find_cell_head(const std::vector<HeadView>& heads, const std::string& name, int channels) {
  return find_head_in(heads, name, channels, true);
}

void check_same_grid(const HeadView& head, const HeadView& reference) {
  if (head.shape.h != reference.shape.h || head.shape.w != reference.shape.w) {
    throw Error(ErrorKind::Model, "decoder: head '" + head.name + "' is " + head.shape.str() +
                                      " but '" + reference.name + "' is " + reference.shape.str() +
                                      "; expected the same HxW grid");
  }
}

std::vector<Peak> top_k_peaks(const float* data, const Shape& s, int radius, float min_score,
                              int k, float (*transform)(float)) {
  // The transform once per value, not once per window that reads it (up to (2r+1)^2 times: a
  // sigmoid's expf 25 times per cell of MultiPose's centre map, most of its decode time).
  thread_local std::vector<float> transformed;
  if (transform) {
    transformed.resize(size_t(s.size()));
    for (int64_t i = 0; i < s.size(); ++i) transformed[size_t(i)] = transform(data[i]);
    data = transformed.data();
  }
  auto value = [&](int y, int x, int c) { return data[(int64_t(y) * s.w + x) * s.c + c]; };
  std::vector<Peak> peaks;
  for (int y = 0; y < s.h; ++y) {
    for (int x = 0; x < s.w; ++x) {
      for (int c = 0; c < s.c; ++c) {
        const float v = value(y, x, c);
        if (!(v >= min_score)) continue;  // also drops NaN
        bool is_max = true;
        for (int yy = std::max(0, y - radius); is_max && yy <= std::min(s.h - 1, y + radius); ++yy)
          for (int xx = std::max(0, x - radius); xx <= std::min(s.w - 1, x + radius); ++xx)
            if (value(yy, xx, c) > v) {
              is_max = false;
              break;
            }
        if (is_max) peaks.push_back({y, x, c, v});
      }
    }
  }
  // Raster order in, so a stable sort keeps ties in flat-index order like TF's top_k.
  std::stable_sort(peaks.begin(), peaks.end(),
                   [](const Peak& a, const Peak& b) { return a.score > b.score; });
  if (int(peaks.size()) > k) peaks.resize(std::max(0, k));
  return peaks;
}

float iou(const Detection& a, const Detection& b) {
  const float ix = std::max(0.f, std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min));
  const float iy = std::max(0.f, std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min));
  const float inter = ix * iy;
  const float area_a = std::max(0.f, a.x_max - a.x_min) * std::max(0.f, a.y_max - a.y_min);
  const float area_b = std::max(0.f, b.x_max - b.x_min) * std::max(0.f, b.y_max - b.y_min);
  const float uni = area_a + area_b - inter;
  return uni > 0.f ? inter / uni : 0.f;
}

void nms_per_label(std::vector<Detection>& objects, float iou_threshold) {
  if (iou_threshold <= 0.f) return;
  std::stable_sort(objects.begin(), objects.end(),
                   [](const Detection& a, const Detection& b) { return a.confidence > b.confidence; });
  std::vector<Detection> kept;
  for (auto& o : objects) {
    bool suppressed = false;
    for (const auto& k : kept)
      if (k.label_id == o.label_id && iou(k, o) > iou_threshold) {
        suppressed = true;
        break;
      }
    if (!suppressed) kept.push_back(std::move(o));
  }
  objects = std::move(kept);
}

float frame_x(const FrameGeometry& g, float model_x) {
  return std::clamp(g.to_frame_x(model_x), 0.f, float(g.frame_width));
}

float frame_y(const FrameGeometry& g, float model_y) {
  return std::clamp(g.to_frame_y(model_y), 0.f, float(g.frame_height));
}

void keep_best(std::vector<Detection>& objects, int max_objects) {
  std::stable_sort(objects.begin(), objects.end(),
                   [](const Detection& a, const Detection& b) { return a.confidence > b.confidence; });
  if (int(objects.size()) > max_objects) objects.resize(std::max(0, max_objects));
}

void box_from_keypoints(Detection& pose, float min_score) {
  bool any_confident = false;
  for (const auto& k : pose.keypoints) any_confident |= k.score >= min_score;
  bool first = true;
  for (const auto& k : pose.keypoints) {
    if (any_confident && k.score < min_score) continue;
    if (first) {
      pose.x_min = pose.x_max = k.x;
      pose.y_min = pose.y_max = k.y;
      first = false;
    } else {
      pose.x_min = std::min(pose.x_min, k.x);
      pose.x_max = std::max(pose.x_max, k.x);
      pose.y_min = std::min(pose.y_min, k.y);
      pose.y_max = std::max(pose.y_max, k.y);
    }
  }
}

}  // namespace dcnn
