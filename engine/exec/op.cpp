#include "engine/exec/op.h"

#include "engine/core/error.h"
#include "kernels/cpu/fire.h"

namespace dcnn {

void Op::run_recompute(OpContext&) const {
  // The executor checks can_recompute() for every op before it picks DeltaForm::Recompute.
  throw Error(ErrorKind::Internal, where() + "has no recompute form (delta.form: recompute)");
}

int Op::recompute_candidates(OpContext& ctx, float eps) const {
  TensorBuffer& o = out(ctx);
  o.list_from_mask();
  const int candidates = o.take_candidates();
  if (o.active_fraction() <= ctx.dense_break_even) return candidates;
  float* stored = o.redirect_values(ctx.map_scratch);
  run_dense(ctx);
  o.redirect_values(stored);
  cpu::fire_at_pixels(kern::ActSpec{}, ctx.map_scratch, o.list(), candidates, o.shape().c, eps, stored, o.mask());
  o.compact_list();
  if (ctx.stat) ctx.stat->dense = true;
  return -1;
}

}  // namespace dcnn
