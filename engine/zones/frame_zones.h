// Zones and masks in the pixels of one frame size: built once when the size is known (first
// frame, caps change), never per frame. Pixel coordinates are continuous: pixel (i, j) covers
// [i, i + 1) x [j, j + 1), so a polygon through (0, 0) and (width, height) spans the whole frame.
#pragma once

#include <vector>

#include "engine/api/results.h"
#include "engine/zones/polygon.h"
#include "engine/zones/zone_settings.h"

namespace dcnn::zones {

struct FrameZones {
  int frame_width = 0, frame_height = 0;
  std::vector<Polygon> zones;  // frame pixels, in the order of ZonesConfig::zones
  std::vector<Polygon> masks;  // frame pixels, in the order of ZonesConfig::masks

  // Throws dcnn::Error(Config) naming the file, the zone or mask, its line and the frame size
  // when a pixel coordinate lies outside the frame (a config written for another resolution).
  static FrameZones make(const ZonesConfig& config, int frame_width, int frame_height);
};

// The centre of the frame pixel that an object's anchor point (box bottom centre, or centre) falls
// on, clamped into the frame. Zones are tested at pixel centres, as masks are rasterised, so a box
// whose bottom edge is the frame's bottom edge counts as standing on the last row.
Point anchor_pixel(const Detection& object, Anchor anchor, int frame_width, int frame_height);

}  // namespace dcnn::zones
