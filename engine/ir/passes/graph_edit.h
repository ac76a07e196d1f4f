// Small graph-surgery helpers the passes share.
#pragma once

#include <set>
#include <vector>

#include "engine/ir/graph.h"

namespace dcnn::ir::passes {

// Index of the node writing `tensor`, or -1 (graph input / orphan).
int producer(const Graph& graph, int tensor);
bool is_graph_output(const Graph& graph, int tensor);
// True when exactly one node reads `tensor` and it is not a graph output: the tensor can
// disappear into a fused node without anyone else missing it.
bool is_private(const Graph& graph, int tensor);
// Erases the given nodes (indices), keeping the others in order.
void erase_nodes(Graph& graph, const std::set<int>& doomed);

}  // namespace dcnn::ir::passes
