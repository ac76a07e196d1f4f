// Factories of the CUDA op set, one file per op (mirroring engine/exec/ops/).
#pragma once

#include <memory>

#include "engine/exec/cuda/cuda_op.h"

namespace dcnn::cuda_exec {

std::unique_ptr<CudaOp> make_cuda_conv_op(const ir::Node& node, const ir::Graph& graph,
                                          const CompileContext& cc);
std::unique_ptr<CudaOp> make_cuda_conv_transpose_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_activation_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_affine_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_add_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_binary_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_concat_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_pool_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_global_pool_op(const ir::Node& node, const ir::Graph& graph);
std::unique_ptr<CudaOp> make_cuda_resize_op(const ir::Node& node, const ir::Graph& graph);

// The op for `node`; Unsupported (naming the node) for a kind the CUDA backend cannot run.
std::unique_ptr<CudaOp> make_cuda_op(const ir::Node& node, const ir::Graph& graph,
                                     const CompileContext& cc);

}  // namespace dcnn::cuda_exec
