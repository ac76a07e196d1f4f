// BatchNormalization (and constant Mul/Add) after a conv costs a full pass over the feature map
// and, in delta mode, nothing useful: it is linear per channel, so it folds into the weights.
#include <algorithm>
#include <set>

#include "engine/ir/passes.h"
#include "engine/ir/passes/graph_edit.h"

namespace dcnn::ir {

namespace {

void scale_conv(ConvParams& p, const AffineParams& a) {
  const size_t per_out = p.weights.size() / size_t(p.cout);
  for (size_t o = 0; o < size_t(p.cout); ++o) {
    for (size_t k = 0; k < per_out; ++k) p.weights[o * per_out + k] *= a.scale[o];
    p.bias[o] = p.bias[o] * a.scale[o] + a.shift[o];
  }
}

void scale_conv_transpose(ConvTransposeParams& p, const AffineParams& a) {
  // Weights [cin][cout/groups][kh][kw]: output channel = group * (cout/groups) + j.
  const size_t cout_g = size_t(p.cout / p.groups), cin_g = size_t(p.cin / p.groups);
  const size_t taps = size_t(p.kh) * size_t(p.kw);
  for (size_t i = 0; i < size_t(p.cin); ++i) {
    const size_t group = i / cin_g;
    for (size_t j = 0; j < cout_g; ++j) {
      const float s = a.scale[group * cout_g + j];
      float* w = &p.weights[(i * cout_g + j) * taps];
      for (size_t t = 0; t < taps; ++t) w[t] *= s;
    }
  }
  for (size_t o = 0; o < size_t(p.cout); ++o) p.bias[o] = p.bias[o] * a.scale[o] + a.shift[o];
}

// Can `a` (an Affine behind a conv whose activation is `act`) move in front of that activation?
// Positive scales commute with ReLU and LeakyReLU per channel (s * g(y) = g(s * y)), and with
// Clip when uniform (s * clip(y, lo, hi) = clip(s * y, s * lo, s * hi)); a shift never does.
// This is the squeeze-excite gate of TF.js MobileNetV3: relu6(conv + 3) * fp16(1/6).
bool commutes_with(const Activation& act, const AffineParams& a) {
  if (!a.act.is_none()) return false;
  for (size_t c = 0; c < a.scale.size(); ++c) {
    if (!(a.scale[c] > 0.f) || a.shift[c] != 0.f) return false;
  }
  switch (act.kind) {
    case ActKind::None:
    case ActKind::Relu:
    case ActKind::LeakyRelu: return true;
    case ActKind::Clip:
      return std::all_of(a.scale.begin(), a.scale.end(), [&](float x) { return x == a.scale[0]; });
    default: return false;
  }
}

// The activation after the scale moved in front of it.
Activation scaled_activation(const Activation& act, const AffineParams& a) {
  Activation out = act;
  if (act.kind == ActKind::Clip) {
    out.alpha *= a.scale[0];
    out.beta *= a.scale[0];
  }
  return out;
}

}  // namespace

int fold_affine_into_conv(Graph& graph) {
  std::set<int> doomed;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& affine = graph.nodes[i];
    if (affine.kind != OpKind::Affine) continue;
    const int in = affine.inputs[0];
    const int prod = passes::producer(graph, in);
    if (prod < 0 || doomed.count(prod) || !passes::is_private(graph, in)) continue;
    Node& conv = graph.nodes[size_t(prod)];
    const auto& a = affine.as<AffineParams>();
    // No activation yet: any affine folds. With one: only a positive scale that commutes.
    if (conv.kind == OpKind::Conv) {
      auto& p = conv.as<ConvParams>();
      if (!p.act.is_none() && !commutes_with(p.act, a)) continue;
      const Activation act = p.act.is_none() ? a.act : scaled_activation(p.act, a);
      scale_conv(p, a);
      p.act = act;
    } else if (conv.kind == OpKind::ConvTranspose) {
      auto& p = conv.as<ConvTransposeParams>();
      if (!p.act.is_none() && !commutes_with(p.act, a)) continue;
      const Activation act = p.act.is_none() ? a.act : scaled_activation(p.act, a);
      scale_conv_transpose(p, a);
      p.act = act;
    } else {
      continue;
    }
    // The conv now writes what the Affine wrote; its own output tensor becomes an orphan that
    // remove_dead_nodes drops.
    conv.output = affine.output;
    doomed.insert(int(i));
  }
  passes::erase_nodes(graph, doomed);
  return int(doomed.size());
}

}  // namespace dcnn::ir
