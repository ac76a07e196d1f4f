#include "kernels/cpu/concat.h"

#include <cstring>

namespace dcnn::cpu {

void concat(const float* const* inputs, const int* channels, int num_inputs, float* out,
            int out_c, const int32_t* list, int64_t n) {
#pragma omp parallel for schedule(static) if (n * out_c > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t pixel = list ? int64_t(list[i]) : i;
    float* op = out + pixel * out_c;
    for (int k = 0; k < num_inputs; ++k) {
      std::memcpy(op, inputs[k] + pixel * channels[k], sizeof(float) * size_t(channels[k]));
      op += channels[k];
    }
  }
}

}  // namespace dcnn::cpu
