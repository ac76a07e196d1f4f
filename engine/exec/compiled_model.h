// A model compiled for one backend: the graph, one Op per node (weights re-laid out once) and
// the input normalisation. Immutable after compile_model(), so any number of Executors (streams)
// share it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/exec/cpu_frame_runner.h"
#include "engine/exec/executor.h"
#include "engine/exec/op.h"

namespace dcnn {

// The per-node facts tools and planners need, the same for every backend (ops() holds CPU ops
// only; a CUDA model keeps its ops in engine/exec/cuda).
struct NodeInfo {
  std::string name;       // ONNX node name (the keys of delta.layer_thresholds)
  std::string kind;       // as in LayerStat::op
  Shape output_shape;
  int output = -1;        // tensor id
  int64_t macs = 0;       // dense multiply-accumulates per frame
  bool has_threshold = false;        // a nonlinear activation: takes an eps
  bool can_truncate_linear = false;  // takes an eps when truncate_linear is on (not at outputs)
};

class CompiledModel {
 public:
  CompiledModel(ir::Graph graph, Backend backend, const InputNormalization& norm,
                std::vector<std::unique_ptr<Op>> ops, Precision precision = Precision::F32);

  // Structure, shapes and parameters; on the CPU backend the conv and transposed-conv weights
  // are released once the ops hold their own layouts (ConvParams::weights is empty).
  const ir::Graph& graph() const { return graph_; }
  Backend backend() const { return backend_; }
  Precision precision() const { return precision_; }
  const InputNormalization& normalization() const { return norm_; }
  // CPU ops, one per graph node; empty for other backends (use nodes()).
  const std::vector<std::unique_ptr<Op>>& ops() const { return ops_; }
  // One per graph node, in graph order, for every backend.
  const std::vector<NodeInfo>& nodes() const { return nodes_; }
  std::vector<int64_t> node_macs() const;
  const Shape& input_shape() const { return graph_.tensors.at(size_t(graph_.input)).shape; }
  // Sum of the nodes' MACs (weights of the mean active fraction).
  int64_t total_macs() const { return total_macs_; }
  // Backend::Cpu: the threads every stream of this model runs its frames on, with their
  // workspaces (engine/exec/cpu_frame_runner.h). Thread-safe; null on other backends.
  CpuFrameRunner* cpu_runner() const { return cpu_runner_.get(); }

 protected:
  // Backends whose ops are not CPU Ops describe their nodes here (once, in their constructor).
  void set_nodes(std::vector<NodeInfo> nodes);

 private:
  ir::Graph graph_;
  Backend backend_;
  Precision precision_;
  InputNormalization norm_;
  std::vector<std::unique_ptr<Op>> ops_;
  std::vector<NodeInfo> nodes_;
  int64_t total_macs_ = 0;
  // Mutable state behind an immutable model: frames of const streams run on it.
  std::unique_ptr<CpuFrameRunner> cpu_runner_;
};

}  // namespace dcnn
