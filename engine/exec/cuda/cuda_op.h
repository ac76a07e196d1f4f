// The interface of the CUDA op set, the GPU counterpart of engine/exec/op.h with the same delta
// semantics (DESIGN.md). A CudaOp is immutable and shared by every stream of a model (weights
// uploaded once); what a stream needs per op lives in its GpuOpState. Ops only enqueue work on
// the stream's cudaStream_t: no host synchronisation, so pixel counts stay on the device and
// sparse launches are sized by capacity (kernels/cuda/README.md).
#pragma once

#include <cudnn.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/api/results.h"
#include "engine/exec/cuda/cuda_error.h"
#include "engine/exec/cuda/gpu_tensor.h"
#include "engine/exec/op.h"  // StateOptions
#include "engine/exec/op_node.h"
#include "engine/ir/graph.h"

namespace dcnn::cuda_exec {

struct GpuOpState {
  virtual ~GpuOpState() = default;
};

// Per-stream resources shared by all ops of a frame.
struct GpuFrame {
  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  void* workspace = nullptr;  // cuDNN workspace, max over the model's convs
  size_t workspace_bytes = 0;
  int* compact_scratch = nullptr;  // compact_scratch_ints(largest map)
  float* sum_scratch = nullptr;    // global_sum_scratch_floats(most channels)
};

struct CudaOpContext {
  std::vector<GpuTensor>& tensors;
  const GpuFrame& frame;
  GpuOpState* state = nullptr;
  float eps = 0.f;               // truncation threshold, already scaled
  bool keep_state = true;        // false in ExecMode::Dense
  bool truncate_linear = false;  // identity truncation step on a linear output
  bool conv_dense_form = false;  // convs: run dense on the delta map instead of sparse
  LayerStat* stat = nullptr;     // ops set `dense` when they take the dense form
};

class CudaOp : public OpNode {
 public:
  CudaOp(const ir::Node& node, const ir::Graph& graph) : OpNode(node, graph) {}
  virtual ~CudaOp() = default;

  virtual std::unique_ptr<GpuOpState> make_state(const StateOptions&) const { return nullptr; }
  // Full values in, full values out (bias applied); initialises the state when keep_state.
  virtual void run_dense(CudaOpContext& ctx) const = 0;
  // Deltas in, deltas out. The output was cleared (all zero, empty mask); the op must leave
  // the output's list/count equal to the compaction of its mask.
  virtual void run_delta(CudaOpContext& ctx) const = 0;

  virtual int64_t macs() const { return 0; }
  virtual bool has_threshold() const { return false; }
  virtual bool can_truncate_linear() const { return false; }
  // True for ops whose delta step has a sparse and a dense-on-deltas form (the stream picks).
  virtual bool has_dense_form() const { return false; }
  // cuDNN workspace bytes this op needs per stream.
  virtual size_t workspace_bytes() const { return 0; }

  // Throw a Device error naming this node when a call failed.
  void check(cudaError_t err, const char* what) const {
    if (err != cudaSuccess) cuda_exec::check(err, where(), what);
  }
  void check(const cuda::Status& status) const {
    if (!status.ok) cuda_exec::check(status, where());
  }

 protected:
  GpuTensor& in(CudaOpContext& ctx, size_t i) const { return ctx.tensors[size_t(inputs()[i])]; }
  GpuTensor& out(CudaOpContext& ctx) const { return ctx.tensors[size_t(output())]; }
  // Device-to-device copy of `bytes` on the frame's stream.
  void copy(void* dst, const void* src, size_t bytes, const CudaOpContext& ctx) const;
};

// Uploads `host` converted to the storage type (fp16: rounded to nearest) into `buffer` (bytes),
// for weights that a kernel reads in the tensors' type (cuDNN, the tiled sparse conv).
void upload_as(cuda::Storage storage, const std::vector<float>& host, DeviceBuffer<uint8_t>& buffer,
               const std::string& what);

// What op constructors need at model compile time.
struct CompileContext {
  cudnnHandle_t cudnn = nullptr;   // for cuDNN algorithm selection only
  size_t workspace_limit = 0;      // per conv
  cuda::Storage storage = cuda::Storage::F32;  // of every tensor's values (weights follow where read so)
};

}  // namespace dcnn::cuda_exec
