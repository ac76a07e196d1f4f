// With no activation (kind None) the step is the identity and runs only when the stream asks for
// linear truncation (DeltaSettings::truncate_linear): out = res accumulated until it exceeds eps.
// The nonlinear-activation step shared by the standalone Activation op and every op with a
// fused activation (Conv, ConvTranspose, Affine, Add, Concat): dense application on keyframes, and the
// truncating delta step (kernels/cpu/activation.h) that thins the output mask in place.
#pragma once

#include <memory>

#include "engine/core/aligned_buffer.h"
#include "engine/exec/op.h"
#include "kernels/common/activation.h"

namespace dcnn {

// Accumulated pre-activation and truncation residual of one activation site.
struct ActivationState : OpState {
  AlignedBuffer<float> acc;
  AlignedBuffer<float> res;
};

kern::ActSpec to_act_spec(const ir::Activation& act);

class ActivationStep {
 public:
  explicit ActivationStep(const ir::Activation& act) : spec_(to_act_spec(act)), enabled_(!act.is_none()) {}
  bool enabled() const { return enabled_; }
  const kern::ActSpec& spec() const { return spec_; }

  // The state when this step will run (an activation, or linear truncation asked for); else null.
  std::unique_ptr<ActivationState> make_state(const Shape& shape, const StateOptions& options) const;
  bool runs(const OpContext& ctx) const { return enabled_ || ctx.truncate_linear; }
  // values = g(values) over the whole map; state from this pass when ctx.keep_state.
  void dense(TensorBuffer& t, OpContext& ctx) const;
  // The delta step on the active pixels of t, in place; pixels that do not fire leave the list.
  void delta(TensorBuffer& t, OpContext& ctx) const;
  // Same, reading the deltas from `in` (same shape) and writing t (mask already set).
  void delta_from(const TensorBuffer& in, TensorBuffer& t, OpContext& ctx) const;

 private:
  kern::ActSpec spec_;
  bool enabled_;
};

}  // namespace dcnn
