// Output densify: a dense head tensor per graph output. Dense pass: head = values. Delta pass:
// head += delta at the active pixels. Executor::output() returns the head.
#pragma once

#include "engine/core/aligned_buffer.h"
#include "engine/exec/tensor_buffer.h"

namespace dcnn {

class OutputDensify {
 public:
  explicit OutputDensify(const Shape& shape);
  void dense(const TensorBuffer& t);
  void delta(const TensorBuffer& t);
  const float* head() const { return head_.data(); }
  const Shape& shape() const { return shape_; }

 private:
  Shape shape_;
  AlignedBuffer<float> head_;
};

}  // namespace dcnn
