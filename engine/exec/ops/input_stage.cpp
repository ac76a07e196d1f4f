#include "engine/exec/ops/input_stage.h"

#include <algorithm>

#include "engine/exec/executor.h"
#include "engine/exec/op_checks.h"
#include "kernels/cpu/input_delta.h"

namespace dcnn {

InputDeltaRule InputDeltaRule::from(const DeltaSettings& s) {
  InputDeltaRule r;
  r.threshold = s.input_threshold;
  r.dilation = s.input_dilation;
  r.block = s.input_block;
  r.block_threshold = s.input_block_threshold;
  r.phase_tolerant = s.input_phase_tolerant;
  return r;
}

InputStage::InputStage(const Shape& shape, const InputNormalization& norm, const InputDeltaRule& rule)
    : shape_(shape), rule_(rule) {
  check_input_stage(shape, norm, rule);
  for (int c = 0; c < 3; ++c) {
    mean_[c] = norm.mean[c];
    inv_std_[c] = 1.f / norm.std[c];
  }
  ref_.resize(size_t(shape.size()));
  if (rule.dilation > 0) {
    const int d = rule.dilation;
    change_mask_.resize(size_t(shape.pixels()));
    scratch_.resize(size_t(shape.pixels()));
    grow_rows_ = cpu::window_footprint(shape.h, shape.h, 2 * d + 1, 1, 1, d);
    grow_cols_ = cpu::window_footprint(shape.w, shape.w, 2 * d + 1, 1, 1, d);
  }
}

void InputStage::set_ignore_mask(const uint8_t* ignore) {
  if (!ignore) return ignore_.resize(0);
  ignore_.resize(size_t(shape_.pixels()));
  std::copy(ignore, ignore + shape_.pixels(), ignore_.data());
}

void InputStage::dense(const float* x, TensorBuffer& out, bool keep_state) {
  cpu::input_dense(x, keep_state ? ref_.data() : nullptr, mean_, inv_std_, out.values(),
                   shape_.pixels(), 3);
  active_fraction_ = 1.f;
}

void InputStage::change_mask(const float* x, TensorBuffer& out) {
  // The change mask goes straight to the output unless dilation grows it from a scratch copy.
  uint8_t* change = rule_.dilation > 0 ? change_mask_.data() : out.mask();
  if (rule_.block > 0 && !rule_.phase_tolerant) {  // both tests in one pass over the frame
    cpu::input_change_masks(x, ref_.data(), shape_.h, shape_.w, 3, rule_.threshold, rule_.block,
                            rule_.block_threshold, change);
  } else {
    if (rule_.phase_tolerant)
      cpu::input_change_mask_phase_tolerant(x, ref_.data(), shape_.h, shape_.w, 3, rule_.threshold, change);
    else
      cpu::input_change_mask(x, ref_.data(), shape_.pixels(), 3, rule_.threshold, change);
    if (rule_.block > 0)
      cpu::input_block_change_mask(x, ref_.data(), shape_.h, shape_.w, 3, rule_.block,
                                   rule_.block_threshold, change);
  }
  if (rule_.dilation > 0)
    cpu::footprint_mask(change, shape_.h, shape_.w, grow_rows_, grow_cols_, scratch_.data(), out.mask());
  if (ignore_.size() > 0) cpu::input_clear_ignored(out.mask(), ignore_.data(), shape_.pixels());
  out.list_from_mask();
  active_fraction_ = out.active_fraction();
}

void InputStage::delta(const float* x, TensorBuffer& out) {
  change_mask(x, out);
  cpu::input_delta_emit(x, ref_.data(), inv_std_, out.values(), out.list(), out.active(), 3);
}

void InputStage::recompute(const float* x, TensorBuffer& out) {
  change_mask(x, out);
  cpu::input_emit_values(x, ref_.data(), mean_, inv_std_, out.values(), out.list(), out.active(), 3);
}

}  // namespace dcnn
