#include "engine/exec/ops/activation_step.h"

#include "engine/core/error.h"
#include "kernels/cpu/activation.h"

namespace dcnn {

kern::ActSpec to_act_spec(const ir::Activation& act) {
  kern::ActSpec s;
  s.alpha = act.alpha;
  s.beta = act.beta;
  switch (act.kind) {
    case ir::ActKind::None: s.fn = kern::ActFn::Identity; break;
    case ir::ActKind::Relu: s.fn = kern::ActFn::Relu; break;
    case ir::ActKind::Clip: s.fn = kern::ActFn::Clip; break;
    case ir::ActKind::LeakyRelu: s.fn = kern::ActFn::LeakyRelu; break;
    case ir::ActKind::Sigmoid: s.fn = kern::ActFn::Sigmoid; break;
    case ir::ActKind::HardSigmoid: s.fn = kern::ActFn::HardSigmoid; break;
    case ir::ActKind::HardSwish: s.fn = kern::ActFn::HardSwish; break;
  }
  return s;
}

std::unique_ptr<ActivationState> ActivationStep::make_state(const Shape& shape,
                                                           const StateOptions& options) const {
  if ((!enabled_ && !options.truncate_linear) || !options.keeps_state) return nullptr;
  auto st = std::make_unique<ActivationState>();
  st->acc.resize(size_t(shape.size()));
  st->res.resize(size_t(shape.size()));
  return st;
}

static ActivationState& state_of(OpContext& ctx) {
  auto* st = dynamic_cast<ActivationState*>(ctx.state);
  if (!st) throw Error(ErrorKind::Internal, "activation step run without its state");
  return *st;
}

void ActivationStep::dense(TensorBuffer& t, OpContext& ctx) const {
  if (!runs(ctx) || (!enabled_ && !ctx.keep_state)) return;
  float* acc = nullptr;
  float* res = nullptr;
  if (ctx.keep_state) {
    ActivationState& st = state_of(ctx);
    acc = st.acc.data();
    res = st.res.data();
  }
  cpu::activation_dense(spec_, t.values(), t.values(), acc, res, t.pixels(), t.shape().c);
}

void ActivationStep::delta(TensorBuffer& t, OpContext& ctx) const { delta_from(t, t, ctx); }

void ActivationStep::delta_from(const TensorBuffer& in, TensorBuffer& t, OpContext& ctx) const {
  if (!runs(ctx) || t.active() == 0) return;
  ActivationState& st = state_of(ctx);
  cpu::activation_delta(spec_, in.values(), t.values(), st.acc.data(), st.res.data(), t.list(),
                        t.active(), t.shape().c, ctx.eps, t.mask());
  t.compact_list();
}

}  // namespace dcnn
