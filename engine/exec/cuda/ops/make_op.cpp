// Node kind -> CUDA op, one file per op under ops/.
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/cuda_ops.h"

namespace dcnn::cuda_exec {

std::unique_ptr<CudaOp> make_cuda_op(const ir::Node& node, const ir::Graph& graph,
                                     const CompileContext& cc) {
  switch (node.kind) {
    case ir::OpKind::Conv: return make_cuda_conv_op(node, graph, cc);
    case ir::OpKind::Activation: return make_cuda_activation_op(node, graph);
    case ir::OpKind::Affine: return make_cuda_affine_op(node, graph);
    case ir::OpKind::Add: return make_cuda_add_op(node, graph);
    case ir::OpKind::Binary: return make_cuda_binary_op(node, graph);
    case ir::OpKind::Concat: return make_cuda_concat_op(node, graph);
    case ir::OpKind::Pool: return make_cuda_pool_op(node, graph);
    case ir::OpKind::GlobalPool: return make_cuda_global_pool_op(node, graph);
    case ir::OpKind::Resize: return make_cuda_resize_op(node, graph);
    case ir::OpKind::ConvTranspose: return make_cuda_conv_transpose_op(node, graph);
  }
  throw Error(ErrorKind::Unsupported, "node '" + node.name + "': op kind " +
                                          std::to_string(int(node.kind)) +
                                          " has no CUDA implementation");
}

}  // namespace dcnn::cuda_exec
