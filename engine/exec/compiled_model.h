// A model compiled for one backend: the graph, one Op per node (weights re-laid out once) and
// the input normalisation. Immutable after compile_model(), so any number of Executors (streams)
// share it.
#pragma once

#include <memory>
#include <vector>

#include "engine/exec/executor.h"
#include "engine/exec/op.h"

namespace dcnn {

class CompiledModel {
 public:
  CompiledModel(ir::Graph graph, Backend backend, const InputNormalization& norm,
                std::vector<std::unique_ptr<Op>> ops);

  const ir::Graph& graph() const { return graph_; }
  Backend backend() const { return backend_; }
  const InputNormalization& normalization() const { return norm_; }
  const std::vector<std::unique_ptr<Op>>& ops() const { return ops_; }
  const Shape& input_shape() const { return graph_.tensors.at(size_t(graph_.input)).shape; }
  // Sum of macs() over all ops (weights of the mean active fraction).
  int64_t total_macs() const { return total_macs_; }

 private:
  ir::Graph graph_;
  Backend backend_;
  InputNormalization norm_;
  std::vector<std::unique_ptr<Op>> ops_;
  int64_t total_macs_ = 0;
};

}  // namespace dcnn
