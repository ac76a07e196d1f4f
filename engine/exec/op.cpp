#include "engine/exec/op.h"

#include "engine/core/error.h"
#include "kernels/cpu/fire.h"
#include "kernels/cpu/mask.h"

namespace dcnn {

void Op::run_recompute(OpContext&) const {
  // The executor checks can_recompute() for every op before it picks DeltaForm::Recompute.
  throw Error(ErrorKind::Internal, where() + "has no recompute form (delta.form: recompute)");
}

int Op::recompute_candidates(OpContext& ctx, float eps) const {
  TensorBuffer& o = out(ctx);
  const int candidates = o.take_candidates();
  if (!takes_dense_form(ctx, o, candidates)) return candidates;
  float* stored = o.redirect_values(ctx.map_scratch);
  run_dense(ctx);  // the activation is part of the dense pass
  o.redirect_values(stored);
  fire_candidates(ctx, kern::ActSpec{}, ctx.map_scratch, candidates, eps);
  if (ctx.stat) ctx.stat->dense = true;
  return -1;
}

bool Op::takes_dense_form(OpContext& ctx, const TensorBuffer& o, int candidates) {
  ctx.candidates = candidates;
  if (ctx.path_cost)
    return choose_layer_path(*ctx.path_cost, candidates, int(o.pixels()), ctx.dense_break_even) == LayerPath::Dense;
  return o.active_fraction() > ctx.dense_break_even;
}

void Op::mark_residual_candidates(OpContext& ctx) const {
  if (!ctx.residual) return;
  TensorBuffer& o = out(ctx);
  cpu::mask_or(o.mask(), ctx.residual->mask(), o.pixels());
}

void Op::fire_candidates(OpContext& ctx, const kern::ActSpec& act, const float* values, int candidates,
                         float eps) const {
  TensorBuffer& o = out(ctx);
  cpu::fire_at_pixels(act, values, o.list(), candidates, o.shape().c, eps, o.values(), o.mask(), residual_values(ctx));
  o.compact_list();
}

void Op::fire_computed_candidates(OpContext& ctx, const kern::ActSpec& act, int candidates, float eps,
                                  const cpu::RowsCompute& compute) const {
  TensorBuffer& o = out(ctx);
  cpu::fire_computed(act, compute, o.list(), candidates, o.shape().c, eps, o.values(), o.mask(),
                     residual_values(ctx));
  o.compact_list();
}

}  // namespace dcnn
