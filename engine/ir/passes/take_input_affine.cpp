// The model's own input normalisation (MoveNet: x / 127.5 - 1, one Affine once
// merge_affine_chains has run) moves out of the graph into the pre-processing's mean / std.
// As a graph op it ran at full input resolution with its own mask, candidate list and fire
// step at 3 values a pixel: 0.9 ms of a MultiPose delta frame (its dense pass as much), to do
// what the input stage's (x - mean) / std already does per pixel.
#include <cmath>
#include <set>

#include "engine/ir/passes.h"
#include "engine/ir/passes/graph_edit.h"

namespace dcnn::ir {

bool take_input_affine(Graph& graph, InputAffine& taken) {
  if (graph.input < 0) return false;
  const std::vector<int> readers = graph.consumers(graph.input);
  if (readers.size() != 1 || passes::is_graph_output(graph, graph.input)) return false;
  const int k = readers.front();
  const Node& node = graph.nodes[size_t(k)];
  if (node.kind != OpKind::Affine || node.inputs[0] != graph.input) return false;
  const AffineParams& a = node.as<AffineParams>();
  if (!a.act.is_none() || a.scale.size() != 3 || (!a.shift.empty() && a.shift.size() != 3)) return false;
  if (passes::is_graph_output(graph, node.output)) return false;  // a head would lose its name
  for (int c = 0; c < 3; ++c) {
    const float s = a.scale[size_t(c)];
    // A zero scale cannot become a std (it would divide by it); nothing real does that.
    if (!std::isfinite(s) || s == 0.f) return false;
    taken.scale[c] = s;
    taken.shift[c] = a.shift.empty() ? 0.f : a.shift[size_t(c)];
  }
  const int out = node.output;
  for (Node& n : graph.nodes)
    for (int& in : n.inputs)
      if (in == out) in = graph.input;
  passes::erase_nodes(graph, {k});
  return true;
}

}  // namespace dcnn::ir
