// engine/zones/mask_raster.h and frame_zones.h: masks rasterised into the model input agree with
// the point test on every pixel, through stretch and letterbox geometry, in pixel and
// normalised units.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "engine/core/error.h"
#include "engine/zones/frame_zones.h"
#include "engine/zones/mask_raster.h"

namespace {

using namespace dcnn;
using zones::Point;
using zones::Polygon;

// Every pixel of rasterize() against contains() at the pixel's centre mapped to the frame.
void expect_agreement(const std::vector<Polygon>& polygons, const FrameGeometry& g) {
  const std::vector<uint8_t> mask = zones::rasterize(polygons, g);
  ASSERT_EQ(mask.size(), size_t(g.model_width) * g.model_height);
  int64_t set = 0, disagree = 0;
  for (int j = 0; j < g.model_height; ++j)
    for (int i = 0; i < g.model_width; ++i) {
      bool inside = false;
      for (const Polygon& p : polygons) inside = inside || zones::contains(p, zones::model_pixel_in_frame(g, i, j));
      set += mask[size_t(j) * g.model_width + i];
      if (inside != bool(mask[size_t(j) * g.model_width + i])) ++disagree;
    }
  EXPECT_EQ(disagree, 0);
  EXPECT_GT(set, 0);
}

TEST(MaskRaster, AgreesWithThePointTestOnRandomPolygons) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> x(0, 320), y(0, 240);
  const FrameGeometry stretch = FrameGeometry::make(320, 240, 96, 64, ResizeKind::Stretch);
  const FrameGeometry letterbox = FrameGeometry::make(320, 240, 96, 96, ResizeKind::Letterbox);
  for (int trial = 0; trial < 40; ++trial) {
    // Star-shaped polygons around a centre: simple, often concave.
    const int n = 3 + trial % 9;
    const Point c{x(rng), y(rng)};
    Polygon p;
    for (int k = 0; k < n; ++k) {
      const double angle = 2 * 3.14159265358979 * k / n;
      const double r = 20 + std::uniform_real_distribution<double>(0, 120)(rng);
      p.push_back({std::clamp(c.x + r * std::cos(angle), 0.0, 320.0), std::clamp(c.y + r * std::sin(angle), 0.0, 240.0)});
    }
    if (zones::doubled_area(p) == 0.0) continue;
    SCOPED_TRACE("trial " + std::to_string(trial));
    expect_agreement({p}, stretch);
    expect_agreement({p}, letterbox);
  }
}

TEST(MaskRaster, StretchScalesAFrameRectangle) {
  // The right third of a 768x576 frame at model 384x288: exactly the right 128 columns.
  const FrameGeometry g = FrameGeometry::make(768, 576, 384, 288, ResizeKind::Stretch);
  const std::vector<uint8_t> mask = zones::rasterize({{{512, 0}, {768, 0}, {768, 576}, {512, 576}}}, g);
  for (int j = 0; j < 288; j += 41)
    for (int i = 0; i < 384; ++i) EXPECT_EQ(mask[size_t(j) * 384 + i], i >= 256 ? 1 : 0) << i << "," << j;
}

TEST(MaskRaster, LetterboxBorderIsNeverMasked) {
  // A 640x360 frame in a 320x320 input: content 320x180 at y 70..250; a whole-frame mask covers
  // the content and none of the border.
  const FrameGeometry g = FrameGeometry::make(640, 360, 320, 320, ResizeKind::Letterbox);
  const std::vector<uint8_t> mask = zones::rasterize({{{0, 0}, {640, 0}, {640, 360}, {0, 360}}}, g);
  for (int j = 0; j < 320; ++j) EXPECT_EQ(mask[size_t(j) * 320 + 100], (j >= 70 && j < 250) ? 1 : 0) << j;
}

TEST(FrameZones, NormalizedAndPixelUnitsMeetOnTheSameFrame) {
  zones::ZonesConfig cfg;
  cfg.source = "z.yaml";
  zones::ZoneSettings px, norm;
  px.name = "px";
  px.polygon = {{192, 144}, {576, 144}, {576, 432}, {192, 432}};
  norm.name = "norm";
  norm.units = zones::Units::Normalized;
  norm.polygon = {{0.25, 0.25}, {0.75, 0.25}, {0.75, 0.75}, {0.25, 0.75}};
  cfg.zones = {px, norm};
  const zones::FrameZones f = zones::FrameZones::make(cfg, 768, 576);
  ASSERT_EQ(f.zones.size(), 2u);
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_DOUBLE_EQ(f.zones[0][k].x, f.zones[1][k].x);
    EXPECT_DOUBLE_EQ(f.zones[0][k].y, f.zones[1][k].y);
  }
  // The same normalised zone on another resolution scales with it.
  EXPECT_DOUBLE_EQ(zones::FrameZones::make(cfg, 1920, 1080).zones[1][2].x, 1440.0);
}

TEST(FrameZones, PixelPointOutsideTheFrameNamesFileZoneLineAndSize) {
  zones::ZonesConfig cfg;
  cfg.source = "cam.yaml";
  zones::ZoneSettings z;
  z.name = "door";
  z.line = 12;
  z.polygon = {{0, 0}, {1900, 0}, {1900, 1000}};
  cfg.zones = {z};
  EXPECT_NO_THROW(zones::FrameZones::make(cfg, 1920, 1080));
  try {
    zones::FrameZones::make(cfg, 768, 576);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(int(e.kind()), int(ErrorKind::Config));
    EXPECT_EQ(std::string(e.what()),
              "cam.yaml: zones[0] (door).polygon[1] (line 12): point [1900, 0] lies outside the 768x576 "
              "frame; expected pixel coordinates within the frame (x in [0, 768], y in [0, 576]), or "
              "units: normalized to fit every resolution");
  }
}

TEST(FrameZones, AnchorPixelIsClampedIntoTheFrame) {
  Detection d;
  d.x_min = 100, d.x_max = 140, d.y_min = 50, d.y_max = 576;  // standing on the bottom edge
  const Point bottom = zones::anchor_pixel(d, zones::Anchor::BottomCenter, 768, 576);
  EXPECT_DOUBLE_EQ(bottom.x, 120.5);
  EXPECT_DOUBLE_EQ(bottom.y, 575.5);
  const Point centre = zones::anchor_pixel(d, zones::Anchor::Center, 768, 576);
  EXPECT_DOUBLE_EQ(centre.y, 313.5);
  // A zone drawn to the frame's bottom edge holds a person standing on it.
  EXPECT_TRUE(zones::contains({{0, 300}, {768, 300}, {768, 576}, {0, 576}}, bottom));
}

}  // namespace
