#include "gst/elements/overlay_drawing.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "gst/meta/deltacnnmeta.h"

namespace deltacnn_gst {

namespace {

struct Rgb {
  double r, g, b;
};

// Distinct, saturated colours; objects cycle through them by label (detection) or id (pose).
const Rgb kPalette[] = {{230, 25, 75},  {60, 180, 75},  {255, 225, 25}, {0, 130, 200},
                        {245, 130, 48}, {145, 30, 180}, {70, 240, 240}, {240, 50, 230},
                        {210, 245, 60}, {250, 190, 212}};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

// A drawing surface over the frame's pixels and the mapping of an RGB colour into it.
struct Canvas {
  cv::Mat mat;
  enum class Order { Rgb, Bgr, Luma } order = Order::Rgb;

  cv::Scalar colour(const Rgb& c) const {
    switch (order) {
      case Order::Rgb: return cv::Scalar(c.r, c.g, c.b, 255);
      case Order::Bgr: return cv::Scalar(c.b, c.g, c.r, 255);
      case Order::Luma: break;
    }
    // BT.601 limited range luma, so colours keep their relative brightness on Y planes.
    return cv::Scalar(16.0 + (65.481 * c.r + 128.553 * c.g + 24.966 * c.b) / 255.0);
  }
};

bool make_canvas(GstVideoFrame* frame, const PictureRegion& picture, Canvas* canvas) {
  const int w = picture.width;
  const int h = picture.height;
  void* data = plane_at(*frame, 0, picture);
  const size_t stride = static_cast<size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0));
  switch (GST_VIDEO_FRAME_FORMAT(frame)) {
    case GST_VIDEO_FORMAT_RGB:
      canvas->mat = cv::Mat(h, w, CV_8UC3, data, stride);
      canvas->order = Canvas::Order::Rgb;
      return true;
    case GST_VIDEO_FORMAT_BGR:
      canvas->mat = cv::Mat(h, w, CV_8UC3, data, stride);
      canvas->order = Canvas::Order::Bgr;
      return true;
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_RGBA:
      canvas->mat = cv::Mat(h, w, CV_8UC4, data, stride);
      canvas->order = Canvas::Order::Rgb;
      return true;
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_BGRA:
      canvas->mat = cv::Mat(h, w, CV_8UC4, data, stride);
      canvas->order = Canvas::Order::Bgr;
      return true;
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_NV12:
      canvas->mat = cv::Mat(h, w, CV_8UC1, data, stride);
      canvas->order = Canvas::Order::Luma;
      return true;
    default:
      return false;
  }
}

void draw_text(Canvas& canvas, const std::string& text, cv::Point origin, const Rgb& fg) {
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  const double scale = 0.5;
  int baseline = 0;
  cv::Size size = cv::getTextSize(text, font, scale, 1, &baseline);
  // Keep the label inside the frame: below the top edge, left of the right edge.
  origin.y = std::max(origin.y, size.height + 2);
  origin.x = std::max(0, std::min(origin.x, canvas.mat.cols - size.width));
  cv::rectangle(canvas.mat, cv::Point(origin.x, origin.y - size.height - 2),
                cv::Point(origin.x + size.width, origin.y + baseline),
                canvas.colour({0, 0, 0}), cv::FILLED);
  cv::putText(canvas.mat, text, origin, font, scale, canvas.colour(fg), 1, cv::LINE_AA);
}

void draw_keypoints(Canvas& canvas, GstVideoRegionOfInterestMeta* roi, const Rgb& colour,
                    const OverlayOptions& options) {
  const guint n = deltacnn_roi_get_keypoints(roi, nullptr, 0);
  if (n == 0) return;
  std::vector<DeltaCnnKeypoint> points(n);
  deltacnn_roi_get_keypoints(roi, points.data(), n);
  const guint n_pairs = deltacnn_roi_get_connections(roi, nullptr, 0);
  std::vector<guint> pairs(2 * n_pairs);
  if (n_pairs > 0) deltacnn_roi_get_connections(roi, pairs.data(), n_pairs);

  auto visible = [&](guint i) { return i < n && points[i].confidence >= options.keypoint_threshold; };
  for (guint c = 0; c < n_pairs; ++c) {
    const guint a = pairs[2 * c], b = pairs[2 * c + 1];
    if (!visible(a) || !visible(b)) continue;
    cv::line(canvas.mat, cv::Point2f(points[a].x, points[a].y),
             cv::Point2f(points[b].x, points[b].y), canvas.colour(colour), options.thickness,
             cv::LINE_AA);
  }
  for (guint i = 0; i < n; ++i) {
    if (!visible(i)) continue;
    cv::circle(canvas.mat, cv::Point2f(points[i].x, points[i].y), options.thickness + 1,
               canvas.colour({255, 255, 255}), cv::FILLED, cv::LINE_AA);
  }
}

void draw_object(Canvas& canvas, GstVideoRegionOfInterestMeta* roi,
                 const OverlayOptions& options) {
  DeltaCnnDetection det;
  const bool ours = deltacnn_roi_get_detection(roi, &det);
  const bool pose = deltacnn_roi_get_keypoints(roi, nullptr, 0) > 0;
  // Pose: every object is a person, so colour by id to tell people apart.
  int key = pose ? std::max(roi->id, 0) : (ours ? det.label_id : static_cast<int>(roi->roi_type));
  const Rgb& colour = kPalette[static_cast<unsigned>(key) % kPaletteSize];

  // The box clipped to a margin around the picture in 64 bits: a ROI from another element can
  // be anything up to 2^32 - 1 wide, and cast to int it overflowed into a box whose clipping
  // took OpenCV seconds a frame.
  const int64_t margin = 2 * int64_t(options.thickness) + 2;
  auto clip = [&](int64_t v, int64_t size) { return int(std::clamp<int64_t>(v, -margin, size + margin)); };
  const int x0 = clip(roi->x, canvas.mat.cols), y0 = clip(roi->y, canvas.mat.rows);
  const int x1 = clip(int64_t(roi->x) + roi->w, canvas.mat.cols);
  const int y1 = clip(int64_t(roi->y) + roi->h, canvas.mat.rows);
  const cv::Rect box(x0, y0, x1 - x0, y1 - y0);
  cv::rectangle(canvas.mat, box, canvas.colour(colour), options.thickness);

  std::string text = g_quark_to_string(roi->roi_type) ? g_quark_to_string(roi->roi_type) : "";
  if (ours) {
    char confidence[16];
    std::snprintf(confidence, sizeof confidence, " %.0f%%", det.confidence * 100.0);
    text += confidence;
  }
  if (roi->id >= 0) text += " #" + std::to_string(roi->id);
  draw_text(canvas, text, cv::Point(box.x, box.y - 3), colour);

  if (pose) draw_keypoints(canvas, roi, colour, options);
}

void draw_stats(Canvas& canvas, const DeltaCnnFrameMeta& meta) {
  char line[256];
  std::snprintf(line, sizeof line,
                "frame %" G_GUINT64_FORMAT " %s | input %.1f%% | layers %.1f%% | %.1f ms %s | %u obj",
                meta.frame_index, meta.keyframe ? "KEY" : "delta", meta.input_active * 100.0,
                meta.mean_active * 100.0, meta.infer_ms, meta.backend ? meta.backend : "",
                meta.n_objects);
  draw_text(canvas, line, cv::Point(4, 18), {255, 255, 255});
}

}  // namespace

bool has_overlay_content(GstBuffer* buffer, const OverlayOptions& options) {
  if (gst_buffer_get_meta(buffer, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE) != nullptr)
    return true;
  return options.show_stats && gst_buffer_get_deltacnn_frame_meta(buffer) != nullptr;
}

void draw_overlay(GstVideoFrame* frame, const PictureRegion& picture, const OverlayOptions& options) {
  Canvas canvas;
  if (!make_canvas(frame, picture, &canvas)) return;
  GstBuffer* buffer = frame->buffer;
  gpointer state = nullptr;
  GstMeta* meta;
  while ((meta = gst_buffer_iterate_meta_filtered(buffer, &state,
                                                  GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    draw_object(canvas, reinterpret_cast<GstVideoRegionOfInterestMeta*>(meta), options);
  if (options.show_stats) {
    if (const DeltaCnnFrameMeta* stats = gst_buffer_get_deltacnn_frame_meta(buffer))
      draw_stats(canvas, *stats);
  }
}

}  // namespace deltacnn_gst
