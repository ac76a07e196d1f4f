// ONNX -> IR translation of every supported op and attribute form: parameters, layouts and
// output shapes (NCHW in the file, NHWC in the IR).
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "tests/ir/ir_test_util.h"

namespace dcnn::test {
namespace {

using ir::OpKind;

// x [1, c, h, w] -> Conv(weights [cout, c/groups, kh, kw]) -> y.
OnnxBuilder conv_model(int c, int h, int w, int cout, int kh, int kw, int groups,
                       const std::function<void(NodeRef&)>& attrs, bool bias = true) {
  OnnxBuilder b;
  Rng rng(7);
  b.input("x", {1, c, h, w});
  b.initializer("w", {cout, c / groups, kh, kw}, rng.uniform(size_t(cout * (c / groups) * kh * kw)));
  if (bias) b.initializer("b", {cout}, rng.uniform(size_t(cout)));
  NodeRef n = b.node("Conv", {"x", "w", bias ? "b" : ""}, {"y"}, "conv");
  attrs(n);
  b.output("y");
  return b;
}

TEST(ImportConv, ExplicitPadsStridesDilationsAndLayout) {
  OnnxBuilder b = conv_model(3, 13, 17, 8, 3, 3, 1, [](NodeRef& n) {
    n.ints("kernel_shape", {3, 3}).ints("pads", {1, 2, 3, 4}).ints("strides", {2, 1})
        .ints("dilations", {1, 2});
  });
  const ir::Graph g = import_model(b);
  const ir::Node& n = only_node(g);
  ASSERT_EQ(n.kind, OpKind::Conv);
  EXPECT_EQ(n.name, "conv");
  EXPECT_EQ(n.onnx_op, "Conv");
  const auto& p = n.as<ir::ConvParams>();
  EXPECT_EQ(p.kh, 3);
  EXPECT_EQ(p.stride_h, 2);
  EXPECT_EQ(p.stride_w, 1);
  EXPECT_EQ(p.dil_h, 1);
  EXPECT_EQ(p.dil_w, 2);
  EXPECT_EQ(p.pad_top, 1);
  EXPECT_EQ(p.pad_left, 2);
  EXPECT_EQ(p.pad_bottom, 3);
  EXPECT_EQ(p.pad_right, 4);
  EXPECT_EQ(p.cin, 3);
  EXPECT_EQ(p.cout, 8);
  EXPECT_TRUE(p.act.is_none());
  // Weights keep ONNX's OIHW order, bit for bit.
  Rng rng(7);
  EXPECT_EQ(p.weights, rng.uniform(8 * 3 * 3 * 3));
  EXPECT_EQ(p.bias, rng.uniform(8));
  // NHWC: input 13x17x3; h = (13+4-3)/2+1 = 8, w = (17+6-5)/1+1 = 19.
  EXPECT_EQ(g.tensor(g.input).shape, (Shape{13, 17, 3}));
  EXPECT_EQ(out_shape(g), (Shape{8, 19, 8}));
}

TEST(ImportConv, EveryKernelSizeWithoutKernelShapeAttribute) {
  for (int k = 1; k <= 7; ++k) {
    OnnxBuilder b = conv_model(5, 13, 17, 7, k, k, 1, [](NodeRef&) {});
    const ir::Graph g = import_model(b);
    EXPECT_EQ(out_shape(g), (Shape{13 - k + 1, 17 - k + 1, 7})) << "k=" << k;
  }
  OnnxBuilder b = conv_model(5, 13, 17, 7, 1, 7, 1, [](NodeRef&) {});
  EXPECT_EQ(out_shape(import_model(b)), (Shape{13, 11, 7}));
}

TEST(ImportConv, MissingBiasIsZeros) {
  OnnxBuilder b = conv_model(3, 8, 8, 4, 1, 1, 1, [](NodeRef&) {}, false);
  const ir::Graph g = import_model(b);
  const auto& p = only_node(g).as<ir::ConvParams>();
  EXPECT_EQ(p.bias, std::vector<float>(4, 0.f));
}

TEST(ImportConv, DepthwiseAndGrouped) {
  OnnxBuilder dw = conv_model(13, 9, 9, 13, 3, 3, 13, [](NodeRef& n) { n.i("group", 13).ints("pads", {1, 1, 1, 1}); });
  const ir::Graph gdw = import_model(dw);
  const auto& p = only_node(gdw).as<ir::ConvParams>();
  EXPECT_EQ(p.groups, 13);
  EXPECT_EQ(p.cin, 13);
  EXPECT_EQ(p.cout, 13);
  EXPECT_EQ(p.weights.size(), 13u * 9u);
  OnnxBuilder grouped = conv_model(6, 9, 9, 4, 3, 3, 2, [](NodeRef& n) { n.i("group", 2); });
  const ir::Graph g = import_model(grouped);
  EXPECT_EQ(g.nodes[0].as<ir::ConvParams>().groups, 2);
  EXPECT_EQ(out_shape(g), (Shape{7, 7, 4}));
}

TEST(ImportConv, AutoPadSameUpperLowerAndValid) {
  // 13x17, k 4, stride 2: out 7x9; total pad h = 6*2+4-13 = 3, w = 8*2+4-17 = 3.
  auto model = [](const char* mode) {
    return conv_model(3, 13, 17, 2, 4, 4, 1, [mode](NodeRef& n) { n.s("auto_pad", mode).ints("strides", {2, 2}); });
  };
  const ir::Graph upper = import_model(model("SAME_UPPER"));
  const auto& u = upper.nodes[0].as<ir::ConvParams>();
  EXPECT_EQ(out_shape(upper), (Shape{7, 9, 2}));
  EXPECT_EQ(u.pad_top, 1);
  EXPECT_EQ(u.pad_bottom, 2);
  EXPECT_EQ(u.pad_left, 1);
  EXPECT_EQ(u.pad_right, 2);
  const ir::Graph lower = import_model(model("SAME_LOWER"));
  const auto& l = lower.nodes[0].as<ir::ConvParams>();
  EXPECT_EQ(out_shape(lower), (Shape{7, 9, 2}));
  EXPECT_EQ(l.pad_top, 2);
  EXPECT_EQ(l.pad_bottom, 1);
  const ir::Graph valid = import_model(model("VALID"));
  EXPECT_EQ(out_shape(valid), (Shape{5, 7, 2}));
  EXPECT_EQ(valid.nodes[0].as<ir::ConvParams>().pad_bottom, 0);
}

OnnxBuilder conv_transpose_model(int cin, int cout, int groups, int k,
                                 const std::function<void(NodeRef&)>& attrs) {
  OnnxBuilder b;
  Rng rng(3);
  b.input("x", {1, cin, 5, 7});
  b.initializer("w", {cin, cout / groups, k, k}, rng.uniform(size_t(cin * (cout / groups) * k * k)));
  b.initializer("b", {cout}, rng.uniform(size_t(cout)));
  NodeRef n = b.node("ConvTranspose", {"x", "w", "b"}, {"y"}, "up");
  attrs(n);
  b.output("y");
  return b;
}

TEST(ImportConvTranspose, StridePadsOutputPaddingGroups) {
  OnnxBuilder b = conv_transpose_model(4, 6, 2, 3, [](NodeRef& n) {
    n.ints("strides", {2, 2}).ints("pads", {1, 1, 1, 1}).ints("output_padding", {1, 1}).i("group", 2);
  });
  const ir::Graph g = import_model(b);
  const auto& p = only_node(g).as<ir::ConvTransposeParams>();
  EXPECT_EQ(g.nodes[0].kind, OpKind::ConvTranspose);
  EXPECT_EQ(p.cin, 4);
  EXPECT_EQ(p.cout, 6);
  EXPECT_EQ(p.groups, 2);
  EXPECT_EQ(p.out_pad_h, 1);
  // (5-1)*2 - 2 + 3 + 1 = 10, (7-1)*2 - 2 + 3 + 1 = 14
  EXPECT_EQ(out_shape(g), (Shape{10, 14, 6}));
}

TEST(ImportConvTranspose, AutoPadSameAndOutputShape) {
  OnnxBuilder same = conv_transpose_model(3, 2, 1, 3, [](NodeRef& n) {
    n.ints("strides", {2, 2}).s("auto_pad", "SAME_UPPER");
  });
  const ir::Graph g = import_model(same);
  EXPECT_EQ(out_shape(g), (Shape{10, 14, 2}));
  const auto& p = g.nodes[0].as<ir::ConvTransposeParams>();
  // full = (5-1)*2+3 = 11 -> total 1: SAME_UPPER puts the smaller half (0) first.
  EXPECT_EQ(p.pad_top, 0);
  EXPECT_EQ(p.pad_bottom, 1);
  OnnxBuilder shaped = conv_transpose_model(3, 2, 1, 4, [](NodeRef& n) {
    n.ints("strides", {2, 2}).ints("output_shape", {10, 14});
  });
  EXPECT_EQ(out_shape(import_model(shaped)), (Shape{10, 14, 2}));
  // output_shape with an odd total and no auto_pad: the larger half first, as the ONNX spec and
  // onnxruntime have it (before: the smaller, every output shifted by one pixel).
  OnnxBuilder odd = conv_transpose_model(3, 2, 1, 3, [](NodeRef& n) {
    n.ints("strides", {2, 2}).ints("output_shape", {10, 14});
  });
  const ir::Graph odd_graph = import_model(odd);
  EXPECT_EQ(out_shape(odd_graph), (Shape{10, 14, 2}));
  const auto& q = odd_graph.nodes[0].as<ir::ConvTransposeParams>();
  EXPECT_EQ(q.pad_top, 1);
  EXPECT_EQ(q.pad_bottom, 0);
  OnnxBuilder odd_upper = conv_transpose_model(3, 2, 1, 3, [](NodeRef& n) {
    n.ints("strides", {2, 2}).ints("output_shape", {10, 14}).s("auto_pad", "SAME_UPPER");
  });
  EXPECT_EQ(import_model(odd_upper).nodes[0].as<ir::ConvTransposeParams>().pad_top, 0);
}

TEST(ImportBatchNorm, BecomesAffine) {
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4});
  b.initializer("s", {3}, {1.f, 2.f, 0.5f});
  b.initializer("bb", {3}, {0.f, 1.f, -1.f});
  b.initializer("m", {3}, {0.5f, -1.f, 2.f});
  b.initializer("v", {3}, {4.f, 0.25f, 1.f});
  b.node("BatchNormalization", {"x", "s", "bb", "m", "v"}, {"y"}, "bn").f("epsilon", 0.f);
  b.output("y");
  const ir::Graph g = import_model(b);
  const auto& p = only_node(g).as<ir::AffineParams>();
  // scale = s / sqrt(v), shift = bb - m * scale
  EXPECT_FLOAT_EQ(p.scale[0], 0.5f);
  EXPECT_FLOAT_EQ(p.scale[1], 4.f);
  EXPECT_FLOAT_EQ(p.scale[2], 0.5f);
  EXPECT_FLOAT_EQ(p.shift[0], -0.25f);
  EXPECT_FLOAT_EQ(p.shift[1], 5.f);
  EXPECT_FLOAT_EQ(p.shift[2], -2.f);
}

ir::Activation import_activation(OnnxBuilder& b) {
  b.output("y");
  const ir::Graph g = import_model(b);
  EXPECT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].kind, OpKind::Activation);
  return g.nodes[0].as<ir::ActivationParams>().act;
}

TEST(ImportActivation, AllKindsAndDefaults) {
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.node("Relu", {"x"}, {"y"});
    EXPECT_EQ(import_activation(b).kind, ir::ActKind::Relu);
  }
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.node("LeakyRelu", {"x"}, {"y"});
    const auto a = import_activation(b);
    EXPECT_EQ(a.kind, ir::ActKind::LeakyRelu);
    EXPECT_FLOAT_EQ(a.alpha, 0.01f);
  }
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.node("LeakyRelu", {"x"}, {"y"}).f("alpha", 0.1f);
    EXPECT_FLOAT_EQ(import_activation(b).alpha, 0.1f);
  }
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.node("Sigmoid", {"x"}, {"y"});
    EXPECT_EQ(import_activation(b).kind, ir::ActKind::Sigmoid);
  }
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.node("HardSigmoid", {"x"}, {"y"});
    const auto a = import_activation(b);
    EXPECT_EQ(a.kind, ir::ActKind::HardSigmoid);
    EXPECT_FLOAT_EQ(a.alpha, 0.2f);
    EXPECT_FLOAT_EQ(a.beta, 0.5f);
  }
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.node("HardSigmoid", {"x"}, {"y"}).f("alpha", 0.25f).f("beta", 0.4f);
    const auto a = import_activation(b);
    EXPECT_FLOAT_EQ(a.alpha, 0.25f);
    EXPECT_FLOAT_EQ(a.beta, 0.4f);
  }
  {
    OnnxBuilder b(14);
    b.input("x", {1, 3, 4, 4});
    b.node("HardSwish", {"x"}, {"y"});
    EXPECT_EQ(import_activation(b).kind, ir::ActKind::HardSwish);
  }
}

TEST(ImportActivation, ClipAttributeForm) {
  OnnxBuilder b(6);
  b.input("x", {1, 3, 4, 4});
  b.node("Clip", {"x"}, {"y"}).f("min", 0.f).f("max", 6.f);
  const auto a = import_activation(b);
  EXPECT_EQ(a.kind, ir::ActKind::Clip);
  EXPECT_EQ(a.alpha, 0.f);
  EXPECT_EQ(a.beta, 6.f);
}

TEST(ImportActivation, ClipInputFormWithMissingBounds) {
  const float inf = std::numeric_limits<float>::infinity();
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.initializer("lo", {}, {-1.f});
    b.constant("hi", {}, {6.f});
    b.node("Clip", {"x", "lo", "hi"}, {"y"});
    const auto a = import_activation(b);
    EXPECT_EQ(a.kind, ir::ActKind::Clip);
    EXPECT_EQ(a.alpha, -1.f);
    EXPECT_EQ(a.beta, 6.f);
  }
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.initializer("hi", {}, {2.f});
    b.node("Clip", {"x", "", "hi"}, {"y"});
    const auto a = import_activation(b);
    EXPECT_EQ(a.alpha, -inf);
    EXPECT_EQ(a.beta, 2.f);
  }
  {
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.initializer("lo", {}, {-3.f});
    b.node("Clip", {"x", "lo"}, {"y"});
    const auto a = import_activation(b);
    EXPECT_EQ(a.alpha, -3.f);
    EXPECT_EQ(a.beta, inf);
  }
  {
    // Clip(0, +inf) is a ReLU.
    OnnxBuilder b;
    b.input("x", {1, 3, 4, 4});
    b.initializer("lo", {}, {0.f});
    b.node("Clip", {"x", "lo"}, {"y"});
    EXPECT_EQ(import_activation(b).kind, ir::ActKind::Relu);
  }
}

TEST(ImportElementwise, TensorTensor) {
  OnnxBuilder b;
  b.input("x", {1, 4, 6, 5});
  b.node("Relu", {"x"}, {"r"});
  b.node("Sigmoid", {"x"}, {"s"});
  b.node("GlobalAveragePool", {"x"}, {"g"});
  b.node("Add", {"r", "s"}, {"add"}, "add");
  b.node("Sub", {"add", "s"}, {"sub"}, "sub");
  b.node("Sub", {"g", "sub"}, {"sub2"}, "sub_swapped");  // 1x1xC first: swapped
  b.node("Mul", {"sub2", "g"}, {"mul"}, "mul");
  b.node("Div", {"mul", "s"}, {"div"}, "div");
  b.output("div");
  const ir::Graph g = import_model(b);
  ASSERT_EQ(g.nodes.size(), 8u);
  const auto& add = g.nodes[3].as<ir::AddParams>();
  EXPECT_EQ(add.coef_a, 1.f);
  EXPECT_EQ(add.coef_b, 1.f);
  const auto& sub = g.nodes[4].as<ir::AddParams>();
  EXPECT_EQ(sub.coef_b, -1.f);
  // g - sub  ==  -1 * sub + 1 * g with the broadcast operand second.
  const ir::Node& swapped = g.nodes[5];
  EXPECT_EQ(g.tensor(swapped.inputs[0]).name, "sub");
  EXPECT_EQ(g.tensor(swapped.inputs[1]).name, "g");
  EXPECT_EQ(swapped.as<ir::AddParams>().coef_a, -1.f);
  EXPECT_EQ(swapped.as<ir::AddParams>().coef_b, 1.f);
  EXPECT_EQ(g.nodes[6].kind, OpKind::Binary);
  EXPECT_EQ(g.nodes[6].as<ir::BinaryParams>().kind, ir::BinaryKind::Mul);
  EXPECT_EQ(g.nodes[7].as<ir::BinaryParams>().kind, ir::BinaryKind::Div);
  EXPECT_EQ(out_shape(g), (Shape{6, 5, 4}));
}

TEST(ImportElementwise, TensorConstantBecomesAffine) {
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4});
  b.initializer("k3", {}, {3.f});
  b.initializer("pc", {1, 3, 1, 1}, {1.f, 2.f, 4.f});
  b.initializer("chw", {3, 1, 1}, {2.f, 4.f, 8.f});
  b.initializer("one", {1}, {1.f});
  b.node("Add", {"x", "k3"}, {"a"});
  b.node("Mul", {"pc", "a"}, {"m"});       // constant on the left
  b.node("Sub", {"one", "m"}, {"s"});      // 1 - x
  b.node("Div", {"s", "chw"}, {"d"});
  b.constant("c", {1, 3, 1, 1}, {1.f, 1.f, 2.f});
  b.node("Sub", {"d", "c"}, {"y"});
  b.output("y");
  const ir::Graph g = import_model(b);
  ASSERT_EQ(g.nodes.size(), 5u);
  for (const auto& n : g.nodes) EXPECT_EQ(n.kind, OpKind::Affine);
  auto p = [&](int i) { return g.nodes[size_t(i)].as<ir::AffineParams>(); };
  EXPECT_EQ(p(0).scale, std::vector<float>(3, 1.f));
  EXPECT_EQ(p(0).shift, std::vector<float>(3, 3.f));
  EXPECT_EQ(p(1).scale, (std::vector<float>{1.f, 2.f, 4.f}));
  EXPECT_EQ(p(1).shift, std::vector<float>(3, 0.f));
  EXPECT_EQ(p(2).scale, std::vector<float>(3, -1.f));
  EXPECT_EQ(p(2).shift, std::vector<float>(3, 1.f));
  EXPECT_EQ(p(3).scale, (std::vector<float>{0.5f, 0.25f, 0.125f}));
  EXPECT_EQ(p(4).shift, (std::vector<float>{-1.f, -1.f, -2.f}));
}

TEST(ImportConcat, ChannelAxisPositiveAndNegative) {
  for (int axis : {1, -3}) {
    OnnxBuilder b;
    b.input("x", {1, 3, 5, 7});
    b.node("Relu", {"x"}, {"r"});
    b.node("Concat", {"x", "r", "x"}, {"y"}, "cat").i("axis", axis);
    b.output("y");
    const ir::Graph g = import_model(b);
    ASSERT_EQ(g.nodes.size(), 2u);
    EXPECT_EQ(g.nodes[1].kind, OpKind::Concat);
    EXPECT_EQ(g.nodes[1].inputs.size(), 3u);
    EXPECT_EQ(out_shape(g), (Shape{5, 7, 9}));
  }
}

TEST(ImportPool, MaxAndAverageWithPadsAndCountIncludePad) {
  OnnxBuilder b;
  b.input("x", {1, 5, 13, 17});
  b.node("MaxPool", {"x"}, {"m"}, "mp").ints("kernel_shape", {3, 3}).ints("strides", {2, 2})
      .ints("pads", {1, 1, 1, 1});
  b.node("AveragePool", {"m"}, {"y"}, "ap").ints("kernel_shape", {2, 3}).ints("pads", {0, 1, 1, 0})
      .i("count_include_pad", 1);
  b.output("y");
  const ir::Graph g = import_model(b);
  const auto& mp = g.nodes[0].as<ir::PoolParams>();
  EXPECT_EQ(mp.kind, ir::PoolKind::Max);
  EXPECT_EQ(mp.kh, 3);
  EXPECT_EQ(mp.stride_w, 2);
  EXPECT_EQ(mp.pad_right, 1);
  EXPECT_EQ(g.tensor(g.nodes[0].output).shape, (Shape{7, 9, 5}));
  const auto& ap = g.nodes[1].as<ir::PoolParams>();
  EXPECT_EQ(ap.kind, ir::PoolKind::Average);
  EXPECT_TRUE(ap.count_include_pad);
  EXPECT_EQ(ap.pad_left, 1);
  EXPECT_EQ(ap.pad_bottom, 1);
  EXPECT_EQ(out_shape(g), (Shape{7, 8, 5}));
}

TEST(ImportPool, CeilModeAddsEndPadding) {
  OnnxBuilder b;
  b.input("x", {1, 2, 8, 9});
  b.node("MaxPool", {"x"}, {"y"}).ints("kernel_shape", {3, 3}).ints("strides", {2, 2}).i("ceil_mode", 1);
  b.output("y");
  const ir::Graph g = import_model(b);
  // floor: (8-3)/2+1 = 3, ceil: 4; w: (9-3)/2+1 = 4 either way.
  EXPECT_EQ(out_shape(g), (Shape{4, 4, 2}));
  EXPECT_EQ(g.nodes[0].as<ir::PoolParams>().pad_bottom, 1);
  EXPECT_EQ(g.nodes[0].as<ir::PoolParams>().pad_right, 0);
}

TEST(ImportPool, GlobalAverageAndReduceMean) {
  for (auto axes : {std::vector<int64_t>{2, 3}, std::vector<int64_t>{-1, -2}}) {
    OnnxBuilder b;
    b.input("x", {1, 6, 5, 7});
    b.node("GlobalAveragePool", {"x"}, {"g"});
    b.node("ReduceMean", {"x"}, {"r"}).ints("axes", axes).i("keepdims", 1);
    b.node("Add", {"g", "r"}, {"y"});
    b.output("y");
    const ir::Graph g = import_model(b);
    EXPECT_EQ(g.nodes[0].kind, OpKind::GlobalPool);
    EXPECT_EQ(g.nodes[1].kind, OpKind::GlobalPool);
    EXPECT_EQ(out_shape(g), (Shape{1, 1, 6}));
  }
}

ir::Graph resize_model(int64_t opset, const std::function<void(OnnxBuilder&)>& build) {
  OnnxBuilder b(opset);
  b.input("x", {1, 3, 5, 7});
  build(b);
  b.output("y");
  return import_model(b);
}

TEST(ImportResize, ScalesNearestModes) {
  const ir::Graph g = resize_model(13, [](OnnxBuilder& b) {
    b.initializer("scales", {4}, {1.f, 1.f, 2.f, 1.5f});
    b.node("Resize", {"x", "", "scales"}, {"y"}).s("mode", "nearest").s("nearest_mode", "floor")
        .s("coordinate_transformation_mode", "asymmetric");
  });
  const auto& p = only_node(g).as<ir::ResizeParams>();
  EXPECT_EQ(p.mode, ir::ResizeMode::Nearest);
  EXPECT_EQ(p.nearest, ir::NearestRound::Floor);
  EXPECT_EQ(p.coord, ir::CoordMode::Asymmetric);
  EXPECT_FLOAT_EQ(p.scale_h, 2.f);
  EXPECT_FLOAT_EQ(p.scale_w, 1.5f);
  EXPECT_EQ(p.out_h, 10);
  EXPECT_EQ(p.out_w, 10);  // floor(7 * 1.5)
  EXPECT_EQ(out_shape(g), (Shape{10, 10, 3}));
  const std::pair<const char*, ir::NearestRound> rounds[] = {
      {"round_prefer_floor", ir::NearestRound::RoundPreferFloor},
      {"round_prefer_ceil", ir::NearestRound::RoundPreferCeil},
      {"ceil", ir::NearestRound::Ceil}};
  for (const auto& r : rounds) {
    const ir::Graph gr = resize_model(13, [&](OnnxBuilder& b) {
      b.initializer("scales", {4}, {1.f, 1.f, 2.f, 2.f});
      b.node("Resize", {"x", "", "scales"}, {"y"}).s("nearest_mode", r.first);
    });
    EXPECT_EQ(gr.nodes[0].as<ir::ResizeParams>().nearest, r.second) << r.first;
    EXPECT_EQ(gr.nodes[0].as<ir::ResizeParams>().coord, ir::CoordMode::HalfPixel);  // default
  }
}

TEST(ImportResize, SizesLinearEveryCoordinateMode) {
  const std::pair<const char*, ir::CoordMode> modes[] = {
      {"half_pixel", ir::CoordMode::HalfPixel},
      {"asymmetric", ir::CoordMode::Asymmetric},
      {"align_corners", ir::CoordMode::AlignCorners},
      {"pytorch_half_pixel", ir::CoordMode::PytorchHalfPixel}};
  for (const auto& m : modes) {
    const ir::Graph g = resize_model(13, [&](OnnxBuilder& b) {
      b.int64_initializer("sizes", {4}, {1, 3, 9, 16});
      b.node("Resize", {"x", "", "", "sizes"}, {"y"}).s("mode", "linear")
          .s("coordinate_transformation_mode", m.first);
    });
    const auto& p = g.nodes[0].as<ir::ResizeParams>();
    EXPECT_EQ(p.mode, ir::ResizeMode::Linear);
    EXPECT_EQ(p.coord, m.second) << m.first;
    EXPECT_EQ(p.scale_h, 0.f);
    EXPECT_EQ(out_shape(g), (Shape{9, 16, 3}));
  }
}

TEST(ImportResize, Opset11WithRoiAndEmptyScales) {
  const ir::Graph g = resize_model(11, [](OnnxBuilder& b) {
    b.initializer("roi", {0}, {});
    b.initializer("scales", {0}, {});
    b.int64_constant("sizes", {4}, {1, 3, 10, 14});
    b.node("Resize", {"x", "roi", "scales", "sizes"}, {"y"}).s("mode", "nearest");
  });
  EXPECT_EQ(out_shape(g), (Shape{10, 14, 3}));
}

TEST(ImportResize, UpsampleOpset7And9) {
  const ir::Graph g7 = resize_model(7, [](OnnxBuilder& b) {
    b.node("Upsample", {"x"}, {"y"}).floats("scales", {1.f, 1.f, 2.f, 2.f}).s("mode", "nearest");
  });
  const auto& p7 = g7.nodes[0].as<ir::ResizeParams>();
  EXPECT_EQ(p7.coord, ir::CoordMode::Asymmetric);
  EXPECT_EQ(p7.nearest, ir::NearestRound::Floor);
  EXPECT_EQ(out_shape(g7), (Shape{10, 14, 3}));
  const ir::Graph g9 = resize_model(9, [](OnnxBuilder& b) {
    b.initializer("scales", {4}, {1.f, 1.f, 3.f, 2.f});
    b.node("Upsample", {"x", "scales"}, {"y"}).s("mode", "linear");
  });
  EXPECT_EQ(g9.nodes[0].as<ir::ResizeParams>().mode, ir::ResizeMode::Linear);
  EXPECT_EQ(out_shape(g9), (Shape{15, 14, 3}));
}

TEST(ImportPassthrough, IdentityAndDropoutDisappear) {
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4});
  b.node("Identity", {"x"}, {"i"});
  b.node("Relu", {"i"}, {"r"});
  b.node("Dropout", {"r"}, {"d"}).f("ratio", 0.5f);
  b.node("Identity", {"d"}, {"head"});
  b.output("head");
  const ir::Graph g = import_model(b);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].inputs[0], g.input);
  // The head keeps the graph output's name: decoders look heads up by it.
  EXPECT_EQ(g.tensor(g.outputs[0]).name, "head");
}

TEST(ImportInput, SizeOverrideAndDynamicDims) {
  OnnxBuilder b;
  b.input("x", {-1, 3, -1, -1});
  b.initializer("w", {4, 3, 3, 3}, Rng(1).uniform(108));
  b.node("Conv", {"x", "w"}, {"y"}).ints("pads", {1, 1, 1, 1}).ints("strides", {2, 2});
  b.output("y");
  const ir::Graph g = import_model(b, {64, 96});
  EXPECT_EQ(g.tensor(g.input).shape, (Shape{64, 96, 3}));
  EXPECT_EQ(out_shape(g), (Shape{32, 48, 4}));
  OnnxBuilder fixed;
  fixed.input("x", {1, 3, 32, 32});
  fixed.node("Relu", {"x"}, {"y"});
  fixed.output("y");
  EXPECT_EQ(out_shape(import_model(fixed, {24, 40})), (Shape{24, 40, 3}));
  EXPECT_EQ(out_shape(import_model(fixed)), (Shape{32, 32, 3}));
}

TEST(ImportNames, UnnamedNodesGetOpAndIndexAndDuplicatesAreMadeUnique) {
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4});
  b.node("Relu", {"x"}, {"a"}).proto().clear_name();
  b.node("Sigmoid", {"a"}, {"s"}, "same");
  b.node("Relu", {"s"}, {"y"}, "same");
  b.output("y");
  const ir::Graph g = import_model(b);
  EXPECT_EQ(g.nodes[0].name, "Relu_0");
  EXPECT_EQ(g.nodes[1].name, "same");
  EXPECT_NE(g.nodes[2].name, "same");
}

TEST(ImportFile, ReadsFromDisk) {
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4});
  b.node("Relu", {"x"}, {"y"});
  b.output("y");
  const std::string path = b.save_temp("ir-import");
  const ir::Graph g = ir::import_onnx(path);
  EXPECT_EQ(g.source, path);
  EXPECT_EQ(g.nodes.size(), 1u);
  std::remove(path.c_str());
}

TEST(ImportPool, ReduceMeanOpset18AxesInput) {
  OnnxBuilder b(18);
  b.input("x", {1, 4, 5, 7});
  b.int64_initializer("axes", {2}, {3, 2});
  b.node("ReduceMean", {"x", "axes"}, {"y"}).i("keepdims", 1);
  b.output("y");
  const ir::Graph g = import_model(b);
  EXPECT_EQ(g.nodes[0].kind, OpKind::GlobalPool);
  EXPECT_EQ(out_shape(g), (Shape{1, 1, 4}));
}

TEST(ImportPassthrough, DropoutOpset12TrainingModeInput) {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 4, 4});
  b.initializer("ratio", {}, {0.1f});
  b.int64_initializer("train", {}, {0});
  b.node("Dropout", {"x", "ratio", "train"}, {"d"}, "drop");
  b.node("Relu", {"d"}, {"y"});
  b.output("y");
  EXPECT_EQ(import_model(b).nodes.size(), 1u);
  b.proto().mutable_graph()->mutable_initializer(1)->set_int64_data(0, 1);
  EXPECT_TRUE(throws_error([&] { import_model(b); }, ErrorKind::Unsupported, {"drop", "training_mode"}));
}

}  // namespace
}  // namespace dcnn::test
