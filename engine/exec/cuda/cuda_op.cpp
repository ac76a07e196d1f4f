#include "engine/exec/cuda/cuda_op.h"

#include "engine/core/error.h"

namespace dcnn::cuda_exec {

CudaOp::CudaOp(const ir::Node& node, const ir::Graph& graph)
    : name_(node.name), kind_name_(op_kind_name(node.kind)), onnx_op_(node.onnx_op),
      inputs_(node.inputs), output_(node.output) {
  // compile_model's graph check has validated the ids and the topological order.
  for (int id : inputs_) input_shapes_.push_back(graph.tensors.at(size_t(id)).shape);
  output_shape_ = graph.tensors.at(size_t(output_)).shape;
  if (output_shape_.size() <= 0)
    throw Error(ErrorKind::Model, where() + "output '" + graph.tensors[size_t(output_)].name +
                                      "' has no shape (" + output_shape_.str() +
                                      "); expected shape inference to have run");
}

std::string CudaOp::where() const {
  return "node '" + name_ + "' (" + (onnx_op_.empty() ? kind_name_ : onnx_op_) + "): ";
}

void CudaOp::copy(void* dst, const void* src, size_t bytes, const CudaOpContext& ctx) const {
  check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, ctx.frame.stream),
        "cudaMemcpyAsync (device to device)");
}

}  // namespace dcnn::cuda_exec
