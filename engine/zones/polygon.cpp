#include "engine/zones/polygon.h"

#include <algorithm>
#include <cmath>

namespace dcnn::zones {

bool contains(const Polygon& polygon, Point p) {
  bool inside = false;
  const size_t n = polygon.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const Point a = polygon[j], b = polygon[i];
    if (edge_crosses(a, b, p.y) && p.x < crossing_x(a, b, p.y)) inside = !inside;
  }
  return inside;
}

double doubled_area(const Polygon& polygon) {
  double sum = 0.0;
  const size_t n = polygon.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) sum += polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
  return sum;
}

double distance_to_outline(const Polygon& polygon, Point p) {
  double best = INFINITY;
  const size_t n = polygon.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const Point a = polygon[j], b = polygon[i];
    const double dx = b.x - a.x, dy = b.y - a.y, length2 = dx * dx + dy * dy;
    // The segment's point nearest to p: its projection, clamped to the segment.
    const double t = length2 > 0.0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / length2, 0.0, 1.0) : 0.0;
    best = std::min(best, std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)));
  }
  return best;
}

namespace {

// Sign of the turn a -> b -> c: > 0 left, < 0 right, 0 collinear.
double turn(Point a, Point b, Point c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }

bool on_segment(Point a, Point b, Point p) {
  return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
         p.y <= std::max(a.y, b.y);
}

int sign(double v) { return (v > 0.0) - (v < 0.0); }

// Closed segments p1-p2 and q1-q2 share a point (touching counts).
bool segments_meet(Point p1, Point p2, Point q1, Point q2) {
  const int d1 = sign(turn(q1, q2, p1)), d2 = sign(turn(q1, q2, p2));
  const int d3 = sign(turn(p1, p2, q1)), d4 = sign(turn(p1, p2, q2));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (d1 == 0 && on_segment(q1, q2, p1)) || (d2 == 0 && on_segment(q1, q2, p2)) ||
         (d3 == 0 && on_segment(p1, p2, q1)) || (d4 == 0 && on_segment(p1, p2, q2));
}

}  // namespace

bool self_intersects(const Polygon& polygon, size_t* first, size_t* second) {
  const size_t n = polygon.size();
  if (n < 4) return false;  // a triangle cannot cross itself (degenerate ones have no area)
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      // Neighbouring edges share a vertex by construction.
      if (j == i + 1 || (i == 0 && j == n - 1)) continue;
      if (segments_meet(polygon[i], polygon[(i + 1) % n], polygon[j], polygon[(j + 1) % n])) {
        if (first) *first = i;
        if (second) *second = j;
        return true;
      }
    }
  }
  return false;
}

}  // namespace dcnn::zones
