// MobileNetV3-style exporters (and the TF.js converter for CenterNet) spell HardSwish out as
// x * clip(x + 3, 0, 6) / 6: four nodes, three intermediate feature maps and, in delta mode,
// a tensor-tensor Mul that must run on accumulated values. One Activation does the same.
//
// Spellings recognised (k is the "1/6" constant, operands of Mul in either order):
//   (x * clip(x + 3, 0, 6)) * k        x * (clip(x + 3, 0, 6) * k)      (x * k) * clip(x + 3, 0, 6)
//   x * HardSigmoid(x, alpha 1/6, beta 1/2)                             "/ 6" wherever "* k" is
// Models stored in fp16 (CenterNet from TF.js) carry k = fp16(1/6) = 0.16662598, not 1/6. The
// rewrite stays exact: it emits HardSwish(x) followed by a scale-only Affine of 6k when 6k != 1,
// and that scale usually folds into the next conv (fold_scale_into_consumers).
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "engine/ir/passes.h"
#include "engine/ir/passes/graph_edit.h"

namespace dcnn::ir {

namespace {

// How far 6k may be from 1 and still be "the" 1/6: fp16 storage rounds 1/6 by 2.4e-4.
constexpr float kSixthTolerance = 1e-3f;

bool all_equal(const std::vector<float>& v, float want, float tolerance) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [&](float x) {
    return std::fabs(x - want) <= tolerance * std::max(1.f, std::fabs(want));
  });
}

// A plain Affine x * k (uniform k near 1/6, no shift, no activation): returns k.
std::optional<float> sixth_scale(const Node& n) {
  if (n.kind != OpKind::Affine) return std::nullopt;
  const auto& a = n.as<AffineParams>();
  if (!a.act.is_none() || !all_equal(a.shift, 0.f, 0.f)) return std::nullopt;
  const float k = a.scale.front();
  if (!all_equal(a.scale, k, 0.f) || std::fabs(6.f * k - 1.f) > kSixthTolerance) return std::nullopt;
  return k;
}

bool is_plus_three(const Node& n) {
  if (n.kind != OpKind::Affine) return false;
  const auto& a = n.as<AffineParams>();
  return a.act.is_none() && all_equal(a.scale, 1.f, 0.f) && all_equal(a.shift, 3.f, 0.f);
}

// The node writing `tensor`, when that tensor feeds only one node (so it may be absorbed).
int private_producer(const Graph& g, int tensor) {
  return passes::is_private(g, tensor) ? passes::producer(g, tensor) : -1;
}

struct Gate {
  std::set<int> nodes;  // nodes the gate is made of
  float scale = 1.f;    // the gate's factor relative to clip(x + 3, 0, 6): k, or 1/6 exactly
  bool scaled = false;  // whether the gate already includes the 1/6
};

// Does `gate` compute relu6(x + 3), relu6(x + 3) * k or HardSigmoid(x, 1/6, 1/2)?
std::optional<Gate> match_gate(const Graph& g, int gate, int x) {
  Gate m;
  int idx = private_producer(g, gate);
  if (idx < 0) return std::nullopt;
  const Node* n = &g.nodes[size_t(idx)];
  if (n->kind == OpKind::Activation) {
    const Activation& act = n->as<ActivationParams>().act;
    if (act.kind == ActKind::HardSigmoid && n->inputs[0] == x &&
        std::fabs(act.alpha - 1.f / 6.f) < 1e-6f && std::fabs(act.beta - 0.5f) < 1e-6f) {
      m.nodes.insert(idx);
      m.scale = 1.f / 6.f;
      m.scaled = true;
      return m;
    }
  }
  if (auto k = sixth_scale(*n)) {  // clip(...) * k
    m.nodes.insert(idx);
    m.scale = *k;
    m.scaled = true;
    idx = private_producer(g, n->inputs[0]);
    if (idx < 0) return std::nullopt;
    n = &g.nodes[size_t(idx)];
  }
  if (n->kind != OpKind::Activation) return std::nullopt;
  const Activation& clip = n->as<ActivationParams>().act;
  if (clip.kind != ActKind::Clip || clip.alpha != 0.f || clip.beta != 6.f) return std::nullopt;
  m.nodes.insert(idx);
  idx = private_producer(g, n->inputs[0]);
  if (idx < 0 || !is_plus_three(g.nodes[size_t(idx)]) || g.nodes[size_t(idx)].inputs[0] != x) {
    return std::nullopt;
  }
  m.nodes.insert(idx);
  return m;
}

struct Match {
  int x = -1;              // HardSwish input
  int output = -1;         // tensor the fused result must write
  int position = -1;       // node index whose place the result takes
  std::set<int> doomed;    // every node of the pattern (position included)
  float scale = 1.f / 6.f; // overall factor on x * clip(x + 3, 0, 6)
};

// Tries every spelling rooted at the Mul node `i`.
std::optional<Match> match_at(const Graph& g, int i) {
  const Node& mul = g.nodes[size_t(i)];
  if (mul.kind != OpKind::Binary || mul.as<BinaryParams>().kind != BinaryKind::Mul) return std::nullopt;
  for (int side = 0; side < 2; ++side) {
    const int gate_t = mul.inputs[size_t(side)];
    int x = mul.inputs[size_t(1 - side)];
    float x_scale = 1.f;  // (x * k) * clip(x + 3, 0, 6): the other operand is pre-scaled x
    std::set<int> pre;
    std::optional<Gate> gate = match_gate(g, gate_t, x);
    if (!gate) {
      const int p = private_producer(g, x);
      if (p < 0) continue;
      const auto k = sixth_scale(g.nodes[size_t(p)]);
      if (!k) continue;
      x = g.nodes[size_t(p)].inputs[0];
      gate = match_gate(g, gate_t, x);
      if (!gate || gate->scaled) continue;
      x_scale = *k;
      pre.insert(p);
    }
    Match m;
    m.x = x;
    m.doomed = gate->nodes;
    m.doomed.insert(pre.begin(), pre.end());
    m.doomed.insert(i);
    if (gate->scaled || !pre.empty()) {
      m.scale = gate->scale * x_scale;
      m.output = mul.output;
      m.position = i;
      return m;
    }
    // x * clip(x + 3, 0, 6), then * k on the product.
    if (!passes::is_private(g, mul.output)) continue;
    const int after = g.consumers(mul.output)[0];
    const auto k = sixth_scale(g.nodes[size_t(after)]);
    if (!k) continue;
    m.scale = *k;
    m.output = g.nodes[size_t(after)].output;
    m.position = after;
    m.doomed.insert(after);
    return m;
  }
  return std::nullopt;
}

void rewrite(Graph& g, const Match& m) {
  const Node& named_after = g.nodes[size_t(m.position)];
  std::vector<Node> replacement;
  Node hs;
  hs.name = named_after.name;
  hs.onnx_op = "HardSwish";
  hs.kind = OpKind::Activation;
  hs.inputs = {m.x};
  hs.params = ActivationParams{Activation{ActKind::HardSwish, 0.f, 0.f}};
  const float correction = 6.f * m.scale;  // result = correction * hardswish(x)
  if (std::fabs(correction - 1.f) <= 1e-7f) {  // 6 * float(1/6) is 1 up to one rounding
    hs.output = m.output;
    replacement.push_back(std::move(hs));
  } else {
    const std::string& out_name = g.tensor(m.output).name;
    hs.output = g.add_tensor(out_name + "/hardswish", g.tensor(m.output).shape);
    Node scale;
    scale.name = named_after.name + "/scale";
    scale.onnx_op = "Mul";
    scale.kind = OpKind::Affine;
    scale.inputs = {hs.output};
    scale.output = m.output;
    const size_t c = size_t(std::max(g.tensor(m.x).shape.c, 1));
    scale.params = AffineParams{std::vector<float>(c, correction), std::vector<float>(c, 0.f), {}};
    replacement.push_back(std::move(hs));
    replacement.push_back(std::move(scale));
  }
  std::vector<Node> nodes;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (int(i) == m.position) {
      for (Node& r : replacement) nodes.push_back(std::move(r));
    } else if (!m.doomed.count(int(i))) {
      nodes.push_back(std::move(g.nodes[i]));
    }
  }
  g.nodes = std::move(nodes);
}

}  // namespace

int fuse_hardswish(Graph& graph) {
  int fused = 0;
  // One rewrite at a time (a rewrite changes indices); graphs have a few hundred nodes.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (auto m = match_at(graph, int(i))) {
        rewrite(graph, *m);
        ++fused;
        changed = true;
        break;
      }
    }
  }
  return fused;
}

}  // namespace dcnn::ir
