// Shape inference over the IR: every op's output shape, re-planning for a new input size, and
// Model errors naming the node on inconsistent graphs; validate() catching broken invariants.
#include <gtest/gtest.h>

#include "engine/ir/passes.h"
#include "engine/ir/shape_inference.h"
#include "tests/ir/ir_test_util.h"

namespace dcnn::test {
namespace {

// A small network touching every op kind.
OnnxBuilder every_op_net() {
  OnnxBuilder b;
  Rng rng(1);
  b.input("x", {1, 3, 32, 48});
  b.initializer("w1", {8, 3, 3, 3}, rng.uniform(216));
  b.node("Conv", {"x", "w1"}, {"c1"}, "c1").ints("pads", {1, 1, 1, 1}).ints("strides", {2, 2});  // 16x24x8
  b.node("Relu", {"c1"}, {"r1"});
  b.node("MaxPool", {"r1"}, {"p1"}).ints("kernel_shape", {2, 2}).ints("strides", {2, 2});        // 8x12x8
  b.node("GlobalAveragePool", {"p1"}, {"g"});                                                   // 1x1x8
  b.node("Mul", {"p1", "g"}, {"se"});
  b.initializer("k", {1, 8, 1, 1}, rng.uniform(8));
  b.node("Add", {"se", "k"}, {"aff"});
  b.node("Add", {"aff", "p1"}, {"res"});
  b.initializer("wt", {8, 4, 2, 2}, rng.uniform(128));
  b.node("ConvTranspose", {"res", "wt"}, {"up"}).ints("strides", {2, 2});                        // 16x24x4
  b.initializer("sc", {4}, {1.f, 1.f, 2.f, 2.f});
  b.node("Resize", {"p1", "", "sc"}, {"rs"}, "rs");                                             // 16x24x8
  b.node("Concat", {"up", "rs", "c1"}, {"cat"}).i("axis", 1);                                    // 16x24x20
  b.node("AveragePool", {"cat"}, {"y"}).ints("kernel_shape", {3, 3}).ints("pads", {1, 1, 1, 1});
  b.output("y");
  return b;
}

TEST(ShapeInference, EveryOpAndReplanningForANewInputSize) {
  ir::Graph g = import_model(every_op_net());
  auto shape_of = [&](const char* name) { return g.tensor(g.find_tensor(name)).shape; };
  EXPECT_EQ(shape_of("c1"), (Shape{16, 24, 8}));
  EXPECT_EQ(shape_of("p1"), (Shape{8, 12, 8}));
  EXPECT_EQ(shape_of("g"), (Shape{1, 1, 8}));
  EXPECT_EQ(shape_of("se"), (Shape{8, 12, 8}));
  EXPECT_EQ(shape_of("up"), (Shape{16, 24, 4}));
  EXPECT_EQ(shape_of("rs"), (Shape{16, 24, 8}));
  EXPECT_EQ(shape_of("y"), (Shape{16, 24, 20}));
  // Re-plan in place: scales rule the Resize, so it follows the new size.
  g.tensor(g.input).shape = Shape{64, 32, 3};
  ir::infer_shapes(g);
  EXPECT_EQ(shape_of("y"), (Shape{32, 16, 20}));
  const ir::Node* rs = nodes_of(g, ir::OpKind::Resize)[0];
  EXPECT_EQ(rs->as<ir::ResizeParams>().out_h, 32);
  EXPECT_EQ(rs->as<ir::ResizeParams>().out_w, 16);
  EXPECT_NO_THROW(g.validate());
  ir::run_default_passes(g);
  EXPECT_EQ(out_shape(g), (Shape{32, 16, 20}));
}

TEST(ShapeInference, InconsistentGraphsNameTheNode) {
  ir::Graph g = import_model(every_op_net());
  // An input size the stride-2 pyramid cannot concat any more: 30x46 -> c1 15x23, p1 7x11,
  // up 14x22 vs c1 15x23.
  g.tensor(g.input).shape = Shape{30, 46, 3};
  EXPECT_TRUE(throws_error([&] { ir::infer_shapes(g); }, ErrorKind::Model,
                           {"Concat", "height/width"}));
  ir::Graph g2 = import_model(every_op_net());
  g2.tensor(g2.input).shape = Shape{32, 48, 4};  // conv c1 expects 3 channels
  EXPECT_TRUE(throws_error([&] { ir::infer_shapes(g2); }, ErrorKind::Model, {"'c1'", "input channels"}));
  ir::Graph g3 = import_model(every_op_net());
  g3.tensor(g3.input).shape = Shape{};
  EXPECT_TRUE(throws_error([&] { ir::infer_shapes(g3); }, ErrorKind::Model, {"input shape"}));
}

TEST(Validate, CatchesBrokenOrderDanglingIdsAndStaleShapes) {
  const ir::Graph good = import_model(every_op_net());
  EXPECT_NO_THROW(good.validate());
  {
    ir::Graph g = good;
    std::swap(g.nodes[0], g.nodes[1]);
    EXPECT_TRUE(throws_error([&] { g.validate(); }, ErrorKind::Internal, {"order"}));
  }
  {
    ir::Graph g = good;
    g.nodes[2].inputs[0] = 999;
    EXPECT_TRUE(throws_error([&] { g.validate(); }, ErrorKind::Internal, {"out of range"}));
  }
  {
    ir::Graph g = good;
    g.tensor(g.nodes[0].output).shape = Shape{3, 3, 3};
    EXPECT_TRUE(throws_error([&] { g.validate(); }, ErrorKind::Internal, {"c1", "3x3x3"}));
  }
  {
    ir::Graph g = good;
    g.nodes[1].output = g.nodes[0].output;
    EXPECT_TRUE(throws_error([&] { g.validate(); }, ErrorKind::Internal, {"already has a producer"}));
  }
}

TEST(GraphHelpers, FindTensorConsumersAndNames) {
  const ir::Graph g = import_model(every_op_net());
  EXPECT_EQ(g.find_tensor("nope"), -1);
  const int p1 = g.find_tensor("p1");
  ASSERT_GE(p1, 0);
  EXPECT_EQ(g.consumers(p1).size(), 4u);  // GlobalPool, Mul, Add(res), Resize
  EXPECT_STREQ(ir::to_string(ir::OpKind::ConvTranspose), "ConvTranspose");
  EXPECT_STREQ(ir::to_string(ir::ActKind::HardSwish), "HardSwish");
}

}  // namespace
}  // namespace dcnn::test
