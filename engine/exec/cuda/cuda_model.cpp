#include "engine/exec/cuda/cuda_model.h"

#include <cudnn.h>

#include "engine/core/error.h"
#include "engine/exec/cuda/gpu_stream.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "kernels/cuda/device.h"

namespace dcnn::cuda_exec {
namespace {

// cuDNN may pick faster algorithms with more workspace; this caps what one conv may ask for
// (each stream allocates the largest once).
constexpr size_t kConvWorkspaceLimit = size_t{256} << 20;

void select_device(int device_id) {
  std::string why;
  const int n = cuda::device_count(&why);
  if (n == 0)
    throw Error(ErrorKind::Device, "backend 'cuda': no usable CUDA device (" + why +
                                       "); use backend 'cpu'");
  if (device_id < 0 || device_id >= n)
    throw Error(ErrorKind::Device, "backend 'cuda': device_id " + std::to_string(device_id) +
                                       " does not exist; this machine has " + std::to_string(n) +
                                       " CUDA device(s), ids 0.." + std::to_string(n - 1));
  check(cudaSetDevice(device_id), "device " + std::to_string(device_id) + ": ", "cudaSetDevice");
}

// Owns the cuDNN handle used while compiling (algorithm choice); streams have their own.
struct CudnnHandle {
  cudnnHandle_t h = nullptr;
  CudnnHandle() { check(cuda::check_cudnn(cudnnCreate(&h), "cudnnCreate"), "model compile: "); }
  ~CudnnHandle() {
    if (h) cudnnDestroy(h);
  }
};

}  // namespace

CudaCompiledModel::CudaCompiledModel(ir::Graph graph, const InputNormalization& norm, int device_id,
                                     Precision precision)
    : CompiledModel(std::move(graph), Backend::Cuda, norm, {}, precision), device_id_(device_id) {
  CudnnHandle cudnn;
  CompileContext cc;
  cc.cudnn = cudnn.h;
  cc.storage = storage();
  cc.workspace_limit = kConvWorkspaceLimit;
  const ir::Graph& g = this->graph();
  ops_.reserve(g.nodes.size());
  std::vector<NodeInfo> nodes;
  nodes.reserve(g.nodes.size());
  for (const ir::Node& node : g.nodes) {
    ops_.push_back(make_cuda_op(node, g, cc));
    const CudaOp& op = *ops_.back();
    workspace_bytes_ = std::max(workspace_bytes_, op.workspace_bytes());
    nodes.push_back(NodeInfo{op.name(), op.kind_name(), op.output_shape(), op.output(), op.macs(),
                             op.has_threshold(), op.can_truncate_linear()});
  }
  set_nodes(std::move(nodes));  // what tools see of a CUDA model (its ops() stay empty)
}

CudaCompiledModel::~CudaCompiledModel() {
  // Device buffers are freed on the device they were allocated on.
  cudaSetDevice(device_id_);
  ops_.clear();
}

const CudaCompiledModel& cuda_model_of(const CompiledModel& model) {
  if (model.backend() != Backend::Cuda)
    throw Error(ErrorKind::Internal, "a CUDA stream was asked for a model compiled for backend '" +
                                         std::string(to_string(model.backend())) + "'");
  // Backend::Cuda models are only ever made by compile_cuda_model.
  return static_cast<const CudaCompiledModel&>(model);
}

std::shared_ptr<const CompiledModel> compile_cuda_model(ir::Graph graph,
                                                        const InputNormalization& norm,
                                                        int device_id, Precision precision) {
  select_device(device_id);
  return std::make_shared<const CudaCompiledModel>(std::move(graph), norm, device_id, precision);
}

}  // namespace dcnn::cuda_exec
