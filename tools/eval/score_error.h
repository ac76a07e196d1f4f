// How far the delta stream's scores are from dense ones for the same object: what
// tracker.refine_margin is chosen against (docs/tracking.md).
#pragma once

#include <vector>

#include "engine/api/results.h"

namespace dcnn::eval {

class ScoreErrors {
 public:
  // One frame's candidates of both streams: each dense candidate paired with the delta one of
  // its label overlapping it most (IoU >= 0.7), and |delta - dense| of their scores kept.
  void add_frame(const std::vector<Detection>& dense, const std::vector<Detection>& delta);
  size_t count() const { return errors_.size(); }
  // The p-quantile (0..1) of the kept errors; 0 when none.
  float quantile(double p) const;

 private:
  std::vector<float> errors_;
};

}  // namespace dcnn::eval
