// A per-channel scale in front of convolutions is free: it multiplies their weights along the
// input-channel axis. Typical source: the fp16 "1/6" of a spelled-out HardSwish (see
// fuse_hardswish.cpp), or a constant Mul before a conv. A shift cannot move this way (the conv's
// zero padding would see it), so only scale-only Affines fold.
#include <set>

#include "engine/ir/passes.h"
#include "engine/ir/passes/graph_edit.h"

namespace dcnn::ir {

namespace {

bool scale_only(const AffineParams& a) {
  if (!a.act.is_none()) return false;
  for (float s : a.shift) {
    if (s != 0.f) return false;
  }
  return true;
}

void scale_conv_inputs(ConvParams& p, const std::vector<float>& scale) {
  const size_t cin_g = size_t(p.cin / p.groups), cout_g = size_t(p.cout / p.groups);
  const size_t taps = size_t(p.kh) * size_t(p.kw);
  for (size_t o = 0; o < size_t(p.cout); ++o) {
    const size_t group = o / cout_g;
    for (size_t j = 0; j < cin_g; ++j) {
      const float s = scale[group * cin_g + j];
      float* w = &p.weights[(o * cin_g + j) * taps];
      for (size_t t = 0; t < taps; ++t) w[t] *= s;
    }
  }
}

void scale_conv_transpose_inputs(ConvTransposeParams& p, const std::vector<float>& scale) {
  const size_t row = size_t(p.cout / p.groups) * size_t(p.kh) * size_t(p.kw);
  for (size_t i = 0; i < size_t(p.cin); ++i) {
    for (size_t k = 0; k < row; ++k) p.weights[i * row + k] *= scale[i];
  }
}

}  // namespace

int fold_scale_into_consumers(Graph& graph) {
  std::set<int> doomed;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& affine = graph.nodes[i];
    if (affine.kind != OpKind::Affine || !scale_only(affine.as<AffineParams>())) continue;
    if (passes::is_graph_output(graph, affine.output)) continue;
    const std::vector<int> consumers = graph.consumers(affine.output);
    bool all_convs = !consumers.empty();
    for (int c : consumers) {
      const OpKind k = graph.nodes[size_t(c)].kind;
      all_convs = all_convs && (k == OpKind::Conv || k == OpKind::ConvTranspose);
    }
    if (!all_convs) continue;
    const std::vector<float> scale = affine.as<AffineParams>().scale;
    const int source = affine.inputs[0];
    for (int c : consumers) {
      Node& conv = graph.nodes[size_t(c)];
      if (conv.kind == OpKind::Conv) scale_conv_inputs(conv.as<ConvParams>(), scale);
      else scale_conv_transpose_inputs(conv.as<ConvTransposeParams>(), scale);
      conv.inputs[0] = source;  // still after `source`'s producer: order is kept
    }
    doomed.insert(int(i));
  }
  passes::erase_nodes(graph, doomed);
  return int(doomed.size());
}

}  // namespace dcnn::ir
