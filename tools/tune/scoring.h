// Agreement scoring shared by every trial: the metrics of tools/eval (same radius, score and IoU
// as deltacnn-eval) and the test "does this candidate keep the targets".
#pragma once

#include <vector>

#include "engine/api/results.h"
#include "tools/eval/agreement.h"

namespace dcnn::tune {

// deltacnn-eval's own counting (its cut-offs), so that tuned values are judged the way they are
// verified.
using eval::add_frame;

struct Targets {
  bool pose = true;
  double kpt = 0.985, count = 0.985, f1 = 0.975;

  // Whether the finished run meets the targets.
  bool met(const eval::Agreement& a) const;
  // Whether a run that has reached `a` can still meet the targets once all frames are in
  // (totals: the dense-vs-dense counts over all frames). Misses only ever grow, so a run that
  // has already missed too much is stopped early: failing candidates cost little.
  bool still_possible(const eval::Agreement& a, const eval::Agreement& totals) const;
};

}  // namespace dcnn::tune
