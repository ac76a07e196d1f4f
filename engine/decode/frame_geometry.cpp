// Model-input <-> frame mapping. Kept next to the decoders (they undo it) and used by the
// pre-processor (which applies it), so both sides compute the letterbox from one formula.
#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/decode/decoder.h"

namespace dcnn {

FrameGeometry FrameGeometry::make(int frame_w, int frame_h, int model_w, int model_h,
                                  ResizeKind kind) {
  if (frame_w <= 0 || frame_h <= 0 || model_w <= 0 || model_h <= 0) {
    throw Error(ErrorKind::Input, "frame geometry: frame " + std::to_string(frame_w) + "x" +
                                      std::to_string(frame_h) + ", model input " +
                                      std::to_string(model_w) + "x" + std::to_string(model_h) +
                                      "; expected positive sizes");
  }
  FrameGeometry g;
  g.frame_width = frame_w;
  g.frame_height = frame_h;
  g.model_width = model_w;
  g.model_height = model_h;
  if (kind == ResizeKind::Stretch) {
    g.scale_x = float(model_w) / float(frame_w);
    g.scale_y = float(model_h) / float(frame_h);
    return g;
  }
  // Letterbox: one scale for both axes, the content rounded to whole pixels and centred. The
  // per-axis scale is the content's exact size ratio (the rounding makes the two differ by less
  // than a pixel), so mapping back lands on the frame edges exactly.
  const double scale = std::min(double(model_w) / frame_w, double(model_h) / frame_h);
  const int content_w = std::clamp(int(std::lround(frame_w * scale)), 1, model_w);
  const int content_h = std::clamp(int(std::lround(frame_h * scale)), 1, model_h);
  g.scale_x = float(content_w) / float(frame_w);
  g.scale_y = float(content_h) / float(frame_h);
  g.pad_x = float((model_w - content_w) / 2);
  g.pad_y = float((model_h - content_h) / 2);
  return g;
}

FramePlacement frame_placement(const InputConfig& input, int frame_w, int frame_h) {
  const FrameGeometry g = FrameGeometry::make(frame_w, frame_h, input.width, input.height, input.resize);
  FramePlacement p;
  p.width = p.content_w = input.width;
  p.height = p.content_h = input.height;
  if (input.resize == ResizeKind::Letterbox) {
    p.content_w = int(std::lround(frame_w * double(g.scale_x)));
    p.content_h = int(std::lround(frame_h * double(g.scale_y)));
    p.content_x = int(g.pad_x);
    p.content_y = int(g.pad_y);
  }
  p.pad_value = input.pad_value;
  p.bgr = input.color == ColorOrder::BGR;
  return p;
}

}  // namespace dcnn
