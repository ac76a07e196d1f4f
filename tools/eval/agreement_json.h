// The agreement metrics as the tools' JSON lines carry them (deltacnn-eval, deltacnn-cuda-bench).
// Header-only, so agreement.cpp (which deltacnn-tune and the tests link) needs no JSON library.
#pragma once

#include <nlohmann/json.hpp>

#include "tools/eval/agreement.h"

namespace dcnn::eval {

// kpt_agree and keypoints_compared (pose) or det_f1 and boxes_compared, then count_agree. A
// metric with nothing to compare is null, not 1.0; the counts say why.
inline void put_metrics(nlohmann::json& j, const Agreement& a, bool pose) {
  if (pose) {
    j["kpt_agree"] = a.measured_kpt_agree() ? nlohmann::json(a.kpt_agree()) : nlohmann::json();
    j["keypoints_compared"] = a.keypoints;
  } else {
    j["det_f1"] = a.measured_det_f1() ? nlohmann::json(a.det_f1()) : nlohmann::json();
    j["boxes_compared"] = a.true_positives + a.false_positives + a.false_negatives;
  }
  j["count_agree"] = a.count_agree();
}

}  // namespace dcnn::eval
