#include "engine/exec/op.h"

#include "engine/core/error.h"

namespace dcnn {

void Op::run_recompute(OpContext&) const {
  // The executor checks can_recompute() for every op before it picks DeltaForm::Recompute.
  throw Error(ErrorKind::Internal, where() + "has no recompute form (delta.form: recompute)");
}

}  // namespace dcnn
