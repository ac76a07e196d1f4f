// Two per-channel affine maps in a row are one: s2 * (s1 * x + t1) + t2 = (s2 s1) x + (s2 t1 + t2).
// Typical source: a model's own input normalisation spelled as two nodes (MoveNet: x / 127.5,
// then - 1), which a delta stream would otherwise run as two ops at full input resolution, each
// with its own mask, list and fire step (1.2 ms apiece per MultiPose delta frame). The merged
// coefficients round differently from the two steps by about one ulp of the result.
#include <set>

#include "engine/ir/passes.h"
#include "engine/ir/passes/graph_edit.h"

namespace dcnn::ir {

namespace {

// A coefficient for channel c (an empty shift vector means zero shift).
float at(const std::vector<float>& v, size_t c) { return v.empty() ? 0.f : v[c]; }

}  // namespace

int merge_affine_chains(Graph& graph) {
  std::set<int> doomed;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& first = graph.nodes[i];
    if (first.kind != OpKind::Affine || !first.as<AffineParams>().act.is_none()) continue;
    if (!passes::is_private(graph, first.output)) continue;
    const int c = graph.consumers(first.output).front();
    Node& second = graph.nodes[size_t(c)];
    if (second.kind != OpKind::Affine || second.inputs[0] != first.output) continue;
    const AffineParams& a = first.as<AffineParams>();
    AffineParams& b = second.as<AffineParams>();
    if (a.scale.size() != b.scale.size()) continue;  // both are per channel of the same tensor
    std::vector<float> shift(b.scale.size());
    for (size_t ch = 0; ch < shift.size(); ++ch) {
      shift[ch] = b.scale[ch] * at(a.shift, ch) + at(b.shift, ch);
      b.scale[ch] *= a.scale[ch];
    }
    b.shift = std::move(shift);
    second.inputs[0] = first.inputs[0];  // still after that tensor's producer: order is kept
    doomed.insert(int(i));
  }
  passes::erase_nodes(graph, doomed);
  return int(doomed.size());
}

}  // namespace dcnn::ir
