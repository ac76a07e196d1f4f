#include "tools/tune/scoring.h"

namespace dcnn::tune {

bool Targets::met(const eval::Agreement& a) const {
  if (pose) return a.kpt_agree() >= kpt && a.count_agree() >= count;
  return a.det_f1() >= f1;
}

bool Targets::still_possible(const eval::Agreement& a, const eval::Agreement& totals) const {
  if (pose) {
    const double kpt_missed = double(a.keypoints - a.keypoints_close);
    const double count_missed = double(a.frames - a.frames_same_count);
    constexpr double kRounding = 1e-9;  // (1 - 0.9) * 100 is 9.999...: allow exactly the budget
    return kpt_missed <= (1.0 - kpt) * double(totals.keypoints) + kRounding &&
           count_missed <= (1.0 - count) * double(totals.frames) + kRounding;
  }
  // Best case from here on: every remaining dense box is found and no false positive is added.
  const long dense_boxes = totals.true_positives;  // dense vs dense: every box is a true positive
  const long tp_best = dense_boxes - a.false_negatives;
  const long denom = 2 * tp_best + a.false_positives + a.false_negatives;
  return denom == 0 || 2.0 * double(tp_best) / double(denom) >= f1;
}

}  // namespace dcnn::tune
