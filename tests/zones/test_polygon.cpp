// engine/zones/polygon.h: the point test every zone and mask decision rests on, and the shape
// checks of the YAML loader.
#include <gtest/gtest.h>

#include "engine/zones/polygon.h"

namespace {

using dcnn::zones::Point;
using dcnn::zones::Polygon;
using dcnn::zones::contains;

const Polygon kSquare = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};

TEST(Polygon, InsideOutsideOfASquare) {
  EXPECT_TRUE(contains(kSquare, {5, 5}));
  EXPECT_FALSE(contains(kSquare, {15, 5}));
  EXPECT_FALSE(contains(kSquare, {-1, 5}));
  EXPECT_FALSE(contains(kSquare, {5, -1}));
  EXPECT_FALSE(contains(kSquare, {5, 11}));
}

TEST(Polygon, EdgesAreHalfOpenLikePixels) {
  // Left and top edges belong to the polygon, right and bottom ones do not: the rule that puts
  // pixel (i, j) = [i, i+1) x [j, j+1) in exactly one of two polygons sharing an edge.
  EXPECT_TRUE(contains(kSquare, {0, 5}));
  EXPECT_FALSE(contains(kSquare, {10, 5}));
  EXPECT_TRUE(contains(kSquare, {5, 0}));
  EXPECT_FALSE(contains(kSquare, {5, 10}));
  EXPECT_TRUE(contains(kSquare, {0, 0}));
  EXPECT_FALSE(contains(kSquare, {10, 10}));
  const Polygon right = {{10, 0}, {20, 0}, {20, 10}, {10, 10}};
  for (double y : {0.0, 2.5, 9.99})
    EXPECT_NE(contains(kSquare, {10, y}), contains(right, {10, y})) << "y " << y;
}

TEST(Polygon, VertexOnTheScanLineCountsOnce) {
  // A diamond: the horizontal line through the left and right vertices must not count them twice.
  const Polygon diamond = {{5, 0}, {10, 5}, {5, 10}, {0, 5}};
  EXPECT_TRUE(contains(diamond, {5, 5}));
  EXPECT_TRUE(contains(diamond, {1, 5}));
  EXPECT_FALSE(contains(diamond, {11, 5}));
  EXPECT_FALSE(contains(diamond, {-1, 5}));
  EXPECT_FALSE(contains(diamond, {1, 1}));
}

TEST(Polygon, ConcaveAndEitherOrientation) {
  // A U shape: the notch is outside.
  const Polygon u = {{0, 0}, {3, 0}, {3, 8}, {7, 8}, {7, 0}, {10, 0}, {10, 10}, {0, 10}};
  EXPECT_TRUE(contains(u, {1, 1}));
  EXPECT_FALSE(contains(u, {5, 4}));
  EXPECT_TRUE(contains(u, {5, 9}));
  Polygon reversed(u.rbegin(), u.rend());
  EXPECT_TRUE(contains(reversed, {1, 1}));
  EXPECT_FALSE(contains(reversed, {5, 4}));
}

TEST(Polygon, DistanceToTheOutline) {
  EXPECT_DOUBLE_EQ(dcnn::zones::distance_to_outline(kSquare, {5, 5}), 5.0);
  EXPECT_DOUBLE_EQ(dcnn::zones::distance_to_outline(kSquare, {2, 5}), 2.0);
  EXPECT_DOUBLE_EQ(dcnn::zones::distance_to_outline(kSquare, {13, 14}), 5.0);  // to the corner (10, 10)
  EXPECT_DOUBLE_EQ(dcnn::zones::distance_to_outline(kSquare, {10, 3}), 0.0);
}

TEST(Polygon, AreaAndDegenerateShapes) {
  EXPECT_DOUBLE_EQ(dcnn::zones::doubled_area(kSquare), 200.0);
  EXPECT_DOUBLE_EQ(dcnn::zones::doubled_area({{0, 0}, {5, 5}, {10, 10}}), 0.0);
  EXPECT_FALSE(contains({{0, 0}, {5, 5}, {10, 10}}, {5, 5}));
}

TEST(Polygon, SelfIntersection) {
  size_t a = 99, b = 99;
  EXPECT_FALSE(dcnn::zones::self_intersects(kSquare));
  EXPECT_FALSE(dcnn::zones::self_intersects({{0, 0}, {10, 0}, {5, 5}}));  // a triangle
  const Polygon bow_tie = {{0, 0}, {10, 10}, {10, 0}, {0, 10}};
  EXPECT_TRUE(dcnn::zones::self_intersects(bow_tie, &a, &b));
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 2u);
  // A vertex touching a non-neighbouring edge is refused too.
  EXPECT_TRUE(dcnn::zones::self_intersects({{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}}));
  const Polygon u = {{0, 0}, {3, 0}, {3, 8}, {7, 8}, {7, 0}, {10, 0}, {10, 10}, {0, 10}};
  EXPECT_FALSE(dcnn::zones::self_intersects(u));
}

}  // namespace
