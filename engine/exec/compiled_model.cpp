#include "engine/exec/compiled_model.h"

#include <cblas.h>

#include <mutex>

#include "engine/core/error.h"
#include "engine/exec/cuda_backend.h"
#include "engine/exec/ops/activation.h"
#include "engine/exec/ops/add.h"
#include "engine/exec/ops/affine.h"
#include "engine/exec/ops/binary.h"
#include "engine/exec/ops/concat.h"
#include "engine/exec/ops/conv.h"
#include "engine/exec/ops/conv_transpose.h"
#include "engine/exec/ops/global_pool.h"
#include "engine/exec/ops/pool.h"
#include "engine/exec/ops/resize.h"
#include "engine/ir/passes.h"
#include "kernels/cpu/gather_gemm_bf16.h"

namespace dcnn {

const char* to_string(Backend backend) noexcept {
  switch (backend) {
    case Backend::Cpu: return "cpu";
    case Backend::Cuda: return "cuda";
  }
  return "?";
}

const char* to_string(Precision precision) noexcept {
  switch (precision) {
    case Precision::F16: return "fp16";
    case Precision::BF16: return "bf16";
    case Precision::F32: break;
  }
  return "fp32";
}

const char* to_string(DeltaForm form) noexcept {
  return form == DeltaForm::Recompute ? "recompute" : "propagate";
}

CompiledModel::CompiledModel(ir::Graph graph, Backend backend, const InputNormalization& norm,
                             std::vector<std::unique_ptr<Op>> ops, Precision precision)
    : graph_(std::move(graph)), backend_(backend), precision_(precision), norm_(norm), ops_(std::move(ops)) {
  std::vector<NodeInfo> nodes;
  nodes.reserve(ops_.size());
  for (const auto& op : ops_)
    nodes.push_back(NodeInfo{op->name(), op->kind_name(), op->output_shape(), op->output(),
                             op->macs(), op->has_threshold(), op->can_truncate_linear()});
  set_nodes(std::move(nodes));
  if (backend_ == Backend::Cpu) cpu_runner_ = std::make_unique<CpuFrameRunner>();
}

void CompiledModel::set_nodes(std::vector<NodeInfo> nodes) {
  nodes_ = std::move(nodes);
  total_macs_ = 0;
  for (const NodeInfo& n : nodes_) total_macs_ += n.macs;
}

std::vector<int64_t> CompiledModel::node_macs() const {
  std::vector<int64_t> macs;
  macs.reserve(nodes_.size());
  for (const NodeInfo& n : nodes_) macs.push_back(n.macs);
  return macs;
}

namespace {

std::unique_ptr<Op> make_cpu_op(const ir::Node& node, const ir::Graph& graph, Precision precision) {
  switch (node.kind) {
    case ir::OpKind::Conv: return make_conv_op(node, graph, precision == Precision::BF16);
    case ir::OpKind::ConvTranspose: return make_conv_transpose_op(node, graph);
    case ir::OpKind::Activation: return make_activation_op(node, graph);
    case ir::OpKind::Affine: return make_affine_op(node, graph);
    case ir::OpKind::Add: return make_add_op(node, graph);
    case ir::OpKind::Binary: return make_binary_op(node, graph);
    case ir::OpKind::Concat: return make_concat_op(node, graph);
    case ir::OpKind::Pool: return make_pool_op(node, graph);
    case ir::OpKind::GlobalPool: return make_global_pool_op(node, graph);
    case ir::OpKind::Resize: return make_resize_op(node, graph);
  }
  throw Error(ErrorKind::Unsupported, "node '" + node.name + "': op kind " +
                                          std::to_string(int(node.kind)) + " has no CPU implementation");
}

void check_graph(const ir::Graph& graph) {
  const std::string where = graph.source.empty() ? std::string("graph") : graph.source;
  const int n = int(graph.tensors.size());
  if (graph.input < 0 || graph.input >= n)
    throw Error(ErrorKind::Model, where + ": no image input tensor (input id " +
                                      std::to_string(graph.input) + ")");
  if (graph.outputs.empty())
    throw Error(ErrorKind::Model, where + ": the graph has no output");
  // Every tensor a node reads must be the input or written by an earlier node (topological order).
  std::vector<bool> ready(size_t(n), false);
  ready[size_t(graph.input)] = true;
  for (const ir::Node& node : graph.nodes) {
    for (int id : node.inputs)
      if (id < 0 || id >= n || !ready[size_t(id)])
        throw Error(ErrorKind::Model, where + ": node '" + node.name + "' reads tensor " +
                                          (id >= 0 && id < n ? "'" + graph.tensors[size_t(id)].name + "'"
                                                             : std::to_string(id)) +
                                          " before any node writes it");
    if (node.output < 0 || node.output >= n || ready[size_t(node.output)])
      throw Error(ErrorKind::Model, where + ": node '" + node.name +
                                        "' writes an invalid or already written tensor");
    ready[size_t(node.output)] = true;
  }
  for (int id : graph.outputs)
    if (id < 0 || id >= n || !ready[size_t(id)])
      throw Error(ErrorKind::Model, where + ": graph output " + std::to_string(id) +
                                        " is not produced by any node");
}

}  // namespace

Precision runnable_precision(Precision wanted, Backend backend, std::string* why) {
  std::string reason;
  if (wanted == Precision::F16 && backend != Backend::Cuda)
    reason = "fp16 is the CUDA backend's (activations stored in half precision)";
  else if (wanted == Precision::BF16 && backend != Backend::Cpu)
    reason = "bf16 is the CPU backend's (AVX-512 BF16 GEMMs)";
  else if (wanted == Precision::BF16 && !cpu::cpu_has_bf16())
    reason = "this CPU has no AVX-512 BF16 (AMD Zen 4 or newer, Intel Sapphire Rapids or newer)";
  if (why) *why = reason;
  return reason.empty() ? wanted : Precision::F32;
}

namespace {

// The model's own normalisation joins the configured one: s * (x - mean) / std + t is
// (x - (mean - t * std / s)) / (std / s), one multiply-add per value in the pre-processing
// instead of a graph op over the whole input (ir/passes.h, take_input_affine). Done here so
// that every backend and every caller (the element, the tools, the tests) runs the same graph.
InputNormalization with_model_normalization(ir::Graph& graph, const InputNormalization& configured) {
  InputNormalization norm = configured;
  ir::InputAffine taken;
  if (ir::take_input_affine(graph, taken))
    for (int c = 0; c < 3; ++c) {
      norm.mean[c] -= taken.shift[c] * norm.std[c] / taken.scale[c];
      norm.std[c] /= taken.scale[c];
    }
  return norm;
}

// compile_model builds what it is asked for or refuses (Model::load resolves a config's wishes
// through runnable_precision first).
void require_runnable(Precision precision, Backend backend) {
  std::string why;
  if (runnable_precision(precision, backend, &why) != precision)
    throw Error(ErrorKind::Unsupported, std::string("precision '") + to_string(precision) + "' cannot run on backend '" +
                                            to_string(backend) + "': " + why + "; use precision 'fp32'");
}

}  // namespace

std::shared_ptr<const CompiledModel> compile_model(ir::Graph graph, Backend backend,
                                                   const InputNormalization& configured, int device_id,
                                                   Precision precision) {
  const InputNormalization norm = with_model_normalization(graph, configured);
  if (backend == Backend::Cuda) {
    std::string why;
    const cuda_exec::CudaBackendApi* cuda = cuda_exec::cuda_backend(&why);
    if (!cuda) throw Error(ErrorKind::Device, "backend 'cuda': " + why + "; use backend 'cpu'");
    require_runnable(precision, backend);  // (bf16 would silently be fp32 storage there)
    check_graph(graph);
    return cuda->compile(std::move(graph), norm, device_id, precision);
  }
  (void)device_id;
  require_runnable(precision, backend);
  // Our kernels parallelise with OpenMP; a second (OpenBLAS) thread pool would oversubscribe.
  static std::once_flag blas_threads_once;
  std::call_once(blas_threads_once, [] { openblas_set_num_threads(1); });

  check_graph(graph);
  std::vector<std::unique_ptr<Op>> ops;
  ops.reserve(graph.nodes.size());
  for (const ir::Node& node : graph.nodes) ops.push_back(make_cpu_op(node, graph, precision));
  // The ops hold the conv weights in their own layouts (ours for the sparse kernels, oneDNN's
  // for dense passes); the graph's ONNX-layout copy is not read again (19 MB for MultiPose).
  for (ir::Node& node : graph.nodes) {
    if (auto* p = std::get_if<ir::ConvParams>(&node.params)) std::vector<float>().swap(p->weights);
    if (auto* p = std::get_if<ir::ConvTransposeParams>(&node.params)) std::vector<float>().swap(p->weights);
  }
  return std::make_shared<const CompiledModel>(std::move(graph), backend, norm, std::move(ops), precision);
}

}  // namespace dcnn
