#include "engine/exec/ops/input_stage.h"

#include "engine/core/error.h"
#include "engine/exec/executor.h"
#include "kernels/cpu/input_delta.h"

namespace dcnn {

InputStage::InputStage(const Shape& shape, const InputNormalization& norm, float threshold,
                       int dilation)
    : shape_(shape), threshold_(threshold), dilation_(dilation) {
  if (shape.c != 3)
    throw Error(ErrorKind::Unsupported, "model input has shape " + shape.str() +
                                            "; expected HxWx3 (an image)");
  for (int c = 0; c < 3; ++c) {
    if (!(norm.std[c] != 0.f))
      throw Error(ErrorKind::Config, "input normalisation std[" + std::to_string(c) +
                                         "] is 0; expected a non-zero value");
    mean_[c] = norm.mean[c];
    inv_std_[c] = 1.f / norm.std[c];
  }
  if (dilation < 0)
    throw Error(ErrorKind::Config, "input_dilation is " + std::to_string(dilation) +
                                       "; expected 0 or more pixels");
  ref_.resize(size_t(shape.size()));
  if (dilation_ > 0) {
    change_mask_.resize(size_t(shape.pixels()));
    scratch_.resize(size_t(shape.pixels()));
    grow_rows_ = cpu::window_footprint(shape.h, shape.h, 2 * dilation_ + 1, 1, 1, dilation_);
    grow_cols_ = cpu::window_footprint(shape.w, shape.w, 2 * dilation_ + 1, 1, 1, dilation_);
  }
}

void InputStage::dense(const float* x, TensorBuffer& out, bool keep_state) {
  cpu::input_dense(x, keep_state ? ref_.data() : nullptr, mean_, inv_std_, out.values(),
                   shape_.pixels(), 3);
  active_fraction_ = 1.f;
}

void InputStage::delta(const float* x, TensorBuffer& out) {
  if (dilation_ > 0) {
    cpu::input_change_mask(x, ref_.data(), shape_.pixels(), 3, threshold_, change_mask_.data());
    cpu::footprint_mask(change_mask_.data(), shape_.h, shape_.w, grow_rows_, grow_cols_,
                        scratch_.data(), out.mask());
  } else {
    cpu::input_change_mask(x, ref_.data(), shape_.pixels(), 3, threshold_, out.mask());
  }
  out.list_from_mask();
  cpu::input_delta_emit(x, ref_.data(), inv_std_, out.values(), out.list(), out.active(), 3);
  active_fraction_ = out.active_fraction();
}

}  // namespace dcnn
