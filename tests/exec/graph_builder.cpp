#include "tests/exec/graph_builder.h"

#include <cmath>

namespace dcnn::test {

GraphBuilder::GraphBuilder(int h, int w, uint32_t seed) : rng_(seed) {
  graph_.source = "test-graph";
  graph_.input = add_tensor({h, w, 3});
}

int GraphBuilder::add_tensor(Shape s) {
  ir::Tensor t;
  t.name = "t" + std::to_string(graph_.tensors.size());
  t.shape = s;
  graph_.tensors.push_back(t);
  return int(graph_.tensors.size()) - 1;
}

int GraphBuilder::add_node(ir::OpKind kind, const std::string& op, std::vector<int> inputs,
                           Shape out, ir::NodeParams params) {
  ir::Node n{};
  n.kind = kind;
  n.onnx_op = op;
  n.name = op + "_" + std::to_string(graph_.nodes.size());
  n.inputs = std::move(inputs);
  n.output = add_tensor(out);
  n.params = std::move(params);
  graph_.nodes.push_back(std::move(n));
  return graph_.nodes.back().output;
}

std::vector<float> GraphBuilder::random(size_t n, float scale) {
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng_) * scale;
  return v;
}

int GraphBuilder::conv(int in, int cout, int k, int stride, int groups, ir::Activation act,
                       int dilation) {
  const Shape s = shape(in);
  ir::ConvParams p;
  p.kh = p.kw = k;
  p.stride_h = p.stride_w = stride;
  p.dil_h = p.dil_w = dilation;
  const int pad = dilation * (k - 1) / 2;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  p.groups = groups;
  p.cin = s.c;
  p.cout = cout;
  const int fan_in = (s.c / groups) * k * k;
  p.weights = random(size_t(cout) * size_t(s.c / groups) * k * k, std::sqrt(3.f / float(fan_in)));
  p.bias = random(size_t(cout), 0.2f);
  p.act = act;
  Shape o{(s.h + 2 * pad - dilation * (k - 1) - 1) / stride + 1,
          (s.w + 2 * pad - dilation * (k - 1) - 1) / stride + 1, cout};
  return add_node(ir::OpKind::Conv, "Conv", {in}, o, p);
}

int GraphBuilder::conv_transpose(int in, int cout, int k, int stride, int pad, ir::Activation act) {
  const Shape s = shape(in);
  ir::ConvTransposeParams p;
  p.kh = p.kw = k;
  p.stride_h = p.stride_w = stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  p.cin = s.c;
  p.cout = cout;
  p.weights = random(size_t(s.c) * cout * k * k, std::sqrt(3.f / float(s.c * k * k / (stride * stride))));
  p.bias = random(size_t(cout), 0.2f);
  p.act = act;
  Shape o{(s.h - 1) * stride - 2 * pad + k, (s.w - 1) * stride - 2 * pad + k, cout};
  return add_node(ir::OpKind::ConvTranspose, "ConvTranspose", {in}, o, p);
}

int GraphBuilder::activation(int in, ir::Activation act) {
  return add_node(ir::OpKind::Activation, "Act", {in}, shape(in), ir::ActivationParams{act});
}

int GraphBuilder::affine(int in, ir::Activation act) {
  ir::AffineParams p;
  const int c = shape(in).c;
  p.scale = random(size_t(c), 1.f);
  for (auto& x : p.scale) x += (x >= 0.f ? 0.5f : -0.5f);
  p.shift = random(size_t(c), 0.5f);
  p.act = act;
  return add_node(ir::OpKind::Affine, "Affine", {in}, shape(in), p);
}

int GraphBuilder::add(int a, int b, float ca, float cb, ir::Activation act) {
  ir::AddParams p;
  p.coef_a = ca;
  p.coef_b = cb;
  p.act = act;
  Shape o = shape(a).pixels() >= shape(b).pixels() ? shape(a) : shape(b);
  return add_node(ir::OpKind::Add, "Add", {a, b}, o, p);
}

int GraphBuilder::binary(int a, int b, ir::BinaryKind kind) {
  Shape sa = shape(a), sb = shape(b);
  Shape o{std::max(sa.h, sb.h), std::max(sa.w, sb.w), std::max(sa.c, sb.c)};
  return add_node(ir::OpKind::Binary, kind == ir::BinaryKind::Mul ? "Mul" : "Div", {a, b}, o,
                  ir::BinaryParams{kind});
}

int GraphBuilder::concat(const std::vector<int>& ins, ir::Activation act) {
  Shape o = shape(ins.at(0));
  o.c = 0;
  for (int t : ins) o.c += shape(t).c;
  return add_node(ir::OpKind::Concat, "Concat", ins, o, ir::ConcatParams{act});
}

int GraphBuilder::pool(int in, ir::PoolKind kind, int k, int stride, int pad, bool count_include_pad) {
  const Shape s = shape(in);
  ir::PoolParams p;
  p.kind = kind;
  p.kh = p.kw = k;
  p.stride_h = p.stride_w = stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  p.count_include_pad = count_include_pad;
  Shape o{(s.h + 2 * pad - k) / stride + 1, (s.w + 2 * pad - k) / stride + 1, s.c};
  return add_node(ir::OpKind::Pool, kind == ir::PoolKind::Max ? "MaxPool" : "AveragePool", {in}, o, p);
}

int GraphBuilder::global_pool(int in) {
  return add_node(ir::OpKind::GlobalPool, "GlobalAveragePool", {in}, {1, 1, shape(in).c},
                  ir::GlobalPoolParams{});
}

int GraphBuilder::resize(int in, int out_h, int out_w, ir::ResizeMode mode, ir::CoordMode coord,
                         ir::NearestRound round, float scale) {
  ir::ResizeParams p;
  p.mode = mode;
  p.coord = coord;
  p.nearest = round;
  p.out_h = out_h;
  p.out_w = out_w;
  p.scale_h = p.scale_w = scale;
  return add_node(ir::OpKind::Resize, "Resize", {in}, {out_h, out_w, shape(in).c}, p);
}

ir::Graph GraphBuilder::finish(const std::vector<int>& outputs) {
  graph_.outputs = outputs;
  return graph_;
}

}  // namespace dcnn::test
