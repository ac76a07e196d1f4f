// The nonlinear-activation step on the GPU, shared by the standalone Activation op and every op
// with a fused activation (Conv, Affine, Add, Concat): the same bookkeeping as the CPU step
// (engine/exec/ops/activation_step.h) through kernels/cuda/activation.h. With no activation it
// runs only for linear truncation (DeltaSettings::truncate_linear), as an identity step.
#pragma once

#include <memory>

#include "engine/exec/cuda/cuda_op.h"
#include "kernels/common/activation.h"

namespace dcnn::cuda_exec {

struct GpuActivationState : GpuOpState {
  DeviceBuffer<float> acc;  // accumulated pre-activation
  DeviceBuffer<float> res;  // truncation residual
};

class GpuActivationStep {
 public:
  explicit GpuActivationStep(const ir::Activation& act);
  bool enabled() const { return enabled_; }
  bool runs(const CudaOpContext& ctx) const { return enabled_ || ctx.truncate_linear; }

  // The state when this step will run; else null. `op` names the buffers.
  std::unique_ptr<GpuActivationState> make_state(const Shape& shape, const StateOptions& options,
                                                 const CudaOp& op) const;
  // values = g(values) over the whole map; state from this pass when ctx.keep_state.
  void dense(GpuTensor& t, CudaOpContext& ctx, const CudaOp& op) const;
  // Delta step on t's listed pixels, in place: pixels that do not fire are zeroed and leave
  // the mask, and t is re-compacted. No-op when the step does not run.
  void delta(GpuTensor& t, CudaOpContext& ctx, const CudaOp& op) const;
  // Same, reading the deltas from `in` at in's listed pixels (t's mask already equals in's),
  // writing t. For a standalone activation.
  void delta_from(const GpuTensor& in, GpuTensor& t, CudaOpContext& ctx, const CudaOp& op) const;

 private:
  kern::ActSpec spec_;
  bool enabled_;
};

}  // namespace dcnn::cuda_exec
