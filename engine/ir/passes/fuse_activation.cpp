// A separate activation node means one more pass over the feature map and, in delta mode, one
// more state buffer; fused into its producer it costs nothing extra.
#include <set>

#include "engine/ir/passes.h"
#include "engine/ir/passes/graph_edit.h"

namespace dcnn::ir {

namespace {

// The producer's fusable activation slot, or nullptr when it has none or it is taken.
Activation* free_activation_slot(Node& node) {
  Activation* act = nullptr;
  switch (node.kind) {
    case OpKind::Conv: act = &node.as<ConvParams>().act; break;
    case OpKind::ConvTranspose: act = &node.as<ConvTransposeParams>().act; break;
    case OpKind::Affine: act = &node.as<AffineParams>().act; break;
    case OpKind::Add: act = &node.as<AddParams>().act; break;
    case OpKind::Concat: act = &node.as<ConcatParams>().act; break;
    default: return nullptr;
  }
  return act->is_none() ? act : nullptr;
}

}  // namespace

int fuse_activations(Graph& graph) {
  std::set<int> doomed;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (node.kind != OpKind::Activation) continue;
    const Activation act = node.as<ActivationParams>().act;
    if (act.is_none()) continue;
    const int in = node.inputs[0];
    const int prod = passes::producer(graph, in);
    if (prod < 0 || !passes::is_private(graph, in)) continue;
    Node& producer = graph.nodes[size_t(prod)];
    Activation* slot = free_activation_slot(producer);
    if (!slot) continue;
    *slot = act;
    producer.output = node.output;
    doomed.insert(int(i));
  }
  passes::erase_nodes(graph, doomed);
  return int(doomed.size());
}

}  // namespace dcnn::ir
