// Plane polygons for zones and masks (engine/zones): the point test every other part of zones
// agrees with, and the shape checks the YAML loader applies.
#pragma once

#include <cstddef>
#include <vector>

namespace dcnn::zones {

struct Point {
  double x = 0.0, y = 0.0;
};

using Polygon = std::vector<Point>;  // vertices in order, closed implicitly (last -> first)

// Even-odd rule with half-open edges: an edge counts when it crosses the horizontal line through
// p (one end strictly above, the other not) at an x strictly right of p. Every point of the plane
// is therefore inside exactly one of two polygons that share an edge, and the rasteriser
// (mask_raster.h), which uses crossing_x below, agrees with this test pixel for pixel.
bool contains(const Polygon& polygon, Point p);

// Where edge a-b crosses the horizontal line y (callers check that it does): one formula shared
// by contains() and the rasteriser so both round alike.
inline double crossing_x(Point a, Point b, double y) {
  return a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y);
}
inline bool edge_crosses(Point a, Point b, double y) { return (a.y > y) != (b.y > y); }

// Distance from p to the nearest point of the polygon's outline (0 on it), inside or outside.
double distance_to_outline(const Polygon& polygon, Point p);

// Twice the signed area (shoelace); 0 for a degenerate polygon (all points on a line).
double doubled_area(const Polygon& polygon);

// True when two edges that are not neighbours touch or cross (a bow-tie, a figure eight, a
// vertex on another edge); *first / *second get their indices (edge i runs from point i to
// point i + 1). Zones that cross themselves have an inside no user meant.
bool self_intersects(const Polygon& polygon, size_t* first = nullptr, size_t* second = nullptr);

}  // namespace dcnn::zones
