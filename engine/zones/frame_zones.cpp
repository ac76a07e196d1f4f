#include "engine/zones/frame_zones.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/core/error.h"

namespace dcnn::zones {
namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// `what` names the entry ("zones[0] (door)"), `line` where it was written.
Polygon to_frame(const Polygon& polygon, Units units, int w, int h, const std::string& source,
                 const std::string& what, int line) {
  Polygon out;
  out.reserve(polygon.size());
  for (size_t i = 0; i < polygon.size(); ++i) {
    const Point p = polygon[i];
    if (units == Units::Normalized) {
      out.push_back({p.x * w, p.y * h});
      continue;
    }
    if (p.x > w || p.y > h) {
      throw Error(ErrorKind::Config,
                  source + ": " + what + ".polygon[" + std::to_string(i) + "]" +
                      (line > 0 ? " (line " + std::to_string(line) + ")" : "") + ": point [" +
                      number(p.x) + ", " + number(p.y) + "] lies outside the " + std::to_string(w) +
                      "x" + std::to_string(h) + " frame; expected pixel coordinates within the frame "
                      "(x in [0, " + std::to_string(w) + "], y in [0, " + std::to_string(h) +
                      "]), or units: normalized to fit every resolution");
    }
    out.push_back(p);
  }
  return out;
}

}  // namespace

FrameZones FrameZones::make(const ZonesConfig& config, int frame_width, int frame_height) {
  FrameZones f;
  f.frame_width = frame_width;
  f.frame_height = frame_height;
  for (size_t i = 0; i < config.zones.size(); ++i) {
    const ZoneSettings& z = config.zones[i];
    f.zones.push_back(to_frame(z.polygon, z.units, frame_width, frame_height, config.source,
                               "zones[" + std::to_string(i) + "] (" + z.name + ")", z.line));
  }
  for (size_t i = 0; i < config.masks.size(); ++i) {
    const MaskSettings& m = config.masks[i];
    f.masks.push_back(to_frame(m.polygon, m.units, frame_width, frame_height, config.source,
                               "masks[" + std::to_string(i) + "]" + (m.name.empty() ? "" : " (" + m.name + ")"),
                               m.line));
  }
  return f;
}

Point anchor_pixel(const Detection& object, Anchor anchor, int frame_width, int frame_height) {
  const double x = 0.5 * (double(object.x_min) + double(object.x_max));
  const double y = anchor == Anchor::BottomCenter ? double(object.y_max)
                                                  : 0.5 * (double(object.y_min) + double(object.y_max));
  const double px = std::clamp(std::floor(x), 0.0, double(frame_width - 1));
  const double py = std::clamp(std::floor(y), 0.0, double(frame_height - 1));
  return {px + 0.5, py + 0.5};
}

}  // namespace dcnn::zones
