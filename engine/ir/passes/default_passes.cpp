#include "engine/ir/passes.h"
#include "engine/ir/shape_inference.h"

namespace dcnn::ir {

void run_default_passes(Graph& graph) {
  // HardSwish first: its Clip and +3 must still be separate nodes to be recognised.
  fuse_hardswish(graph);
  // Affine folding before activation fusion: a Conv that already carries an activation cannot
  // absorb the BatchNorm behind it.
  fold_affine_into_conv(graph);
  fuse_activations(graph);
  // Again: a positive scale behind a conv that now carries ReLU/Clip still folds into it.
  fold_affine_into_conv(graph);
  // Last: a scale-only Affine left behind (fp16 HardSwish constants) moves into the convs after it.
  fold_scale_into_consumers(graph);
  // Chains of Affines that did not fold into a conv (an input normalisation in two steps).
  merge_affine_chains(graph);
  remove_dead_nodes(graph);
  place_resize_before_sum(graph);
  infer_shapes(graph);
  graph.validate();
}

}  // namespace dcnn::ir
