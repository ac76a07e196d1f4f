#include "engine/exec/op_node.h"

#include "engine/core/error.h"

namespace dcnn {

const char* op_kind_name(ir::OpKind kind) noexcept {
  switch (kind) {
    case ir::OpKind::Conv: return "Conv";
    case ir::OpKind::ConvTranspose: return "ConvTranspose";
    case ir::OpKind::Activation: return "Activation";
    case ir::OpKind::Affine: return "Affine";
    case ir::OpKind::Add: return "Add";
    case ir::OpKind::Binary: return "Binary";
    case ir::OpKind::Concat: return "Concat";
    case ir::OpKind::Pool: return "Pool";
    case ir::OpKind::GlobalPool: return "GlobalPool";
    case ir::OpKind::Resize: return "Resize";
  }
  return "?";
}

OpNode::OpNode(const ir::Node& node, const ir::Graph& graph)
    : name_(node.name), kind_name_(op_kind_name(node.kind)), onnx_op_(node.onnx_op),
      inputs_(node.inputs), output_(node.output) {
  // compile_model's graph check has validated the ids already (both backends); checking again
  // keeps the class safe on its own: an Internal error rather than an out-of-range read.
  const int num_tensors = int(graph.tensors.size());
  for (int id : inputs_) {
    if (id < 0 || id >= num_tensors)
      throw Error(ErrorKind::Internal, where() + "input tensor id " + std::to_string(id) +
                                           " is out of range (graph has " +
                                           std::to_string(num_tensors) + " tensors)");
    input_shapes_.push_back(graph.tensors[size_t(id)].shape);
  }
  if (output_ < 0 || output_ >= num_tensors)
    throw Error(ErrorKind::Internal, where() + "output tensor id " + std::to_string(output_) +
                                         " is out of range");
  output_shape_ = graph.tensors[size_t(output_)].shape;
  if (output_shape_.size() <= 0)
    throw Error(ErrorKind::Model, where() + "output '" + graph.tensors[size_t(output_)].name +
                                      "' has no shape (" + output_shape_.str() +
                                      "); expected shape inference to have run");
}

std::string OpNode::where() const {
  return "node '" + name_ + "' (" + (onnx_op_.empty() ? kind_name_ : onnx_op_) + "): ";
}

}  // namespace dcnn
