// Every op, dense, against OpenCV 4.6 DNN on the same ONNX bytes: odd sizes (13x17), odd channel
// counts, strides, dilations, depthwise and grouped convs, asymmetric pads, every Resize mode,
// ConvTranspose, pools, and a whole small network. OpenCV is an independent implementation of
// the ONNX semantics, so agreement checks import, passes and the CPU kernels together.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"
#include "tests/common/test_paths.h"
#include "tests/ir/opencv_oracle.h"

namespace dcnn::test {
namespace {

constexpr int H = 13, W = 17;

// A model whose image input [1, 3, h, w] is first mapped to `c` channels by a 1x1 conv when
// c != 3 (the executor's input is an RGB image); `body` adds the op under test on "x0" and
// names its result "y".
struct Net {
  OnnxBuilder b;
  Rng rng;
  int c;
  Net(int channels, int h = H, int w = W, int64_t opset = 13, uint32_t seed = 5)
      : b(opset), rng(seed), c(channels) {
    b.input("image", {1, 3, h, w});
    if (c == 3) {
      b.node("Identity", {"image"}, {"x0"});
    } else {
      b.initializer("stem_w", {c, 3, 1, 1}, rng.uniform(size_t(c) * 3, -0.6f, 0.6f));
      b.initializer("stem_b", {c}, rng.uniform(size_t(c), -0.3f, 0.3f));
      b.node("Conv", {"image", "stem_w", "stem_b"}, {"x0"}, "stem").ints("kernel_shape", {1, 1});
    }
  }
  // Weights scaled by 1/sqrt(fan_in) so outputs stay O(1) and the relative tolerance bites.
  void weights(const std::string& name, std::vector<int64_t> dims, int64_t fan_in) {
    const float s = 1.f / std::sqrt(float(fan_in));
    b.initializer(name, dims, rng.uniform(size_t(element_count(dims)), -s, s));
  }
  void vector(const std::string& name, int n, float lo = -0.5f, float hi = 0.5f) {
    b.initializer(name, {n}, rng.uniform(size_t(n), lo, hi));
  }
  NodeRef conv(const std::string& in, const std::string& out, int cin, int cout, int kh, int kw,
               int groups = 1, bool bias = true) {
    const std::string w = out + "_w", bn = out + "_b";
    weights(w, {cout, cin / groups, kh, kw}, int64_t(cin / groups) * kh * kw);
    if (bias) vector(bn, cout);
    // OpenCV 4.6 needs kernel_shape (ONNX makes it optional).
    return b.node("Conv", {in, w, bias ? bn : ""}, {out}, out).i("group", groups)
        .ints("kernel_shape", {kh, kw});
  }
  const OnnxBuilder& done(const std::string& out = "y") {
    b.output(out);
    return b;
  }
};

void expect_oracle(const OnnxBuilder& model, const char* what, float lo = -2.f, float hi = 2.f) {
  OracleComparison cmp;
  EXPECT_TRUE(matches_opencv(model, 1, lo, hi, &cmp)) << what;
  EXPECT_GT(cmp.values, 0u) << what;
}

// ----------------------------------------------------------------- convolutions

TEST(OpsVsOpenCV, ConvKernelSizesAndOddChannels) {
  const int sizes[][2] = {{1, 1}, {3, 3}, {5, 5}, {7, 7}, {1, 3}, {3, 1}, {2, 2}};
  const int channels[][2] = {{3, 5}, {5, 7}, {7, 13}, {13, 3}};
  for (const auto& k : sizes) {
    for (const auto& ch : channels) {
      Net n(ch[0]);
      n.conv("x0", "y", ch[0], ch[1], k[0], k[1])
          .ints("pads", {k[0] / 2, k[1] / 2, k[0] / 2, k[1] / 2});
      const std::string what = "k " + std::to_string(k[0]) + "x" + std::to_string(k[1]) + ", " +
                               std::to_string(ch[0]) + "->" + std::to_string(ch[1]);
      expect_oracle(n.done(), what.c_str());
    }
  }
}

TEST(OpsVsOpenCV, ConvStrideTwoAsymmetricPadsAndDilation) {
  {
    Net n(5);
    n.conv("x0", "y", 5, 7, 3, 3).ints("strides", {2, 2}).ints("pads", {1, 1, 1, 1});
    expect_oracle(n.done(), "stride 2");
  }
  {
    Net n(5);
    n.conv("x0", "y", 5, 7, 3, 3).ints("strides", {2, 1}).ints("pads", {0, 1, 2, 0});
    expect_oracle(n.done(), "asymmetric pads, stride 2x1");
  }
  {
    Net n(3);
    n.conv("x0", "y", 3, 5, 3, 3).ints("dilations", {2, 2}).ints("pads", {2, 2, 2, 2});
    expect_oracle(n.done(), "dilation 2");
  }
  {
    Net n(3);
    n.conv("x0", "y", 3, 4, 3, 3).ints("dilations", {2, 3}).ints("strides", {2, 2}).ints("pads", {1, 0, 1, 2});
    expect_oracle(n.done(), "dilation 2x3 stride 2, asymmetric");
  }
  {
    Net n(3);
    n.conv("x0", "y", 3, 4, 3, 3, 1, false).s("auto_pad", "SAME_UPPER").ints("strides", {2, 2});
    expect_oracle(n.done(), "auto_pad SAME_UPPER stride 2, no bias");
  }
}

TEST(OpsVsOpenCV, DepthwiseAndGroupedConv) {
  {
    Net n(13);
    n.conv("x0", "y", 13, 13, 3, 3, 13).ints("pads", {1, 1, 1, 1});
    expect_oracle(n.done(), "depthwise 3x3");
  }
  {
    Net n(7);
    n.conv("x0", "y", 7, 7, 5, 5, 7).ints("pads", {2, 2, 2, 2}).ints("strides", {2, 2});
    expect_oracle(n.done(), "depthwise 5x5 stride 2");
  }
  {
    Net n(6);
    n.conv("x0", "y", 6, 9, 3, 3, 3).ints("pads", {1, 1, 1, 1});
    expect_oracle(n.done(), "grouped 6->9, 3 groups");
  }
  {
    Net n(4);
    n.conv("x0", "y", 4, 8, 1, 1, 2);
    expect_oracle(n.done(), "grouped 1x1");
  }
}

TEST(OpsVsOpenCV, ConvTranspose) {
  struct Case { int cin, cout, k, s, pad, out_pad, groups; const char* what; };
  const Case cases[] = {
      {5, 3, 2, 2, 0, 0, 1, "k2 s2"},
      {4, 6, 4, 2, 1, 0, 1, "k4 s2 p1"},
      {3, 5, 3, 2, 1, 1, 1, "k3 s2 p1 output_padding 1"},
      {7, 7, 3, 1, 1, 0, 1, "k3 s1 p1"},
  };
  for (const auto& c : cases) {
    Net n(c.cin);
    n.weights("wt", {c.cin, c.cout / c.groups, c.k, c.k}, int64_t(c.cin) * c.k * c.k / (c.s * c.s));
    n.vector("bt", c.cout);
    n.b.node("ConvTranspose", {"x0", "wt", "bt"}, {"y"}, "deconv")
        .ints("kernel_shape", {c.k, c.k}).ints("strides", {c.s, c.s}).ints("pads", {c.pad, c.pad, c.pad, c.pad})
        .ints("output_padding", {c.out_pad, c.out_pad}).i("group", c.groups);
    expect_oracle(n.done(), c.what);
  }
}

TEST(OpsVsOpenCV, BatchNormAfterConvAndStandalone) {
  Net n(5);
  n.conv("x0", "c", 5, 7, 3, 3).ints("pads", {1, 1, 1, 1});
  n.vector("s", 7, 0.5f, 1.5f);
  n.vector("bb", 7);
  n.vector("m", 7);
  n.vector("v", 7, 0.2f, 2.f);
  n.b.node("BatchNormalization", {"c", "s", "bb", "m", "v"}, {"bn"}, "bn").f("epsilon", 1e-3f);
  n.b.node("Clip", {"bn"}, {"r6"}).f("min", 0.f).f("max", 6.f);
  // BatchNorm straight on a shared tensor (not foldable): stays an Affine.
  n.vector("s2", 5, 0.5f, 1.5f);
  n.vector("bb2", 5);
  n.vector("m2", 5);
  n.vector("v2", 5, 0.2f, 2.f);
  n.b.node("BatchNormalization", {"x0", "s2", "bb2", "m2", "v2"}, {"y"}, "bn2");
  n.b.output("r6");
  expect_oracle(n.done(), "conv + bn + relu6, standalone bn");
}

// ----------------------------------------------------------------- pointwise

TEST(OpsVsOpenCV, Activations) {
  using Act = std::function<void(OnnxBuilder&, const std::string&)>;
  const std::pair<const char*, Act> acts[] = {
      {"Relu", [](OnnxBuilder& b, const std::string& x) { b.node("Relu", {x}, {"y"}); }},
      {"Clip 0..6", [](OnnxBuilder& b, const std::string& x) { b.node("Clip", {x}, {"y"}).f("min", 0.f).f("max", 6.f); }},
      {"Clip -0.5..0.75", [](OnnxBuilder& b, const std::string& x) { b.node("Clip", {x}, {"y"}).f("min", -0.5f).f("max", 0.75f); }},
      {"LeakyRelu 0.1", [](OnnxBuilder& b, const std::string& x) { b.node("LeakyRelu", {x}, {"y"}).f("alpha", 0.1f); }},
      {"LeakyRelu default", [](OnnxBuilder& b, const std::string& x) { b.node("LeakyRelu", {x}, {"y"}); }},
      {"Sigmoid", [](OnnxBuilder& b, const std::string& x) { b.node("Sigmoid", {x}, {"y"}); }},
      {"HardSigmoid", [](OnnxBuilder& b, const std::string& x) { b.node("HardSigmoid", {x}, {"y"}); }},
      {"HardSigmoid 1/6", [](OnnxBuilder& b, const std::string& x) { b.node("HardSigmoid", {x}, {"y"}).f("alpha", 1.f / 6.f).f("beta", 0.5f); }},
      {"HardSwish", [](OnnxBuilder& b, const std::string& x) { b.node("HardSwish", {x}, {"y"}); }},
  };
  for (const auto& [name, act] : acts) {
    // On the input itself (a standalone activation) and after a conv (fused into it).
    Net raw(3);
    act(raw.b, "x0");
    expect_oracle(raw.done(), name, -8.f, 8.f);
    Net fused(5);
    fused.conv("x0", "pre", 5, 5, 3, 3).ints("pads", {1, 1, 1, 1});
    act(fused.b, "pre");
    expect_oracle(fused.done(), (std::string(name) + " fused").c_str(), -8.f, 8.f);
  }
}

TEST(OpsVsOpenCV, ElementwiseTensorTensor) {
  for (const char* op : {"Add", "Sub", "Mul", "Div"}) {
    Net n(5);
    n.conv("x0", "a", 5, 7, 3, 3).ints("pads", {1, 1, 1, 1});
    n.conv("x0", "b", 5, 7, 1, 1);
    std::string rhs = "b";
    if (std::string(op) == "Div") {  // keep the divisor away from 0
      n.b.node("Sigmoid", {"b"}, {"bs"});
      n.b.initializer("half", {}, {0.5f});
      n.b.node("Add", {"bs", "half"}, {"bpos"});
      rhs = "bpos";
    }
    n.b.node(op, {"a", rhs}, {"y"}, std::string("tt_") + op);
    expect_oracle(n.done(), op);
  }
}

TEST(OpsVsOpenCV, ElementwiseWithScalarAndPerChannelConstants) {
  Net n(5);
  n.b.initializer("k", {}, {0.75f});
  n.b.initializer("pc", {1, 5, 1, 1}, n.rng.uniform(5, 0.5f, 2.f));
  n.b.initializer("one", {1}, {1.f});
  n.b.initializer("chw", {5, 1, 1}, n.rng.uniform(5, 0.5f, 2.f));
  n.b.node("Add", {"x0", "k"}, {"a"});
  n.b.node("Mul", {"a", "pc"}, {"m"});
  n.b.node("Sub", {"one", "m"}, {"s"});       // constant on the left: 1 - x
  n.b.node("Div", {"s", "chw"}, {"d"});
  n.b.node("Sub", {"d", "k"}, {"y"});
  expect_oracle(n.done(), "affine chain");
}

TEST(OpsVsOpenCV, ConcatOfThreeMaps) {
  Net n(5);
  n.conv("x0", "a", 5, 3, 3, 3).ints("pads", {1, 1, 1, 1});
  n.conv("x0", "b", 5, 7, 1, 1);
  n.b.node("Concat", {"a", "x0", "b"}, {"y"}, "cat").i("axis", 1);
  expect_oracle(n.done(), "concat 3+5+7");
}

// ----------------------------------------------------------------- pools

TEST(OpsVsOpenCV, MaxAndAveragePools) {
  {
    Net n(5);
    n.b.node("MaxPool", {"x0"}, {"y"}).ints("kernel_shape", {3, 3}).ints("strides", {2, 2}).ints("pads", {1, 1, 1, 1});
    expect_oracle(n.done(), "maxpool 3 s2 p1");
  }
  {
    Net n(3);
    n.b.node("MaxPool", {"x0"}, {"y"}).ints("kernel_shape", {2, 2}).ints("strides", {2, 2});
    expect_oracle(n.done(), "maxpool 2 s2 (odd size drops the last row)");
  }
  {
    Net n(3);
    n.b.node("MaxPool", {"x0"}, {"y"}).ints("kernel_shape", {2, 2}).ints("strides", {2, 2}).i("ceil_mode", 1);
    expect_oracle(n.done(), "maxpool 2 s2 ceil_mode");
  }
  {
    Net n(7);
    n.b.node("MaxPool", {"x0"}, {"y"}).ints("kernel_shape", {5, 5}).ints("pads", {2, 2, 2, 2});
    expect_oracle(n.done(), "maxpool 5 s1 p2 (MoveNet NMS)");
  }
  {
    Net n(5);
    n.b.node("AveragePool", {"x0"}, {"y"}).ints("kernel_shape", {3, 3}).ints("strides", {2, 2})
        .ints("pads", {1, 1, 1, 1});
    expect_oracle(n.done(), "avgpool 3 s2 p1, pads not counted");
  }
  {
    // count_include_pad=1: OpenCV 4.6 ignores the attribute (it divides by the in-image count),
    // so OpenCV runs the same average spelled as a depthwise conv with weights 1/9 instead.
    Net ours(5), theirs(5);
    ours.b.node("AveragePool", {"x0"}, {"y"}).ints("kernel_shape", {3, 3}).ints("strides", {2, 2})
        .ints("pads", {1, 1, 1, 1}).i("count_include_pad", 1);
    theirs.b.initializer("box", {5, 1, 3, 3}, std::vector<float>(45, 1.f / 9.f));
    theirs.b.node("Conv", {"x0", "box"}, {"y"}).i("group", 5).ints("kernel_shape", {3, 3})
        .ints("strides", {2, 2}).ints("pads", {1, 1, 1, 1});
    EXPECT_TRUE(matches_opencv(ours.done(), 1, -2.f, 2.f, nullptr, &theirs.done()))
        << "avgpool count_include_pad";
  }
  {
    Net n(3);
    n.b.node("AveragePool", {"x0"}, {"y"}).ints("kernel_shape", {3, 3}).ints("strides", {2, 2}).i("ceil_mode", 1);
    expect_oracle(n.done(), "avgpool ceil_mode");
  }
}

TEST(OpsVsOpenCV, GlobalAveragePoolAndReduceMean) {
  {
    Net n(7);
    n.b.node("GlobalAveragePool", {"x0"}, {"y"});
    expect_oracle(n.done(), "GlobalAveragePool");
  }
  {
    Net n(5);
    n.b.node("ReduceMean", {"x0"}, {"y"}).ints("axes", {2, 3}).i("keepdims", 1);
    expect_oracle(n.done(), "ReduceMean");
  }
}

// ----------------------------------------------------------------- resize

TEST(OpsVsOpenCV, ResizeNearestAndLinearModes) {
  struct Case { const char* mode; const char* coord; const char* nearest; bool sizes; };
  const Case cases[] = {
      {"nearest", "asymmetric", "floor", false},
      {"nearest", "half_pixel", "round_prefer_floor", false},
      {"nearest", "asymmetric", "floor", true},
      {"linear", "half_pixel", "round_prefer_floor", false},
      {"linear", "asymmetric", "round_prefer_floor", false},
      {"linear", "align_corners", "round_prefer_floor", true},
      {"linear", "pytorch_half_pixel", "round_prefer_floor", false},
      {"linear", "half_pixel", "round_prefer_floor", true},
  };
  for (const auto& c : cases) {
    Net n(5);
    if (c.sizes) {
      n.b.int64_initializer("sizes", {4}, {1, 5, 20, 30});  // non-integer ratios
      n.b.initializer("roi", {0}, {});
      n.b.initializer("scales", {0}, {});
      n.b.node("Resize", {"x0", "roi", "scales", "sizes"}, {"y"}, "rs").s("mode", c.mode)
          .s("coordinate_transformation_mode", c.coord).s("nearest_mode", c.nearest);
    } else {
      n.b.initializer("roi", {0}, {});
      n.b.initializer("scales", {4}, {1.f, 1.f, 2.f, 2.f});
      n.b.node("Resize", {"x0", "roi", "scales"}, {"y"}, "rs").s("mode", c.mode)
          .s("coordinate_transformation_mode", c.coord).s("nearest_mode", c.nearest);
    }
    const std::string what = std::string(c.mode) + " " + c.coord + " " + c.nearest +
                             (c.sizes ? " sizes" : " scales 2");
    expect_oracle(n.done(), what.c_str());
  }
}

TEST(OpsVsOpenCV, UpsampleOpset9) {
  Net n(5, H, W, 9);
  n.b.initializer("scales", {4}, {1.f, 1.f, 2.f, 2.f});
  n.b.node("Upsample", {"x0", "scales"}, {"y"}).s("mode", "nearest");
  expect_oracle(n.done(), "Upsample nearest x2");
}

// ----------------------------------------------------------------- a whole small network

// conv-bn-relu6, depthwise, residual add, squeeze-excite (GlobalAveragePool, 1x1 convs,
// HardSigmoid, Mul), HardSwish spelled out, stride-2 downsample, upsample + concat, two heads.
OnnxBuilder small_network(int h, int w) {
  Net n(3, h, w, 13, 21);
  OnnxBuilder& b = n.b;
  auto bn = [&](const std::string& in, const std::string& out, int c) {
    n.vector(out + "_s", c, 0.5f, 1.5f);
    n.vector(out + "_b", c);
    n.vector(out + "_m", c);
    n.vector(out + "_v", c, 0.3f, 2.f);
    b.node("BatchNormalization", {in, out + "_s", out + "_b", out + "_m", out + "_v"}, {out}, out);
  };
  n.conv("x0", "c1", 3, 8, 3, 3, 1, false).ints("strides", {2, 2}).ints("pads", {1, 1, 1, 1});
  bn("c1", "bn1", 8);
  b.node("Clip", {"bn1"}, {"r1"}).f("min", 0.f).f("max", 6.f);
  n.conv("r1", "dw", 8, 8, 3, 3, 8).ints("pads", {1, 1, 1, 1});
  b.node("Relu", {"dw"}, {"dwr"});
  n.conv("dwr", "pw", 8, 8, 1, 1);
  b.node("Add", {"pw", "r1"}, {"res"});                   // residual
  b.node("GlobalAveragePool", {"res"}, {"gap"});          // squeeze-excite
  n.conv("gap", "se1", 8, 4, 1, 1);
  b.node("Relu", {"se1"}, {"se1r"});
  n.conv("se1r", "se2", 4, 8, 1, 1);
  b.node("HardSigmoid", {"se2"}, {"gate"}).f("alpha", 1.f / 6.f).f("beta", 0.5f);
  // Gate first: OpenCV 4.6 gets the output shape of Mul(map, 1x1 gate) wrong in this graph
  // (1x1 instead of HxW); the importer's own tests cover both operand orders.
  b.node("Mul", {"gate", "res"}, {"se"});
  n.conv("se", "c2", 8, 12, 3, 3).ints("strides", {2, 2}).ints("pads", {1, 1, 1, 1});
  b.initializer("three", {}, {3.f});                      // x * clip(x + 3, 0, 6) / 6
  b.initializer("six", {}, {6.f});
  b.node("Add", {"c2", "three"}, {"c2p3"});
  b.node("Clip", {"c2p3"}, {"c2r6"}).f("min", 0.f).f("max", 6.f);
  b.node("Mul", {"c2", "c2r6"}, {"c2m"});
  b.node("Div", {"c2m", "six"}, {"hs"});
  b.initializer("up_scales", {4}, {1.f, 1.f, 2.f, 2.f});
  b.initializer("roi", {0}, {});
  b.node("Resize", {"hs", "roi", "up_scales"}, {"up"}).s("mode", "nearest")
      .s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", "floor");
  b.node("Concat", {"up", "se"}, {"cat"}).i("axis", 1);
  n.conv("cat", "head_a", 20, 5, 1, 1);
  n.conv("cat", "head_b_pre", 20, 3, 3, 3).ints("pads", {1, 1, 1, 1});
  b.node("Sigmoid", {"head_b_pre"}, {"head_b"});
  b.output("head_a");
  b.output("head_b");
  return b;
}

TEST(OpsVsOpenCV, WholeSmallNetwork) {
  for (const auto& size : {std::pair<int, int>{32, 48}, std::pair<int, int>{64, 64}}) {
    OracleComparison cmp;
    EXPECT_TRUE(matches_opencv(small_network(size.first, size.second), 3, 0.f, 4.f, &cmp))
        << size.first << "x" << size.second;
    EXPECT_GT(cmp.max_abs_output, 0.01f) << "a dead network would agree trivially";
    std::printf("small network %dx%d: %zu values, max |error| %.3g, max |output| %.3g\n",
                size.first, size.second, cmp.values, double(cmp.max_abs_error),
                double(cmp.max_abs_output));
  }
  // The passes did their work on it: BN folded, HardSwish recognised and fused into its conv.
  ir::Graph g = ir::import_onnx_from_memory(small_network(32, 48).bytes(), "small.onnx");
  ir::run_default_passes(g);
  int hardswish_convs = 0;
  for (const auto& n : g.nodes) {
    EXPECT_NE(n.kind, ir::OpKind::Affine) << n.name;
    if (n.kind == ir::OpKind::Conv && n.as<ir::ConvParams>().act.kind == ir::ActKind::HardSwish) {
      ++hardswish_convs;
    }
  }
  EXPECT_EQ(hardswish_convs, 1);
}

}  // namespace
}  // namespace dcnn::test

// ----------------------------------------------------------------- the shipped models

namespace dcnn::test {
namespace {

// The converted demo models (./scripts/setup.sh) in their OpenCV-compatible form, with pixel
// values as the executor receives them (0..255; the models normalise inside the graph).
TEST(ShippedModelsVsOpenCV, EveryOutputAgreesAfterAllPasses) {
  for (const char* name : {"posenet", "movenet-lightning", "centernet", "movenet-multipose"}) {
    const std::string path = source_path(std::string("models/") + name + ".opencv.onnx");
    if (!file_exists(path)) {
      ADD_FAILURE() << missing_asset_message(path);
      continue;
    }
    std::ifstream file(path, std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    OnnxBuilder model;
    ASSERT_TRUE(model.proto().ParseFromString(bytes.str())) << path;
    OracleComparison cmp;
    EXPECT_TRUE(matches_opencv(model, 7, 0.f, 255.f, &cmp)) << path;
    std::printf("%s: %zu values, max |error| %.3g, max |output| %.3g\n", name, cmp.values,
                double(cmp.max_abs_error), double(cmp.max_abs_output));
  }
}

}  // namespace
}  // namespace dcnn::test

namespace dcnn::test {
namespace {

// MobileNetV3 as the TF.js converter writes it (CenterNet): weights stored in fp16, so "1/6" is
// 0.16662598; HardSwish as (x * k) * relu6(x + 3); the squeeze-excite gate as relu6(conv + 3) * k.
// The passes rewrite all of it (HardSwish + exact 6k correction, positive scale folded through
// the gate's ReLU6); OpenCV runs the ONNX literally, so agreement proves the rewrites exact.
OnnxBuilder tfjs_mobilenet_v3_block(bool residual_user) {
  Net n(3, 24, 40, 13, 17);
  OnnxBuilder& b = n.b;
  const float k = 0.16662598f;
  b.initializer("k", {}, {k});
  b.initializer("three", {}, {3.f});
  n.conv("x0", "c1", 3, 8, 3, 3).ints("strides", {2, 2}).ints("pads", {0, 0, 1, 1});
  b.node("Mul", {"k", "c1"}, {"c1k"});
  b.node("Add", {"c1", "three"}, {"c1p3"});
  b.node("Clip", {"c1p3"}, {"c1r6"}).f("min", 0.f).f("max", 6.f);
  b.node("Mul", {"c1k", "c1r6"}, {"hs"});
  n.conv("hs", "dw", 8, 8, 3, 3, 8).ints("pads", {1, 1, 1, 1});
  b.node("Relu", {"dw"}, {"dwr"});
  b.node("GlobalAveragePool", {"dwr"}, {"gap"});
  n.conv("gap", "se1", 8, 4, 1, 1);
  b.node("Relu", {"se1"}, {"se1r"});
  n.conv("se1r", "se2", 4, 8, 1, 1);
  b.node("Add", {"se2", "three"}, {"se2p3"});
  b.node("Clip", {"se2p3"}, {"se2r6"}).f("min", 0.f).f("max", 6.f);
  b.node("Mul", {"se2r6", "k"}, {"gate"});
  b.node("Mul", {"gate", "dwr"}, {"se"});
  n.conv("se", "proj", 8, 8, 1, 1);
  if (residual_user) {
    b.node("Add", {"proj", "hs"}, {"y"});
  } else {
    n.conv("proj", "y", 8, 6, 1, 1);
  }
  b.output("y");
  return b;
}

TEST(OpsVsOpenCV, Fp16SpelledHardSwishAndSqueezeExciteAreRewrittenExactly) {
  for (bool residual : {false, true}) {
    const OnnxBuilder model = tfjs_mobilenet_v3_block(residual);
    EXPECT_TRUE(matches_opencv(model, 2, 0.f, 255.f)) << (residual ? "residual" : "plain");
    ir::Graph g = ir::import_onnx_from_memory(model.bytes(), "mnv3.onnx");
    ir::run_default_passes(g);
    int affines = 0, hardswish = 0, clip_gates = 0;
    for (const auto& node : g.nodes) {
      affines += node.kind == ir::OpKind::Affine;
      if (node.kind == ir::OpKind::Conv) {
        const auto& act = node.as<ir::ConvParams>().act;
        hardswish += act.kind == ir::ActKind::HardSwish;
        if (act.kind == ir::ActKind::Clip) {
          ++clip_gates;
          EXPECT_FLOAT_EQ(act.beta, 6.f * 0.16662598f) << "the gate's k moved inside the clip";
        }
      }
    }
    EXPECT_EQ(hardswish, 1);
    EXPECT_EQ(clip_gates, 1);
    // The 6k correction folds into the depthwise conv, unless the residual Add also reads it.
    EXPECT_EQ(affines, residual ? 1 : 0);
  }
}

}  // namespace
}  // namespace dcnn::test
