// A small builder for ONNX models in tests: the engine's importer, the executor tests and the
// OpenCV-DNN oracle tests all need little hand-made networks with known weights, and writing
// ModelProto by hand in every test is noisy and error-prone.
//
// How to use it
//
//   #include "tests/common/onnx_builder.h"
//   using dcnn::test::OnnxBuilder;
//
//   OnnxBuilder b;                                   // opset 13, graph "test"
//   b.input("x", {1, 3, 13, 17});                    // float NCHW; N must be 1 for the engine
//   dcnn::test::Rng rng(42);                         // seeded: same weights on every run
//   b.initializer("w", {8, 3, 3, 3}, rng.uniform(8 * 3 * 3 * 3));
//   b.initializer("b", {8}, rng.uniform(8));
//   b.node("Conv", {"x", "w", "b"}, {"y"}, "conv1")  // name optional ("<op>_<index>" if empty)
//       .ints("kernel_shape", {3, 3}).ints("pads", {1, 1, 1, 1}).ints("strides", {2, 2});
//   b.node("Clip", {"y"}, {"z"}).f("min", 0.f).f("max", 6.f);  // attribute form (OpenCV 4.6)
//   b.output("z");                                    // shape optional
//   std::string bytes = b.bytes();                    // or b.save_temp("conv") -> file path
//
// Constants: b.constant("c", {1}, {3.f}) emits a Constant node; b.int64_initializer /
// b.int64_constant for shape-arithmetic inputs (Resize sizes, Clip min/max as inputs, ...).
// Anything the helpers do not cover: b.proto() gives the raw onnx::ModelProto, and node(...)
// returns a NodeRef whose proto() is the raw onnx::NodeProto.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace dcnn::test {

// Sets attributes on one node. Methods chain; the referenced node stays valid while more nodes
// are added (protobuf keeps repeated messages at stable addresses).
class NodeRef {
 public:
  explicit NodeRef(onnx::NodeProto* node) : node_(node) {}
  NodeRef& i(const std::string& name, int64_t value);
  NodeRef& f(const std::string& name, float value);
  NodeRef& s(const std::string& name, const std::string& value);
  NodeRef& ints(const std::string& name, const std::vector<int64_t>& values);
  NodeRef& floats(const std::string& name, const std::vector<float>& values);
  NodeRef& tensor(const std::string& name, const std::vector<int64_t>& dims,
                  const std::vector<float>& values);
  onnx::NodeProto& proto() { return *node_; }

 private:
  onnx::AttributeProto& add(const std::string& name, onnx::AttributeProto::AttributeType type);
  onnx::NodeProto* node_;
};

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int64_t opset = 13, const std::string& graph_name = "test");

  // Graph input of element type float. A dim < 0 becomes a symbolic ("dynamic") dimension.
  OnnxBuilder& input(const std::string& name, const std::vector<int64_t>& dims);
  // Graph output; dims may be empty (unknown shape), as exporters often leave it.
  OnnxBuilder& output(const std::string& name, const std::vector<int64_t>& dims = {});

  // Float initializer; values.size() must equal the product of dims (checked: throws
  // std::invalid_argument, since a wrong test model is a bug in the test).
  OnnxBuilder& initializer(const std::string& name, const std::vector<int64_t>& dims,
                           const std::vector<float>& values);
  OnnxBuilder& int64_initializer(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<int64_t>& values);
  // Same values as a Constant node (the other way exporters write constants).
  NodeRef constant(const std::string& name, const std::vector<int64_t>& dims,
                   const std::vector<float>& values);
  NodeRef int64_constant(const std::string& name, const std::vector<int64_t>& dims,
                         const std::vector<int64_t>& values);

  // Adds a node; an empty input name means an omitted optional input (ONNX convention).
  NodeRef node(const std::string& op_type, const std::vector<std::string>& inputs,
               const std::vector<std::string>& outputs, const std::string& name = "");

  std::string bytes() const;  // serialised ModelProto
  // Writes the model to `path`; returns path.
  std::string save(const std::string& path) const;
  // Writes to a fresh file under the temp dir (TEST_TMPDIR/TMPDIR or /tmp) whose name starts
  // with `stem`; returns its path. The caller may delete it; leftovers live in the temp dir.
  std::string save_temp(const std::string& stem) const;

  onnx::ModelProto& proto() { return model_; }
  const onnx::ModelProto& proto() const { return model_; }

 private:
  onnx::ModelProto model_;
};

// Deterministic random numbers for weights and inputs (std::mt19937 with a fixed seed, so a
// failing test fails the same way every time).
class Rng {
 public:
  explicit Rng(uint32_t seed) : engine_(seed) {}
  std::vector<float> uniform(size_t n, float lo = -1.f, float hi = 1.f);
  std::vector<float> normal(size_t n, float mean = 0.f, float stddev = 1.f);
  float uniform1(float lo = -1.f, float hi = 1.f);

 private:
  std::mt19937 engine_;
};

int64_t element_count(const std::vector<int64_t>& dims);

}  // namespace dcnn::test
