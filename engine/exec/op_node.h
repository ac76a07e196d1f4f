// The backend-neutral half of a compiled op: which graph node it runs, the ids and shapes of its
// tensors, and how error messages name it. The CPU ops (Op, op.h) and the CUDA ops (CudaOp,
// cuda/cuda_op.h) both derive from it, so this bookkeeping and the checks the two op sets share
// (op_checks.h) are written once and fail the same way on either backend.
#pragma once

#include <string>
#include <vector>

#include "engine/core/shape.h"
#include "engine/ir/graph.h"

namespace dcnn {

class OpNode {
 public:
  // Throws Internal for tensor ids outside the graph, Model for an output without a shape.
  OpNode(const ir::Node& node, const ir::Graph& graph);
  OpNode(const OpNode&) = delete;
  OpNode& operator=(const OpNode&) = delete;

  const std::string& name() const { return name_; }
  const std::string& kind_name() const { return kind_name_; }
  const std::vector<int>& inputs() const { return inputs_; }
  int output() const { return output_; }
  const Shape& output_shape() const { return output_shape_; }
  const Shape& input_shape(size_t i) const { return input_shapes_.at(i); }
  // "node 'conv_3' (Conv): " for error messages.
  std::string where() const;

 protected:
  // Ops are owned and deleted through their backend's interface (Op, CudaOp), never as OpNode.
  ~OpNode() = default;

 private:
  std::string name_;
  std::string kind_name_;
  std::string onnx_op_;
  std::vector<int> inputs_;
  int output_ = -1;
  std::vector<Shape> input_shapes_;
  Shape output_shape_;
};

const char* op_kind_name(ir::OpKind kind) noexcept;

}  // namespace dcnn
