// One stream's buffers for one tensor of the graph: values (HxWxC; full values after a dense
// pass, deltas otherwise), the pixel mask and the ascending list of active pixels.
//
// CPU invariant in delta mode: every pixel that is not active holds exactly 0 in every channel,
// so linear kernels may read neighbours without looking at masks and a conv may run dense on the
// delta map. clear_for_write() restores it cheaply before an op writes the tensor again.
#pragma once

#include <cstdint>
#include <cstring>

#include "engine/core/aligned_buffer.h"
#include "engine/core/shape.h"

namespace dcnn {

class TensorBuffer {
 public:
  // Own values, mask and list (delta mode).
  void allocate(const Shape& shape);
  // Mask and list only; the values live in `values` (shared scratch, at least this tensor's
  // size): a recompute-form tensor without a stored map (Op::can_compute_input_from), whose
  // values exist only within a dense pass.
  void allocate_unstored(const Shape& shape, float* values);
  // An unstored tensor's scratch moved (the stream's frame runs on another runner's workspace):
  // points the values there and keeps the mask and list.
  void rebind_unstored(float* values) { data_ = values; }
  // Values only, in storage the executor shares between tensors of a dense pass (buffer_plan.h);
  // no mask or list (mask() and list() return null). The storage must outlive the buffer.
  void attach_dense(const Shape& shape, float* values);

  // Zeroes what the last write left: the listed pixels, or everything when that was a dense
  // write (values everywhere) or most of the map. Afterwards no pixel is active. A whole-map
  // clear of the values is deferred to the first values() call, so an op that overwrites every
  // value anyway (values_for_full_write) does not pay for a memset it does not need.
  void clear_for_write();
  // Completes a deferred clear the op did not trigger (it wrote nothing): run after every op.
  void finish_write() {
    if (pending_zero_) std::memset(data_, 0, sizeof(float) * size_t(shape_.size()));
    pending_zero_ = false;
  }
  // After a dense pass: every pixel holds a value; mask and list are meaningless until the next
  // clear_for_write() (which then zeroes the whole map).
  void mark_dense_write();

  // DeltaForm::Recompute: the values are the tensor's propagated map and stay; only the mask and
  // list of the pixels that fired last frame are cleared.
  void clear_fired();

  // Recompute form: the mask holds this op's candidates. Lists them, clears their mask bytes
  // (so the fire step can set the ones that fire) and returns how many there are;
  // compact_list() then keeps the fired ones.
  int take_candidates();
  // Points the values at other storage (of at least this tensor's size) and returns the old
  // pointer: a recompute op runs its dense pass into scratch this way, then fires from it.
  float* redirect_values(float* values) {
    float* old = data_;
    data_ = values;
    return old;
  }

  // Rebuilds the list from the mask.
  void list_from_mask();
  // Drops listed pixels whose mask byte was cleared (e.g. by an activation that did not fire).
  void compact_list();
  // Makes every pixel active (a broadcast input changed).
  void activate_all();
  // Copies the mask and list of `other` (same spatial size), e.g. for elementwise ops.
  void copy_mask_from(const TensorBuffer& other);

  // Bytes this buffer owns (values it shares with other storage are not counted).
  size_t owned_bytes() const {
    return values_.size() * sizeof(float) + mask_.size() + list_.size() * sizeof(int32_t);
  }
  const Shape& shape() const { return shape_; }
  int64_t pixels() const { return shape_.pixels(); }
  // Writable values; completes a deferred clear first, so the delta invariant holds.
  float* values() {
    finish_write();
    return data_;
  }
  // Writable values for an op that writes every value of the map itself (skips a deferred clear).
  float* values_for_full_write() {
    pending_zero_ = false;
    values_everywhere_ = true;
    return data_;
  }
  const float* values() const { return data_; }
  uint8_t* mask() { return mask_.data(); }
  const uint8_t* mask() const { return mask_.data(); }
  int32_t* list() { return list_.data(); }
  const int32_t* list() const { return list_.data(); }
  int active() const { return active_; }
  float active_fraction() const { return pixels() ? float(active_) / float(pixels()) : 0.f; }
  // Recompute form: the fraction of pixels computed this frame (the candidates taken since
  // clear_fired), which is at least the fraction that fired; the active fraction where the op
  // took no candidates (an unstored tensor passes its consumer's candidates on).
  float computed_fraction() const {
    return candidates_ < 0 ? active_fraction() : pixels() ? float(candidates_) / float(pixels()) : 0.f;
  }

 private:
  Shape shape_;
  AlignedBuffer<float> values_;  // owned storage (allocate); empty after attach_dense
  float* data_ = nullptr;        // the values: values_ or shared storage
  AlignedBuffer<uint8_t> mask_;
  AlignedBuffer<int32_t> list_;
  int active_ = 0;
  int candidates_ = -1;  // take_candidates() since clear_fired(); -1: none taken
  bool values_everywhere_ = false;
  bool pending_zero_ = false;
};

}  // namespace dcnn
