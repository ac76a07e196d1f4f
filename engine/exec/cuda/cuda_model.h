// A model compiled for the CUDA backend: the CompiledModel every Executor takes (graph,
// normalisation, backend = Cuda) plus the CUDA op set, whose weights live on the GPU once and
// are shared by every stream (Executor) of the model. ops() of the base is empty for a CUDA
// model; nodes() of the base describes its nodes like a CPU model's.
#pragma once

#include <memory>
#include <vector>

#include "engine/exec/compiled_model.h"
#include "engine/exec/cuda/cuda_op.h"

namespace dcnn::cuda_exec {

class CudaCompiledModel final : public CompiledModel {
 public:
  CudaCompiledModel(ir::Graph graph, const InputNormalization& norm, int device_id,
                    Precision precision);
  ~CudaCompiledModel();

  int device_id() const { return device_id_; }
  // Element type of every tensor's values in every stream of this model.
  cuda::Storage storage() const { return storage_of(precision()); }
  const std::vector<std::unique_ptr<CudaOp>>& cuda_ops() const { return ops_; }
  // Largest cuDNN workspace any conv needs: what each stream allocates.
  size_t workspace_bytes() const { return workspace_bytes_; }

 private:
  int device_id_;
  std::vector<std::unique_ptr<CudaOp>> ops_;
  size_t workspace_bytes_ = 0;
};

// The CUDA part of a CompiledModel whose backend() is Cuda (an Internal error otherwise).
const CudaCompiledModel& cuda_model_of(const CompiledModel& model);

}  // namespace dcnn::cuda_exec
