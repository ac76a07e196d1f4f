// Shape inference over the NHWC IR: every tensor's Shape and every Resize's output size follow
// from the input shape and the node parameters. The importer calls infer_node_shape() node by
// node (it needs shapes while importing, e.g. to resolve auto_pad and fold Shape ops), the
// passes and re-planning call infer_shapes() on a whole graph.
#pragma once

#include "engine/core/shape.h"
#include "engine/ir/graph.h"

namespace dcnn::ir {

// Output shape of `node` from the shapes of its inputs (already in graph.tensors). Pure: does not
// modify the node. Throws dcnn::Error(Model) naming the node when the inputs are inconsistent
// with it (channel mismatch, window larger than the padded input, ...).
Shape infer_node_shape(const Graph& graph, const Node& node);

// Fills every tensor's shape in topological order from graph.input's shape, and resolves
// Resize out_h/out_w where scales rule. Throws dcnn::Error(Model) naming the node at fault.
void infer_shapes(Graph& graph);

}  // namespace dcnn::ir
