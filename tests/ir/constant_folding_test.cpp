// Shape arithmetic evaluated at import: PyTorch-style Resize sizes computed from Shape(x), and
// each folding op on its own. A wrong fold shows up as a wrong Resize output size.
#include <gtest/gtest.h>

#include "tests/ir/ir_test_util.h"

namespace dcnn::test {
namespace {

// y = Resize(x, sizes = concat(shape(x)[0:2], floor(float(shape(x)[2:4]) * 2)))
// as torch.nn.functional.interpolate(scale_factor=2) exports it at opset 11.
OnnxBuilder pytorch_style_resize() {
  OnnxBuilder b(11);
  b.input("x", {1, 3, -1, -1});
  b.node("Shape", {"x"}, {"shape"});
  b.int64_constant("i2", {}, {2});
  b.int64_constant("i3", {}, {3});
  b.node("Gather", {"shape", "i2"}, {"h"}).i("axis", 0);
  b.node("Gather", {"shape", "i3"}, {"w"}).i("axis", 0);
  b.node("Cast", {"h"}, {"hf"}).i("to", onnx::TensorProto::FLOAT);
  b.node("Cast", {"w"}, {"wf"}).i("to", onnx::TensorProto::FLOAT);
  b.constant("two", {}, {2.f});
  b.node("Mul", {"hf", "two"}, {"h2"});
  b.node("Mul", {"wf", "two"}, {"w2"});
  b.node("Floor", {"h2"}, {"h2f"});
  b.node("Floor", {"w2"}, {"w2f"});
  b.node("Cast", {"h2f"}, {"h2i"}).i("to", onnx::TensorProto::INT64);
  b.node("Cast", {"w2f"}, {"w2i"}).i("to", onnx::TensorProto::INT64);
  b.node("Unsqueeze", {"h2i"}, {"h2u"}).ints("axes", {0});
  b.node("Unsqueeze", {"w2i"}, {"w2u"}).ints("axes", {0});
  b.int64_constant("s0", {1}, {0});
  b.int64_constant("s2", {1}, {2});
  b.node("Slice", {"shape", "s0", "s2"}, {"nc"});
  b.node("Concat", {"nc", "h2u", "w2u"}, {"sizes"}).i("axis", 0);
  b.initializer("roi", {0}, {});
  b.initializer("scales", {0}, {});
  b.node("Resize", {"x", "roi", "scales", "sizes"}, {"y"}, "up").s("mode", "nearest");
  b.output("y");
  return b;
}

TEST(ConstantFolding, PytorchResizeSizesFromShape) {
  const OnnxBuilder b = pytorch_style_resize();
  const ir::Graph g = import_model(b, {13, 17});
  ASSERT_EQ(g.nodes.size(), 1u) << "only the Resize is a layer";
  EXPECT_EQ(g.nodes[0].kind, ir::OpKind::Resize);
  EXPECT_EQ(out_shape(g), (Shape{26, 34, 3}));
  // A new input size re-plans the sizes.
  EXPECT_EQ(out_shape(import_model(b, {8, 5})), (Shape{16, 10, 3}));
}

TEST(ConstantFolding, SliceWithNegativeIndicesAndStepsSqueezeReshape) {
  OnnxBuilder b(11);  // Slice with inputs (opset >= 10), Squeeze with the axes attribute (< 13)
  b.input("x", {1, 4, 6, 8});
  b.node("Shape", {"x"}, {"shape"});               // [1, 4, 6, 8]
  b.int64_constant("st", {1}, {-1});
  b.int64_constant("en", {1}, {INT64_MIN});
  b.int64_constant("ax", {1}, {0});
  b.int64_constant("sp", {1}, {-1});
  b.node("Slice", {"shape", "st", "en", "ax", "sp"}, {"rev"});  // [8, 6, 4, 1]
  b.int64_constant("two", {1}, {2});
  b.int64_constant("inf", {1}, {INT64_MAX});
  b.node("Slice", {"rev", "two", "inf"}, {"tail"});  // [4, 1]
  b.int64_constant("shape2", {2}, {2, 1});
  b.node("Reshape", {"tail", "shape2"}, {"col"});   // [[4], [1]]
  b.node("Squeeze", {"col"}, {"sq"}).ints("axes", {1});  // [4, 1]
  b.int64_constant("i0", {}, {0});
  b.node("Gather", {"sq", "i0"}, {"c"}).i("axis", 0);      // 4
  b.node("Unsqueeze", {"c"}, {"ch"}).ints("axes", {0});    // [4]
  b.int64_constant("one", {1}, {1});
  b.int64_constant("hh", {1}, {12});
  b.node("Gather", {"rev", "ax"}, {"w"}).i("axis", 0);  // [8]
  b.node("Concat", {"one", "ch", "hh", "w"}, {"sizes"}).i("axis", 0);
  b.initializer("roi", {0}, {});
  b.initializer("scales", {0}, {});
  b.node("Resize", {"x", "roi", "scales", "sizes"}, {"y"});
  b.output("y");
  const ir::Graph g = import_model(b);
  EXPECT_EQ(out_shape(g), (Shape{12, 8, 4}));
}

TEST(ConstantFolding, ConstantOfShapeAndValueIntsAndArithmetic) {
  OnnxBuilder b(13);
  b.input("x", {1, 2, 5, 5});
  b.node("Constant", {}, {"dims"}).ints("value_ints", {2});
  b.node("ConstantOfShape", {"dims"}, {"ones"}).tensor("value", {1}, {1.f});  // [1, 1]
  b.node("Constant", {}, {"hw"}).floats("value_floats", {2.f, 3.f});
  b.node("Concat", {"ones", "hw"}, {"scales"}).i("axis", 0);  // [1, 1, 2, 3]
  b.node("Resize", {"x", "", "scales"}, {"y"});
  b.output("y");
  const ir::Graph g = import_model(b);
  EXPECT_EQ(out_shape(g), (Shape{10, 15, 2}));
}

TEST(ConstantFolding, IntegerDivisionTruncatesAndFloatStaysFloat) {
  OnnxBuilder b(13);
  b.input("x", {1, 2, 7, 9});
  b.node("Shape", {"x"}, {"s"});
  b.int64_constant("k", {4}, {1, 1, 2, 2});
  b.node("Div", {"s", "k"}, {"half"});  // [1, 2, 3, 4]
  b.node("Resize", {"x", "", "", "half"}, {"y"}).s("mode", "linear");
  b.output("y");
  EXPECT_EQ(out_shape(import_model(b)), (Shape{3, 4, 2}));
}

}  // namespace
}  // namespace dcnn::test
