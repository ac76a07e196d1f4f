#include "engine/exec/ops/output_densify.h"

#include <cstring>

#include "kernels/cpu/densify.h"

namespace dcnn {

OutputDensify::OutputDensify(const Shape& shape) : shape_(shape) { head_.resize(size_t(shape.size())); }

void OutputDensify::dense(const TensorBuffer& t) {
  std::memcpy(head_.data(), t.values(), sizeof(float) * size_t(shape_.size()));
}

void OutputDensify::delta(const TensorBuffer& t) {
  cpu::accumulate_pixels(head_.data(), t.values(), t.list(), t.active(), shape_.c);
}

}  // namespace dcnn
