#include "tests/exec/networks.h"

#include "tests/exec/graph_builder.h"

namespace dcnn::test {

using ir::ActKind;

namespace {
const ir::Activation kRelu6 = GraphBuilder::act(ActKind::Clip, 0.f, 6.f);
const ir::Activation kRelu = GraphBuilder::act(ActKind::Relu);
}  // namespace

ir::Graph mobilenet_v2_block(int h, int w, uint32_t seed) {
  GraphBuilder b(h, w, seed);
  int x = b.conv(b.input(), 8, 3, 2, 1, kRelu6);
  int e = b.conv(x, 24, 1, 1, 1, kRelu6);
  int d = b.conv(e, 24, 3, 1, 24, kRelu6);
  int p = b.conv(d, 8, 1);
  int r = b.add(x, p);
  int e2 = b.conv(r, 32, 1, 1, 1, kRelu6);
  int d2 = b.conv(e2, 32, 3, 2, 32, kRelu6);
  int p2 = b.conv(d2, 16, 1);
  int head = b.conv(p2, 5, 1);
  return b.finish({head});
}

ir::Graph squeeze_excite_block(int h, int w, uint32_t seed) {
  GraphBuilder b(h, w, seed);
  int x = b.conv(b.input(), 16, 3, 2, 1, GraphBuilder::act(ActKind::HardSwish));
  int g = b.global_pool(x);
  int s = b.conv(g, 8, 1, 1, 1, kRelu);
  int gate = b.conv(s, 16, 1, 1, 1, GraphBuilder::act(ActKind::HardSigmoid, 1.f / 6.f, 0.5f));
  int y = b.binary(x, gate, ir::BinaryKind::Mul);
  int head = b.conv(y, 4, 3, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
  return b.finish({head});
}

ir::Graph fpn_upsample_add(int h, int w, uint32_t seed) {
  GraphBuilder b(h, w, seed);
  int c1 = b.conv(b.input(), 8, 3, 2, 1, kRelu);
  int c2 = b.conv(c1, 16, 3, 2, 1, kRelu);
  int c3 = b.conv(c2, 16, 3, 2, 1, kRelu);
  Shape s2 = b.shape(c2), s1 = b.shape(c1);
  int up3 = b.resize(c3, s2.h, s2.w, ir::ResizeMode::Nearest, ir::CoordMode::Asymmetric,
                     ir::NearestRound::Floor, 2.f);
  int p2 = b.add(up3, b.conv(c2, 16, 1), 1.f, 1.f, kRelu);
  int up2 = b.resize(p2, s1.h, s1.w, ir::ResizeMode::Linear, ir::CoordMode::HalfPixel);
  int p1 = b.add(up2, b.conv(c1, 16, 1));
  int head_a = b.conv(p1, 3, 3, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
  int head_b = b.conv(p1, 2, 1);
  return b.finish({head_a, head_b});
}

ir::Graph deconv_decoder(int h, int w, uint32_t seed) {
  GraphBuilder b(h, w, seed);
  int c1 = b.conv(b.input(), 8, 3, 2, 1, kRelu);
  int c2 = b.conv(c1, 16, 3, 2, 1, kRelu);
  int up = b.conv_transpose(c2, 8, 4, 2, 1, kRelu);
  int p1 = b.add(up, b.conv(c1, 8, 1));
  int head = b.conv(b.conv_transpose(p1, 4, 2, 2, 0), 3, 3, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
  return b.finish({head});
}

ir::Graph fpn_with_heads(int h, int w, uint32_t seed) {
  GraphBuilder b(h, w, seed);
  int c1 = b.conv(b.input(), 16, 3, 2, 1, kRelu);
  int c1b = b.conv(c1, 16, 3, 1, 1, kRelu);
  int c2 = b.conv(c1b, 32, 3, 2, 1, kRelu);
  int c3 = b.conv(c2, 32, 3, 2, 1, kRelu);
  Shape s2 = b.shape(c2), s1 = b.shape(c1);
  int p2 = b.add(b.resize(c3, s2.h, s2.w, ir::ResizeMode::Nearest, ir::CoordMode::Asymmetric,
                          ir::NearestRound::Floor, 2.f),
                 c2, 1.f, 1.f, kRelu);
  int p1 = b.add(b.resize(b.conv(p2, 16, 1), s1.h, s1.w, ir::ResizeMode::Linear,
                          ir::CoordMode::HalfPixel),
                 c1b);
  // Shared depthwise + pointwise, then two heads (1x1 ReLU, 1x1 out), as in MoveNet.
  int feat = b.conv(b.conv(p1, 16, 3, 1, 16, kRelu), 16, 1, 1, 1, kRelu);
  int head_a = b.conv(b.conv(feat, 12, 1, 1, 1, kRelu), 2, 1);
  int head_b = b.conv(b.conv(feat, 12, 1, 1, 1, kRelu), 3, 1, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
  return b.finish({head_a, head_b});
}

// MoveNet's heads: a shared feature map, then per head a linear depthwise 3x3, a 1x1 with ReLU
// and a 1x1 out (the chain kernels/cpu/pointwise_pair.h runs without holding either inner
// tensor), one head at stride 2 of the map.
ir::Graph separable_heads(int h, int w, uint32_t seed) {
  GraphBuilder b(h, w, seed);
  int feat = b.conv(b.conv(b.input(), 12, 3, 1, 1, kRelu), 12, 3, 2, 1, kRelu);
  auto head = [&](int cout, int stride) {
    return b.conv(b.conv(b.conv(feat, 12, 3, stride, 12), 24, 1, 1, 1, kRelu), cout, 1);
  };
  return b.finish({head(2, 1), head(5, 1), head(3, 2)});
}

ir::Graph concat_branches(int h, int w, uint32_t seed) {
  GraphBuilder b(h, w, seed);
  int x = b.conv(b.input(), 8, 3, 2, 1, kRelu);
  int a = b.conv(x, 8, 3, 1, 1);  // linear: the concat's activation (CenterNet's head) acts on it
  int m = b.conv(b.pool(x, ir::PoolKind::Max, 3, 1, 1), 6, 1, 1, 1, kRelu);
  int c = b.concat({a, m, x}, GraphBuilder::act(ActKind::LeakyRelu, 0.1f));
  int head = b.conv(c, 3, 3, 1, 1, GraphBuilder::act(ActKind::Sigmoid));
  return b.finish({head});
}

}  // namespace dcnn::test
