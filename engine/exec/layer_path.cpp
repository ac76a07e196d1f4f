#include "engine/exec/layer_path.h"

namespace dcnn {
namespace {

// Weight of the newest frame in the moving averages: about the last 4 frames count, enough to
// follow a change of scene or host load within a second of video while one outlier moves the
// estimate by a quarter only.
constexpr double kNewest = 0.25;

double blend(double old_value, double sample) {
  return old_value < 0.0 ? sample : old_value + kNewest * (sample - old_value);
}

}  // namespace

LayerPath choose_layer_path(const LayerPathCost& c, int candidates, int pixels, float break_even) {
  const bool fixed_dense = double(candidates) > double(break_even) * double(pixels);
  if (c.dense_ms < 0.0 || c.sparse_ms_per_candidate < 0.0)
    return fixed_dense ? LayerPath::Dense : LayerPath::Sparse;
  const double sparse = c.sparse_ms_per_candidate * double(candidates);
  const LayerPath cheaper = c.dense_ms < sparse ? LayerPath::Dense : LayerPath::Sparse;
  const bool close = sparse < kRefreshRatio * c.dense_ms && c.dense_ms < kRefreshRatio * sparse;
  if (close && cheaper == LayerPath::Sparse && c.frames_since_dense >= kRefreshFrames) return LayerPath::Dense;
  if (close && cheaper == LayerPath::Dense && c.frames_since_sparse >= kRefreshFrames) return LayerPath::Sparse;
  return cheaper;
}

void record_layer_path(LayerPathCost& c, LayerPath path, double ms, int candidates) {
  if (path == LayerPath::Dense) {
    c.dense_ms = blend(c.dense_ms, ms);
    c.frames_since_dense = 0;
    ++c.frames_since_sparse;
    return;
  }
  ++c.frames_since_dense;
  if (candidates <= 0) return;
  c.sparse_ms_per_candidate = blend(c.sparse_ms_per_candidate, ms / double(candidates));
  c.frames_since_sparse = 0;
}

void seed_dense_cost(LayerPathCost& c, double ms) {
  if (c.dense_ms < 0.0) c.dense_ms = ms;
}

}  // namespace dcnn
