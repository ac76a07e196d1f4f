// State of one ONNX import: the IR graph being built, the constants known so far, and the node
// being translated (so every error names file, node and op without each op repeating it).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "engine/core/error.h"
#include "engine/ir/graph.h"
#include "engine/ir/onnx/const_tensor.h"

namespace dcnn::ir::onnximport {

class ImportContext {
 public:
  ImportContext(std::string source, int64_t opset);

  const std::string& source() const { return source_; }
  int64_t opset() const { return opset_; }
  Graph& graph() { return graph_; }
  Graph take_graph() { return std::move(graph_); }

  // The node being translated; errors name it.
  void begin_node(const onnx::NodeProto& node, const std::string& ir_name);
  const onnx::NodeProto& node() const { return *node_; }
  const std::string& node_name() const { return node_name_; }
  const std::string& op() const { return node_->op_type(); }

  // Errors naming file, node and op: "<file>: node 'n' (Op): <what>".
  [[noreturn]] void fail(ErrorKind kind, const std::string& what) const;
  [[noreturn]] void unsupported(const std::string& what) const { fail(ErrorKind::Unsupported, what); }
  [[noreturn]] void model_error(const std::string& what) const { fail(ErrorKind::Model, what); }

  // ---- values
  bool is_constant(const std::string& name) const { return constants_.count(name) != 0; }
  bool is_runtime(const std::string& name) const { return runtime_.count(name) != 0; }
  const ConstTensor& constant(const std::string& name) const;
  void set_constant(const std::string& name, ConstTensor value);
  int runtime(const std::string& name) const;  // IR tensor id
  void set_runtime(const std::string& name, int tensor_id) { runtime_[name] = tensor_id; }
  // A feature map's ONNX dims [1, C, H, W].
  std::vector<int64_t> runtime_dims(const std::string& name) const;

  // The node's i-th input: "" when absent (index past the end or empty name).
  std::string input(int i) const;
  int num_inputs() const { return node_->input_size(); }
  // The i-th input, which must be a constant; error naming what it is for otherwise.
  const ConstTensor& constant_input(int i, const char* what) const;
  // Same, for weights and other values the network computes with: a NaN or an infinity in
  // it is an error naming the input (it would make every output NaN, or silently wrong).
  const ConstTensor& finite_input(int i, const char* what) const;
  // Throws the same error for a constant read another way.
  void require_finite(const ConstTensor& t, const std::string& name, const std::string& what) const;
  // Same, as integers (indices, axes, shapes, sizes): a NaN in it is an error naming the input,
  // never an int64 conversion of NaN (undefined behaviour; found by fuzz_onnx_import).
  std::vector<int64_t> int_input(int i, const char* what) const;
  // The i-th input, which must be a feature map.
  int runtime_input(int i) const;

  // Appends an IR node for the current ONNX node, writing its first output; infers its shape.
  int add_node(OpKind kind, std::vector<int> inputs, NodeParams params);

  // ---- attributes of the current node
  // Unknown attributes are refused: silently ignoring one would compute something else.
  void allow_attributes(std::initializer_list<const char*> names) const;
  bool has_attr(const char* name) const;
  int64_t attr_int(const char* name, int64_t fallback) const;
  float attr_float(const char* name, float fallback) const;
  std::string attr_string(const char* name, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const char* name, std::vector<int64_t> fallback) const;
  std::vector<float> attr_floats(const char* name, std::vector<float> fallback) const;
  const onnx::AttributeProto* attr(const char* name) const;

 private:
  const onnx::AttributeProto* typed_attr(const char* name, onnx::AttributeProto::AttributeType type,
                                         const char* type_name) const;

  std::string source_;
  int64_t opset_;
  Graph graph_;
  std::map<std::string, ConstTensor> constants_;
  std::map<std::string, int> runtime_;
  const onnx::NodeProto* node_ = nullptr;
  std::string node_name_;
};

}  // namespace dcnn::ir::onnximport
