#include "engine/ir/passes/graph_edit.h"

#include <algorithm>

namespace dcnn::ir::passes {

int producer(const Graph& graph, int tensor) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (graph.nodes[i].output == tensor) return int(i);
  }
  return -1;
}

bool is_graph_output(const Graph& graph, int tensor) {
  return std::find(graph.outputs.begin(), graph.outputs.end(), tensor) != graph.outputs.end();
}

bool is_private(const Graph& graph, int tensor) {
  return !is_graph_output(graph, tensor) && graph.consumers(tensor).size() == 1;
}

void erase_nodes(Graph& graph, const std::set<int>& doomed) {
  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!doomed.count(int(i))) kept.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(kept);
}

}  // namespace dcnn::ir::passes
