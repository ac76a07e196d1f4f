#include "tests/cuda/executor_compare.h"

#include <algorithm>
#include <cmath>

namespace dcnn::test {

float head_difference(const Executor& a, const Executor& b, const Executor& ref) {
  float scale = 1e-3f;
  for (int h = 0; h < ref.num_outputs(); ++h) {
    const float* r = ref.output(h);
    for (int64_t i = 0; i < ref.output_shape(h).size(); ++i) scale = std::max(scale, std::fabs(r[i]));
  }
  float worst = 0.f;
  for (int h = 0; h < a.num_outputs(); ++h) {
    const float* x = a.output(h);
    const float* y = b.output(h);
    for (int64_t i = 0; i < a.output_shape(h).size(); ++i)
      worst = std::max(worst, std::fabs(x[i] - y[i]) / scale);
  }
  return worst;
}

void run_side_by_side(const std::vector<Executor*>& executors, int frames,
                      const std::function<const std::vector<float>&()>& next_frame,
                      const std::function<void(int)>& check) {
  for (int f = 0; f < frames; ++f) {
    const std::vector<float>& frame = next_frame();
    for (Executor* e : executors) e->run(frame.data());
    check(f);
  }
}

}  // namespace dcnn::test
