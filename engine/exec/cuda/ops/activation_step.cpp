#include "engine/exec/cuda/ops/activation_step.h"

#include "engine/core/error.h"
#include "engine/exec/ops/activation_step.h"  // to_act_spec: one mapping for both backends
#include "kernels/cuda/activation.h"

namespace dcnn::cuda_exec {
namespace {

GpuActivationState& state_of(CudaOpContext& ctx, const CudaOp& op) {
  auto* st = dynamic_cast<GpuActivationState*>(ctx.state);
  if (!st) throw Error(ErrorKind::Internal, op.where() + "activation step run without its state");
  return *st;
}

}  // namespace

GpuActivationStep::GpuActivationStep(const ir::Activation& act)
    : spec_(to_act_spec(act)), enabled_(!act.is_none()) {}

std::unique_ptr<GpuActivationState> GpuActivationStep::make_state(const Shape& shape,
                                                                  const StateOptions& options,
                                                                  const CudaOp& op) const {
  if (!enabled_ && !options.truncate_linear) return nullptr;
  auto st = std::make_unique<GpuActivationState>();
  st->acc.allocate(size_t(shape.size()), "activation accumulator of node '" + op.name() + "'");
  st->res.allocate(size_t(shape.size()), "activation residual of node '" + op.name() + "'");
  return st;
}

void GpuActivationStep::dense(GpuTensor& t, CudaOpContext& ctx, const CudaOp& op) const {
  if (!runs(ctx) || (!enabled_ && !ctx.keep_state)) return;
  float* acc = nullptr;
  float* res = nullptr;
  if (ctx.keep_state) {
    GpuActivationState& st = state_of(ctx, op);
    acc = st.acc.get();
    res = st.res.get();
  }
  with_storage(t.storage(), [&](auto zero) {
    using T = decltype(zero);
    op.check(cuda::activation_dense(spec_, t.values<T>(), t.values<T>(), acc, res, t.pixels(),
                                    t.channels(), ctx.frame.stream),
             "activation_dense");
  });
}

void GpuActivationStep::delta(GpuTensor& t, CudaOpContext& ctx, const CudaOp& op) const {
  delta_from(t, t, ctx, op);
}

void GpuActivationStep::delta_from(const GpuTensor& in, GpuTensor& t, CudaOpContext& ctx,
                                   const CudaOp& op) const {
  if (!runs(ctx)) return;
  GpuActivationState& st = state_of(ctx, op);
  with_storage(t.storage(), [&](auto zero) {
    using T = decltype(zero);
    op.check(cuda::activation_delta(spec_, in.values<T>(), t.values<T>(), st.acc.get(), st.res.get(),
                                    in.list(), in.count(), int(in.pixels()), t.channels(), ctx.eps,
                                    t.mask(), ctx.frame.stream),
             "activation_delta");
  });
  t.compact(ctx.frame.compact_scratch, ctx.frame.stream);
}

}  // namespace dcnn::cuda_exec
