// Removes nodes that do not contribute to any graph output (exporters leave training or
// post-processing branches behind; fusions leave orphan tensors), then renumbers tensors so
// that every remaining one is used.
#include <vector>

#include "engine/ir/passes.h"

namespace dcnn::ir {

int remove_dead_nodes(Graph& graph) {
  std::vector<char> needed(graph.tensors.size(), 0);
  for (int out : graph.outputs) needed[size_t(out)] = 1;
  std::vector<char> keep(graph.nodes.size(), 0);
  for (size_t i = graph.nodes.size(); i-- > 0;) {  // reverse topological order
    const Node& node = graph.nodes[i];
    if (!needed[size_t(node.output)]) continue;
    keep[i] = 1;
    for (int in : node.inputs) needed[size_t(in)] = 1;
  }
  std::vector<Node> nodes;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (keep[i]) nodes.push_back(std::move(graph.nodes[i]));
  }
  const int removed = int(graph.nodes.size() - nodes.size());
  graph.nodes = std::move(nodes);

  // Renumber: input first, then tensors in order of first use.
  std::vector<int> remap(graph.tensors.size(), -1);
  std::vector<Tensor> tensors;
  auto map = [&](int id) {
    if (remap[size_t(id)] < 0) {
      remap[size_t(id)] = int(tensors.size());
      tensors.push_back(graph.tensors[size_t(id)]);
    }
    return remap[size_t(id)];
  };
  graph.input = map(graph.input);
  for (Node& node : graph.nodes) {
    for (int& in : node.inputs) in = map(in);
    node.output = map(node.output);
  }
  for (int& out : graph.outputs) out = map(out);
  graph.tensors = std::move(tensors);
  return removed;
}

}  // namespace dcnn::ir
