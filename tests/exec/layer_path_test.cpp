// The per-layer choice between the sparse and the dense form of a recompute pass
// (engine/exec/layer_path.h): the fixed break-even until both forms are measured, then the
// cheaper prediction, with a retry of the other form when the two are close and it is stale.
#include <gtest/gtest.h>

#include "engine/exec/layer_path.h"

namespace dcnn {
namespace {

TEST(LayerPath, FixedBreakEvenUntilBothFormsAreMeasured) {
  LayerPathCost c;
  EXPECT_EQ(choose_layer_path(c, 40, 100, 0.5f), LayerPath::Sparse);
  EXPECT_EQ(choose_layer_path(c, 60, 100, 0.5f), LayerPath::Dense);
  seed_dense_cost(c, 1.0);  // dense known, sparse not yet: still the fixed rule
  EXPECT_EQ(choose_layer_path(c, 40, 100, 0.5f), LayerPath::Sparse);
  EXPECT_EQ(choose_layer_path(c, 60, 100, 0.5f), LayerPath::Dense);
}

TEST(LayerPath, TakesTheCheaperPredictionOnceMeasured) {
  LayerPathCost c;
  seed_dense_cost(c, 1.0);                              // dense form: 1 ms
  record_layer_path(c, LayerPath::Sparse, 0.5, 10);     // sparse: 0.05 ms per candidate
  EXPECT_EQ(choose_layer_path(c, 15, 100, 0.5f), LayerPath::Sparse);  // 0.75 ms < 1 ms
  EXPECT_EQ(choose_layer_path(c, 25, 100, 0.5f), LayerPath::Dense);   // 1.25 ms > 1 ms, below break-even
  // A cheap dense form wins far below the fixed fraction, an expensive one far above it.
  LayerPathCost cheap_dense;
  seed_dense_cost(cheap_dense, 0.1);
  record_layer_path(cheap_dense, LayerPath::Sparse, 1.0, 100);
  EXPECT_EQ(choose_layer_path(cheap_dense, 20, 1000, 0.7f), LayerPath::Dense);
  LayerPathCost costly_dense;
  seed_dense_cost(costly_dense, 10.0);
  record_layer_path(costly_dense, LayerPath::Sparse, 1.0, 100);
  EXPECT_EQ(choose_layer_path(costly_dense, 900, 1000, 0.7f), LayerPath::Sparse);
}

TEST(LayerPath, MovingAveragesFollowNewMeasurements) {
  LayerPathCost c;
  seed_dense_cost(c, 1.0);
  seed_dense_cost(c, 5.0);  // a seed never overrides a value
  EXPECT_DOUBLE_EQ(c.dense_ms, 1.0);
  record_layer_path(c, LayerPath::Dense, 3.0, 50);
  EXPECT_DOUBLE_EQ(c.dense_ms, 1.5);  // a quarter of the way to the new sample
  record_layer_path(c, LayerPath::Sparse, 2.0, 0);  // no candidates: nothing to learn per candidate
  EXPECT_LT(c.sparse_ms_per_candidate, 0.0);
  record_layer_path(c, LayerPath::Sparse, 2.0, 100);
  EXPECT_DOUBLE_EQ(c.sparse_ms_per_candidate, 0.02);
}

TEST(LayerPath, RetriesAStaleFormOnlyWhenThePredictionsAreClose) {
  LayerPathCost close;
  seed_dense_cost(close, 1.0);
  for (int f = 0; f < kRefreshFrames; ++f) record_layer_path(close, LayerPath::Sparse, 0.8, 100);
  EXPECT_EQ(close.frames_since_dense, kRefreshFrames);
  EXPECT_EQ(choose_layer_path(close, 100, 1000, 0.5f), LayerPath::Dense);  // 0.8 vs 1.0: retried
  record_layer_path(close, LayerPath::Dense, 1.0, 100);
  EXPECT_EQ(choose_layer_path(close, 100, 1000, 0.5f), LayerPath::Sparse);  // fresh again

  LayerPathCost far;
  seed_dense_cost(far, 1.0);
  for (int f = 0; f < 10 * kRefreshFrames; ++f) record_layer_path(far, LayerPath::Sparse, 0.1, 100);
  EXPECT_EQ(choose_layer_path(far, 100, 1000, 0.5f), LayerPath::Sparse);  // 10x apart: never retried
}

}  // namespace
}  // namespace dcnn
