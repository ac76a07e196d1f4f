// Graph passes: BatchNorm folding (checked numerically against a direct conv + BN evaluation),
// HardSwish fusion in every exporter spelling, activation fusion, dead-node removal.
#include <cmath>

#include <gtest/gtest.h>

#include "engine/ir/passes.h"
#include "tests/ir/ir_test_util.h"

namespace dcnn::test {
namespace {

using ir::OpKind;

// Direct NHWC evaluation of one Conv node (the test's own reference, independent of kernels/).
std::vector<float> reference_conv(const ir::ConvParams& p, const std::vector<float>& in, Shape s,
                                  Shape o) {
  std::vector<float> out(size_t(o.size()), 0.f);
  const int cin_g = p.cin / p.groups, cout_g = p.cout / p.groups;
  for (int y = 0; y < o.h; ++y)
    for (int x = 0; x < o.w; ++x)
      for (int co = 0; co < p.cout; ++co) {
        const int g = co / cout_g;
        double acc = p.bias[size_t(co)];
        for (int ky = 0; ky < p.kh; ++ky)
          for (int kx = 0; kx < p.kw; ++kx) {
            const int iy = y * p.stride_h - p.pad_top + ky * p.dil_h;
            const int ix = x * p.stride_w - p.pad_left + kx * p.dil_w;
            if (iy < 0 || ix < 0 || iy >= s.h || ix >= s.w) continue;
            for (int ci = 0; ci < cin_g; ++ci) {
              const float w = p.weights[size_t(((co * cin_g + ci) * p.kh + ky) * p.kw + kx)];
              acc += double(w) * in[size_t((iy * s.w + ix) * s.c + g * cin_g + ci)];
            }
          }
        out[size_t((y * o.w + x) * o.c + co)] = float(acc);
      }
  return out;
}

OnnxBuilder conv_bn(int groups, bool second_consumer) {
  OnnxBuilder b;
  Rng rng(11);
  const int c = 4, cout = 6;
  b.input("x", {1, c, 7, 9});
  b.initializer("w", {cout, c / groups, 3, 3}, rng.uniform(size_t(cout * (c / groups) * 9)));
  b.initializer("b", {cout}, rng.uniform(cout));
  b.node("Conv", {"x", "w", "b"}, {"c"}, "conv").ints("pads", {1, 0, 1, 2}).i("group", groups);
  b.initializer("s", {cout}, rng.uniform(cout, 0.5f, 2.f));
  b.initializer("bb", {cout}, rng.uniform(cout));
  b.initializer("m", {cout}, rng.uniform(cout));
  b.initializer("v", {cout}, rng.uniform(cout, 0.1f, 3.f));
  b.node("BatchNormalization", {"c", "s", "bb", "m", "v"}, {"bn"}, "bn");
  b.node("Relu", {"bn"}, {"y"}, "relu");
  b.output("y");
  if (second_consumer) {
    b.node("Sigmoid", {"c"}, {"side"});
    b.output("side");
  }
  return b;
}

TEST(FoldAffine, BatchNormFoldsIntoConvNumerically) {
  for (int groups : {1, 2}) {
    const ir::Graph before = import_model(conv_bn(groups, false));
    ir::Graph after = before;
    ir::run_default_passes(after);
    ASSERT_EQ(after.nodes.size(), 1u);
    const auto& folded = after.nodes[0].as<ir::ConvParams>();
    EXPECT_EQ(folded.act.kind, ir::ActKind::Relu);  // the ReLU is fused too
    EXPECT_EQ(after.tensor(after.outputs[0]).name, "y");

    const Shape s = before.tensor(before.input).shape;
    const Shape o = before.tensor(before.nodes[0].output).shape;
    const std::vector<float> in = Rng(3).uniform(size_t(s.size()));
    const std::vector<float> raw = reference_conv(before.nodes[0].as<ir::ConvParams>(), in, s, o);
    const auto& bn = before.nodes[1].as<ir::AffineParams>();
    const std::vector<float> got = reference_conv(folded, in, s, o);
    for (size_t i = 0; i < raw.size(); ++i) {
      const size_t ch = i % size_t(o.c);
      const float want = raw[i] * bn.scale[ch] + bn.shift[ch];
      ASSERT_NEAR(got[i], want, 1e-5f * std::max(1.f, std::fabs(want))) << "groups " << groups;
    }
  }
}

TEST(FoldAffine, NotFoldedWhenConvOutputHasAnotherConsumer) {
  ir::Graph g = import_model(conv_bn(1, true));
  ir::run_default_passes(g);
  EXPECT_EQ(nodes_of(g, OpKind::Affine).size(), 1u);
  EXPECT_EQ(nodes_of(g, OpKind::Conv).size(), 1u);
  EXPECT_TRUE(nodes_of(g, OpKind::Conv)[0]->as<ir::ConvParams>().act.is_none());
  EXPECT_EQ(nodes_of(g, OpKind::Affine)[0]->as<ir::AffineParams>().act.kind, ir::ActKind::Relu);
}

TEST(FoldAffine, ConstantMulAddAndConvTransposeLayout) {
  OnnxBuilder b;
  Rng rng(2);
  b.input("x", {1, 4, 5, 5});
  // ConvTranspose weights [cin=4][cout/groups=3][2][2], groups 2 -> cout 6.
  b.initializer("w", {4, 3, 2, 2}, rng.uniform(48));
  b.node("ConvTranspose", {"x", "w"}, {"t"}).ints("strides", {2, 2}).i("group", 2);
  b.initializer("k", {1, 6, 1, 1}, {1.f, 2.f, 3.f, 4.f, 5.f, 6.f});
  b.node("Mul", {"t", "k"}, {"m"});
  b.initializer("sh", {}, {0.5f});
  b.node("Add", {"m", "sh"}, {"y"});
  b.output("y");
  ir::Graph g = import_model(b);
  const std::vector<float> w0 = g.nodes[0].as<ir::ConvTransposeParams>().weights;
  ir::run_default_passes(g);
  // Mul folds into the ConvTranspose; the Add then is an Affine behind a conv that already
  // carries the first fold -- it folds too (no activation in between).
  ASSERT_EQ(g.nodes.size(), 1u);
  const auto& p = g.nodes[0].as<ir::ConvTransposeParams>();
  for (int ci = 0; ci < 4; ++ci)
    for (int j = 0; j < 3; ++j)
      for (int t = 0; t < 4; ++t) {
        const int co = (ci / 2) * 3 + j;
        const size_t idx = size_t((ci * 3 + j) * 4 + t);
        EXPECT_FLOAT_EQ(p.weights[idx], w0[idx] * float(co + 1));
      }
  EXPECT_EQ(p.bias, std::vector<float>(6, 0.5f));
}

// x = Conv(input); then the HardSwish spelling `form` on x; then a 1x1 conv head.
OnnxBuilder hardswish_model(int form) {
  OnnxBuilder b(form == 3 ? 13 : 6);  // Clip attribute form (opset 6) as OpenCV wants it
  Rng rng(4);
  b.input("in", {1, 3, 6, 6});
  b.initializer("w", {5, 3, 3, 3}, rng.uniform(135));
  b.node("Conv", {"in", "w"}, {"x"}, "conv");
  b.initializer("three", {}, {3.f});
  b.initializer("six", {}, {6.f});
  b.initializer("sixth", {}, {1.f / 6.f});
  if (form == 3) {
    b.node("HardSigmoid", {"x"}, {"g"}).f("alpha", 1.f / 6.f).f("beta", 0.5f);
    b.node("Mul", {"x", "g"}, {"hs"}, "hs_mul");
  } else {
    b.node("Add", {"x", "three"}, {"x3"});
    b.node("Clip", {"x3"}, {"r6"}).f("min", 0.f).f("max", 6.f);
    if (form == 0) {  // x * clip(x+3, 0, 6) * (1/6)
      b.node("Mul", {"x", "r6"}, {"p"}, "hs_mul");
      b.node("Mul", {"p", "sixth"}, {"hs"});
    } else if (form == 1) {  // clip(x+3, 0, 6) * x / 6
      b.node("Mul", {"r6", "x"}, {"p"}, "hs_mul");
      b.node("Div", {"p", "six"}, {"hs"});
    } else {  // x * (clip(x+3, 0, 6) / 6)
      b.node("Div", {"r6", "six"}, {"gate"});
      b.node("Mul", {"x", "gate"}, {"hs"}, "hs_mul");
    }
  }
  b.initializer("w2", {2, 5, 1, 1}, rng.uniform(10));
  b.node("Conv", {"hs", "w2"}, {"y"}, "head");
  b.output("y");
  return b;
}

TEST(FuseHardSwish, EverySpellingBecomesOneActivationFusedIntoTheConv) {
  for (int form = 0; form < 4; ++form) {
    ir::Graph g = import_model(hardswish_model(form));
    EXPECT_EQ(ir::fuse_hardswish(g), 1) << "form " << form;
    ASSERT_EQ(nodes_of(g, OpKind::Activation).size(), 1u) << "form " << form;
    EXPECT_EQ(nodes_of(g, OpKind::Activation)[0]->as<ir::ActivationParams>().act.kind,
              ir::ActKind::HardSwish);
    EXPECT_TRUE(nodes_of(g, OpKind::Binary).empty());
    EXPECT_TRUE(nodes_of(g, OpKind::Affine).empty());
    ir::run_default_passes(g);
    ASSERT_EQ(g.nodes.size(), 2u) << "form " << form;
    EXPECT_EQ(g.nodes[0].as<ir::ConvParams>().act.kind, ir::ActKind::HardSwish);
    EXPECT_EQ(g.tensor(g.nodes[1].inputs[0]).shape, (Shape{4, 4, 5}));
  }
}

TEST(FuseHardSwish, LookalikesAreLeftAlone) {
  OnnxBuilder b = hardswish_model(0);
  // clip(x + 3, 0, 5): not HardSwish.
  for (auto& n : *b.proto().mutable_graph()->mutable_node()) {
    if (n.op_type() == "Clip") n.mutable_attribute(1)->set_f(5.f);
  }
  ir::Graph g = import_model(b);
  EXPECT_EQ(ir::fuse_hardswish(g), 0);
  EXPECT_EQ(nodes_of(g, OpKind::Binary).size(), 1u);
  // The gate also feeding a graph output must survive.
  OnnxBuilder b2 = hardswish_model(2);
  b2.output("gate");
  ir::Graph g2 = import_model(b2);
  EXPECT_EQ(ir::fuse_hardswish(g2), 0);
}

TEST(FuseActivations, IntoConvAffineAddConcatButNotIntoPoolOrSharedOutputs) {
  OnnxBuilder b;
  Rng rng(9);
  b.input("x", {1, 3, 5, 5});
  b.initializer("w", {3, 3, 1, 1}, rng.uniform(9));
  b.node("Conv", {"x", "w"}, {"c"});
  b.node("LeakyRelu", {"c"}, {"cl"}).f("alpha", 0.2f);
  b.node("Add", {"cl", "x"}, {"a"});
  b.node("Sigmoid", {"a"}, {"as"});
  b.node("Concat", {"as", "x"}, {"cat"}).i("axis", 1);
  b.node("Relu", {"cat"}, {"y"});
  b.node("MaxPool", {"y"}, {"p"}).ints("kernel_shape", {1, 1});
  b.node("Relu", {"p"}, {"z"});
  b.output("z");
  b.output("as");  // the Sigmoid's output is a head; the Add behind it still takes the Sigmoid
  ir::Graph g = import_model(b);
  ir::run_default_passes(g);
  ASSERT_EQ(g.nodes.size(), 5u);  // conv(+leaky), add(+sigmoid), concat(+relu), pool, relu
  EXPECT_EQ(g.nodes[0].as<ir::ConvParams>().act.kind, ir::ActKind::LeakyRelu);
  EXPECT_FLOAT_EQ(g.nodes[0].as<ir::ConvParams>().act.alpha, 0.2f);
  EXPECT_EQ(g.nodes[1].as<ir::AddParams>().act.kind, ir::ActKind::Sigmoid);
  EXPECT_EQ(g.tensor(g.nodes[1].output).name, "as");
  EXPECT_EQ(g.nodes[2].as<ir::ConcatParams>().act.kind, ir::ActKind::Relu);
  EXPECT_EQ(g.tensor(g.nodes[2].output).name, "y");
  EXPECT_EQ(g.nodes[3].kind, OpKind::Pool);
  EXPECT_EQ(g.nodes[4].kind, OpKind::Activation);
}

TEST(FuseActivations, ProducerOutputThatIsAGraphOutputStaysSeparate) {
  OnnxBuilder b;
  b.input("x", {1, 3, 5, 5});
  b.initializer("w", {3, 3, 1, 1}, Rng(1).uniform(9));
  b.node("Conv", {"x", "w"}, {"c"});
  b.node("Relu", {"c"}, {"y"});
  b.output("y");
  b.output("c");
  ir::Graph g = import_model(b);
  ir::run_default_passes(g);
  EXPECT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.outputs.size(), 2u);
}

TEST(RemoveDead, UnusedBranchesAndOrphanTensorsGo) {
  OnnxBuilder b;
  b.input("x", {1, 3, 5, 5});
  b.node("Relu", {"x"}, {"r"});
  b.node("Sigmoid", {"r"}, {"dead1"});
  b.node("MaxPool", {"dead1"}, {"dead2"}).ints("kernel_shape", {2, 2});
  b.node("HardSigmoid", {"r"}, {"y"});
  b.output("y");
  ir::Graph g = import_model(b);
  EXPECT_EQ(g.nodes.size(), 4u);
  EXPECT_EQ(ir::remove_dead_nodes(g), 2);
  EXPECT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.tensors.size(), 3u);  // x, r, y
  EXPECT_EQ(g.tensor(g.input).name, "x");
  EXPECT_EQ(g.tensor(g.outputs[0]).name, "y");
  EXPECT_NO_THROW(g.validate());
}

TEST(FoldScaleIntoConsumers, ScaleMovesIntoEveryFollowingConvNumerically) {
  OnnxBuilder b;
  Rng rng(13);
  b.input("x", {1, 4, 6, 7});
  b.initializer("k", {1, 4, 1, 1}, {0.5f, 2.f, -1.5f, 3.f});
  b.node("Mul", {"x", "k"}, {"xs"});
  b.initializer("w1", {6, 2, 3, 3}, rng.uniform(108));
  b.node("Conv", {"xs", "w1"}, {"y1"}, "grouped").i("group", 2).ints("pads", {1, 1, 1, 1});
  b.initializer("w2", {4, 3, 2, 2}, rng.uniform(48));
  b.node("ConvTranspose", {"xs", "w2"}, {"y2"}, "up").ints("strides", {2, 2});
  b.output("y1");
  b.output("y2");
  const ir::Graph before = import_model(b);
  ir::Graph after = before;
  EXPECT_EQ(ir::fold_scale_into_consumers(after), 1);
  ASSERT_EQ(after.nodes.size(), 2u);
  EXPECT_EQ(after.nodes[0].inputs[0], after.input);
  EXPECT_EQ(after.nodes[1].inputs[0], after.input);
  EXPECT_NO_THROW(after.validate());
  // Grouped conv: scaled input through the original weights == raw input through folded ones.
  const Shape s = before.tensor(before.input).shape;
  const Shape o = before.tensor(before.nodes[1].output).shape;
  const std::vector<float> in = Rng(4).uniform(size_t(s.size()));
  std::vector<float> scaled = in;
  const float k[4] = {0.5f, 2.f, -1.5f, 3.f};
  for (size_t i = 0; i < scaled.size(); ++i) scaled[i] *= k[i % 4];
  const auto want = reference_conv(before.nodes[1].as<ir::ConvParams>(), scaled, s, o);
  const auto got = reference_conv(after.nodes[0].as<ir::ConvParams>(), in, s, o);
  for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-5f);
  // ConvTranspose: row ci of [cin][cout][kh][kw] scaled by k[ci].
  const auto& w0 = before.nodes[2].as<ir::ConvTransposeParams>().weights;
  const auto& w1 = after.nodes[1].as<ir::ConvTransposeParams>().weights;
  for (size_t i = 0; i < w0.size(); ++i) EXPECT_FLOAT_EQ(w1[i], w0[i] * k[i / 12]);
}

TEST(FoldScaleIntoConsumers, StaysWhenAShiftOrANonConvConsumerOrAHeadIsInvolved) {
  for (int variant = 0; variant < 3; ++variant) {
    OnnxBuilder b;
    b.input("x", {1, 2, 5, 5});
    b.initializer("k", {}, {2.f});
    b.node(variant == 0 ? "Add" : "Mul", {"x", "k"}, {"xs"});
    b.initializer("w", {2, 2, 1, 1}, Rng(1).uniform(4));
    b.node("Conv", {"xs", "w"}, {"y"});
    if (variant == 1) {
      b.node("Relu", {"xs"}, {"r"});
      b.output("r");
    }
    if (variant == 2) b.output("xs");
    b.output("y");
    ir::Graph g = import_model(b);
    EXPECT_EQ(ir::fold_scale_into_consumers(g), 0) << "variant " << variant;
  }
}

TEST(FoldAffine, PositiveScaleFoldsThroughReluAndUniformClipOnly) {
  struct Case { const char* act; std::vector<float> k; bool folds; };
  const Case cases[] = {
      {"Relu", {0.5f, 2.f, 3.f}, true},
      {"LeakyRelu", {0.5f, 2.f, 3.f}, true},
      {"Clip", {0.25f, 0.25f, 0.25f}, true},
      {"Clip", {0.25f, 0.5f, 0.25f}, false},   // per-channel bounds do not exist
      {"Relu", {0.5f, -2.f, 3.f}, false},      // negative scale flips the ReLU
      {"Sigmoid", {0.5f, 2.f, 3.f}, false},    // not positively homogeneous
  };
  for (const auto& c : cases) {
    OnnxBuilder b(6);
    b.input("x", {1, 3, 5, 5});
    b.initializer("w", {3, 3, 3, 3}, Rng(2).uniform(81));
    b.initializer("bias", {3}, {0.1f, -0.2f, 0.3f});
    b.node("Conv", {"x", "w", "bias"}, {"c"}, "conv").ints("pads", {1, 1, 1, 1});
    NodeRef act = b.node(c.act, {"c"}, {"a"});
    if (std::string(c.act) == "Clip") act.f("min", 0.f).f("max", 6.f);
    b.initializer("k", {1, 3, 1, 1}, c.k);
    b.node("Mul", {"a", "k"}, {"y"});
    b.output("y");
    ir::Graph g = import_model(b);
    ir::run_default_passes(g);
    EXPECT_EQ(g.nodes.size(), c.folds ? 1u : 2u) << c.act << " " << c.k[1];
    if (c.folds) {
      const auto& p = g.nodes[0].as<ir::ConvParams>();
      EXPECT_FLOAT_EQ(p.bias[1], (c.act == std::string("Clip") ? 0.25f : 2.f) * -0.2f);
      if (std::string(c.act) == "Clip") {
        EXPECT_FLOAT_EQ(p.act.beta, 1.5f);
      }
    }
  }
}

TEST(FuseHardSwish, Fp16SixthKeepsAnExactCorrectionScale) {
  OnnxBuilder b(6);
  b.input("x", {1, 3, 5, 5});
  b.initializer("k", {}, {0.16662598f});
  b.initializer("three", {}, {3.f});
  b.node("Mul", {"k", "x"}, {"xk"});
  b.node("Add", {"x", "three"}, {"x3"});
  b.node("Clip", {"x3"}, {"r6"}).f("min", 0.f).f("max", 6.f);
  b.node("Mul", {"xk", "r6"}, {"y"}, "hs");
  b.output("y");
  ir::Graph g = import_model(b);
  EXPECT_EQ(ir::fuse_hardswish(g), 1);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].as<ir::ActivationParams>().act.kind, ir::ActKind::HardSwish);
  EXPECT_EQ(g.nodes[0].inputs[0], g.input);
  EXPECT_FLOAT_EQ(g.nodes[1].as<ir::AffineParams>().scale[2], 6.f * 0.16662598f);
  EXPECT_EQ(g.tensor(g.nodes[1].output).name, "y");
  EXPECT_NO_THROW(g.validate());
  // 0.2 is not "1/6": left alone.
  b.proto().mutable_graph()->mutable_initializer(0)->set_raw_data(std::string("\xcd\xcc\x4c\x3e", 4));
  ir::Graph g2 = import_model(b);
  EXPECT_EQ(ir::fuse_hardswish(g2), 0);
}

TEST(MergeAffineChains, TwoStepNormalisationBecomesOneAffineWithTheSameValues) {
  // MoveNet's input: x / 127.5 - 1, then a per-channel Mul + Add (a BatchNorm-like pair).
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 5});
  b.initializer("d", {}, {127.5f});
  b.node("Div", {"x", "d"}, {"xd"});
  b.initializer("one", {}, {1.f});
  b.node("Sub", {"xd", "one"}, {"xn"});
  b.initializer("k", {1, 3, 1, 1}, {2.f, -0.5f, 4.f});
  b.node("Mul", {"xn", "k"}, {"xk"});
  b.initializer("t", {1, 3, 1, 1}, {0.25f, 1.f, -3.f});
  b.node("Add", {"xk", "t"}, {"y"});
  b.output("y");
  ir::Graph g = import_model(b);
  ASSERT_EQ(g.nodes.size(), 4u);
  EXPECT_EQ(ir::merge_affine_chains(g), 3);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].inputs[0], g.input);
  EXPECT_EQ(g.nodes[0].output, g.outputs[0]);
  EXPECT_NO_THROW(g.validate());
  const auto& a = g.nodes[0].as<ir::AffineParams>();
  const float k[3] = {2.f, -0.5f, 4.f}, t[3] = {0.25f, 1.f, -3.f};
  for (float x : {0.f, 1.f, 37.f, 128.f, 255.f})
    for (size_t c = 0; c < 3; ++c) {
      const float want = (x / 127.5f - 1.f) * k[c] + t[c];
      EXPECT_NEAR(a.scale[c] * x + a.shift[c], want, 1e-5f) << "x " << x << " channel " << c;
    }
}

TEST(MergeAffineChains, StaysWhenTheFirstHasAnActivationOrAnotherReader) {
  for (int variant = 0; variant < 2; ++variant) {
    OnnxBuilder b;
    b.input("x", {1, 2, 5, 5});
    b.initializer("k", {}, {2.f});
    b.node("Mul", {"x", "k"}, {"xs"});
    std::string first = "xs";
    if (variant == 0) {
      b.node("Relu", {"xs"}, {"xr"});
      first = "xr";
    }
    b.initializer("t", {}, {1.f});
    b.node("Add", {first, "t"}, {"y"});
    if (variant == 1) b.output("xs");
    b.output("y");
    ir::Graph g = import_model(b);
    ir::fuse_activations(g);  // Relu into the Mul's Affine
    EXPECT_EQ(ir::merge_affine_chains(g), 0) << "variant " << variant;
  }
}

// MoveNet's x / 127.5 - 1 before its first conv: after the default passes one Affine reads the
// input, and take_input_affine hands it to the pre-processing.
ir::Graph normalised_input_conv(bool relu, bool second_reader, bool affine_is_output) {
  OnnxBuilder b;
  b.input("x", {1, 3, 6, 7});
  b.initializer("d", {}, {127.5f});
  b.node("Div", {"x", "d"}, {"xd"});
  b.initializer("one", {1, 3, 1, 1}, {1.f, 0.5f, -2.f});
  b.node("Sub", {"xd", "one"}, {"xn"});
  std::string conv_in = "xn";
  if (relu) {
    b.node("Relu", {"xn"}, {"xr"});
    conv_in = "xr";
  }
  Rng rng(7);
  b.initializer("w", {4, 3, 3, 3}, rng.uniform(4 * 3 * 9));
  b.node("Conv", {conv_in, "w"}, {"y"}, "conv").ints("pads", {1, 1, 1, 1});
  b.output("y");
  if (second_reader) {
    b.initializer("k", {}, {2.f});
    b.node("Mul", {"x", "k"}, {"x2"});
    b.output("x2");
  }
  if (affine_is_output) b.output("xn");
  ir::Graph g = import_model(b);
  ir::run_default_passes(g);
  return g;
}

TEST(TakeInputAffine, TheInputNormalisationLeavesTheGraph) {
  ir::Graph g = normalised_input_conv(false, false, false);
  ASSERT_EQ(g.nodes.size(), 2u);
  ASSERT_EQ(g.nodes[0].kind, ir::OpKind::Affine);
  ir::InputAffine taken;
  ASSERT_TRUE(ir::take_input_affine(g, taken));
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].kind, ir::OpKind::Conv);
  EXPECT_EQ(g.nodes[0].inputs[0], g.input);
  EXPECT_NO_THROW(g.validate());
  const float shift[3] = {-1.f, -0.5f, 2.f};
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(taken.scale[c], 1.f / 127.5f, 1e-9f) << "channel " << c;
    EXPECT_NEAR(taken.shift[c], shift[c], 1e-6f) << "channel " << c;
  }
}

TEST(TakeInputAffine, StaysWhenItIsNotThePlainNormalisation) {
  const struct {
    bool relu, second_reader, affine_is_output;
    const char* what;
  } cases[] = {{true, false, false, "an activation on the Affine"},
               {false, true, false, "a second reader of the input"},
               {false, false, true, "the Affine's output is a graph output"}};
  for (const auto& c : cases) {
    ir::Graph g = normalised_input_conv(c.relu, c.second_reader, c.affine_is_output);
    const size_t nodes = g.nodes.size();
    ir::InputAffine taken;
    EXPECT_FALSE(ir::take_input_affine(g, taken)) << c.what;
    EXPECT_EQ(g.nodes.size(), nodes) << c.what;
  }
}

}  // namespace
}  // namespace dcnn::test
