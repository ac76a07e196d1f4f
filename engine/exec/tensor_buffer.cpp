#include "engine/exec/tensor_buffer.h"

#include <cstring>
#include <numeric>

#include "kernels/cpu/mask.h"

namespace dcnn {

void TensorBuffer::allocate(const Shape& shape) {
  shape_ = shape;
  values_.resize_zeroed(size_t(shape.size()));
  mask_.resize_zeroed(size_t(shape.pixels()));
  list_.resize(size_t(shape.pixels()));
  data_ = values_.data();
  active_ = 0;
  values_everywhere_ = false;
  pending_zero_ = false;
}

void TensorBuffer::allocate_unstored(const Shape& shape, float* values) {
  shape_ = shape;
  values_ = AlignedBuffer<float>();
  mask_.resize_zeroed(size_t(shape.pixels()));
  list_.resize(size_t(shape.pixels()));
  data_ = values;
  active_ = 0;
  values_everywhere_ = false;
  pending_zero_ = false;
}

void TensorBuffer::attach_dense(const Shape& shape, float* values) {
  shape_ = shape;
  values_ = AlignedBuffer<float>();
  mask_ = AlignedBuffer<uint8_t>();
  list_ = AlignedBuffer<int32_t>();
  data_ = values;
  active_ = 0;
  values_everywhere_ = true;
  pending_zero_ = false;
}

void TensorBuffer::clear_for_write() {
  // Past a quarter of the map, one memset beats scattered per-pixel clears.
  finish_write();
  if (values_everywhere_ || int64_t(active_) * 4 > pixels()) {
    pending_zero_ = true;
    mask_.zero();
  } else if (active_ > 0) {
    cpu::clear_pixels(data_, mask_.data(), list_.data(), active_, shape_.c);
  }
  active_ = 0;
  candidates_ = -1;
  values_everywhere_ = false;
}

void TensorBuffer::clear_fired() {
  pending_zero_ = false;
  if (values_everywhere_ || int64_t(active_) * 4 > pixels())
    mask_.zero();  // after a dense pass the mask holds whatever the last delta frame left
  else
    for (int i = 0; i < active_; ++i) mask_[size_t(list_[size_t(i)])] = 0;
  active_ = 0;
  values_everywhere_ = false;
}

int TensorBuffer::take_candidates() {
  list_from_mask();
  for (int i = 0; i < active_; ++i) mask_[size_t(list_[size_t(i)])] = 0;
  candidates_ = active_;
  return active_;
}

void TensorBuffer::mark_dense_write() {
  // Masks and lists are not read after a dense pass (the next delta frame rewrites every tensor
  // before any op reads it), so only record that the next clear must zero the whole map.
  pending_zero_ = false;
  values_everywhere_ = true;
  active_ = 0;
}

void TensorBuffer::list_from_mask() { active_ = cpu::compact_mask(mask_.data(), pixels(), list_.data()); }

void TensorBuffer::compact_list() { active_ = cpu::compact_list(list_.data(), active_, mask_.data()); }

void TensorBuffer::activate_all() {
  std::memset(mask_.data(), 1, size_t(pixels()));
  std::iota(list_.data(), list_.data() + pixels(), 0);
  active_ = int(pixels());
}

void TensorBuffer::copy_mask_from(const TensorBuffer& other) {
  active_ = other.active_;
  std::memcpy(list_.data(), other.list_.data(), sizeof(int32_t) * size_t(active_));
  for (int i = 0; i < active_; ++i) mask_[list_[i]] = 1;
}

}  // namespace dcnn
