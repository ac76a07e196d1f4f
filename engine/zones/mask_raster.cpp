#include "engine/zones/mask_raster.h"

#include <algorithm>

namespace dcnn::zones {
namespace {

// ORs one polygon into `mask`, row by row: a pixel is inside when an odd number of the row's
// crossings lie strictly right of its centre (contains()'s rule).
void fill(const Polygon& polygon, const FrameGeometry& g, uint8_t* mask) {
  const int w = g.model_width, h = g.model_height;
  std::vector<double> crossings;
  for (int j = 0; j < h; ++j) {
    const double y = model_pixel_in_frame(g, 0, j).y;
    crossings.clear();
    const size_t n = polygon.size();
    for (size_t a = n - 1, b = 0; b < n; a = b++)
      if (edge_crosses(polygon[a], polygon[b], y)) crossings.push_back(crossing_x(polygon[a], polygon[b], y));
    if (crossings.empty()) continue;
    std::sort(crossings.begin(), crossings.end());
    size_t passed = 0;  // crossings <= this pixel's x (x grows with i)
    uint8_t* row = mask + int64_t(j) * w;
    for (int i = 0; i < w; ++i) {
      const double x = model_pixel_in_frame(g, i, j).x;
      while (passed < crossings.size() && crossings[passed] <= x) ++passed;
      if ((crossings.size() - passed) % 2 == 1) row[i] = 1;
    }
  }
}

}  // namespace

std::vector<uint8_t> rasterize(const std::vector<Polygon>& frame_polygons, const FrameGeometry& g) {
  std::vector<uint8_t> mask(size_t(g.model_width) * size_t(g.model_height), 0);
  for (const Polygon& p : frame_polygons) fill(p, g, mask.data());
  return mask;
}

}  // namespace dcnn::zones
