// The executor's input stage: raw HxWx3 pixels (0..255) -> the graph's input tensor.
// Dense: (x - mean) / std, ref = x. Delta: d = x - ref; a pixel is active where
// max_c |d| > threshold (then the mask optionally grows by `dilation` pixels); active pixels emit
// d / std and set ref = x; inactive pixels keep ref, so a slow drift is sent later in full.
// With a block test, a tile whose mean change exceeds the block threshold is active as a whole
// (before dilation). Pixels of the ignore mask (zone masks) never fire: they are cleared after
// the other tests, so neither the block test nor dilation brings them back.
#pragma once

#include "engine/core/aligned_buffer.h"
#include "engine/exec/tensor_buffer.h"
#include "kernels/cpu/mask.h"

namespace dcnn {

struct InputNormalization;
struct DeltaSettings;

// The input-delta part of DeltaSettings (see there).
struct InputDeltaRule {
  float threshold = 8.f;
  int dilation = 0;
  int block = 0;
  float block_threshold = 2.f;
  bool phase_tolerant = false;  // DeltaSettings::input_phase_tolerant
  static InputDeltaRule from(const DeltaSettings& settings);
};

class InputStage {
 public:
  InputStage(const Shape& shape, const InputNormalization& norm, const InputDeltaRule& rule);
  void dense(const float* x, TensorBuffer& out, bool keep_state);
  void delta(const float* x, TensorBuffer& out);
  // DeltaForm::Recompute: the same change test; the changed pixels' normalised values go into
  // out's (propagated) map, whose other pixels keep what they hold.
  void recompute(const float* x, TensorBuffer& out);
  float active_fraction() const { return active_fraction_; }
  // Pixels (1 = ignore, one byte per input pixel) the change test never fires, whatever they do:
  // the masks of engine/zones. nullptr clears it. Dense passes still read every pixel.
  void set_ignore_mask(const uint8_t* ignore);
  bool has_ignore_mask() const { return ignore_.size() > 0; }
  // Switches the change test between the plain and the phase-tolerant one (InputDeltaRule).
  void set_phase_tolerant(bool on) { rule_.phase_tolerant = on; }
  // The reference frame and the masks it keeps between frames.
  size_t bytes() const {
    return ref_.size() * sizeof(float) + change_mask_.size() + scratch_.size() + ignore_.size();
  }

 private:
  // The pixels that changed (threshold, block test, dilation) into out's mask and list.
  void change_mask(const float* x, TensorBuffer& out);

  Shape shape_;
  float mean_[3], inv_std_[3];
  InputDeltaRule rule_;
  AlignedBuffer<float> ref_;
  AlignedBuffer<uint8_t> change_mask_, scratch_;
  AlignedBuffer<uint8_t> ignore_;  // empty: no mask
  cpu::Footprint1D grow_rows_, grow_cols_;
  float active_fraction_ = 1.f;
};

}  // namespace dcnn
