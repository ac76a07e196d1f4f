// One stream's device buffers for one graph tensor: values (HxWxC in the model's storage type,
// fp32 or fp16; full values after a dense pass, deltas otherwise), the pixel mask, the ascending
// list of active pixels, and the
// count of listed pixels, which stays on the device (a slot of the stream's count array, so
// all counts reach the host in one copy per frame).
//
// Delta invariant (as on the CPU, tensor_buffer.h): in delta mode every inactive pixel holds 0
// in every channel. clear_for_write() restores it before an op writes the tensor again: a
// memset after a dense write, else a clear of the pixels listed last time (count read on the
// device). Every delta-mode op leaves list/count = compaction of the mask (compact()).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "engine/core/error.h"
#include "engine/core/shape.h"
#include "engine/exec/cuda/device_memory.h"
#include "engine/exec/cuda/storage_dispatch.h"

namespace dcnn::cuda_exec {

class GpuTensor {
 public:
  // count_slot: this tensor's int in the stream's device count array. `name` for errors.
  void allocate(const Shape& shape, cuda::Storage storage, int* count_slot, const std::string& name);

  void clear_for_write(cudaStream_t stream);
  // After a dense pass: values everywhere; the next clear zeroes the whole map.
  void mark_dense_write() { dense_written_ = true; }
  // A replayed CUDA graph runs no host code: the stream restores the flag its recording left.
  void restore_dense_written(bool written) { dense_written_ = written; }
  // Exchanges the values buffer (same byte size) with `other`: the dense tail runs on accumulated
  // frontier values in place of the frontier's deltas (gpu_stream.cpp).
  void swap_values(DeviceBuffer<uint8_t>& other);
  // list/count from the mask (scratch: compact_scratch_ints(pixels) ints).
  void compact(int* scratch, cudaStream_t stream);
  // mask = other's mask (same spatial size), then compact.
  void copy_mask_from(const GpuTensor& other, int* scratch, cudaStream_t stream);

  const Shape& shape() const { return shape_; }
  int64_t pixels() const { return shape_.pixels(); }
  int channels() const { return shape_.c; }
  cuda::Storage storage() const { return storage_; }
  // The values as T, which must be the storage type (an Internal error otherwise: a mismatch
  // would reinterpret halves as floats).
  template <typename T>
  T* values() const {
    if (storage_of<T>() != storage_)
      throw Error(ErrorKind::Internal, where() + "values read as the wrong storage type");
    return reinterpret_cast<T*>(values_.get());
  }
  void* raw_values() const { return values_.get(); }
  size_t value_bytes() const { return values_.bytes(); }
  uint8_t* mask() const { return mask_.get(); }
  int32_t* list() const { return list_.get(); }
  int* count() const { return count_; }  // device int

 private:
  std::string where() const { return "tensor '" + name_ + "': "; }
  Shape shape_;
  std::string name_;
  cuda::Storage storage_ = cuda::Storage::F32;
  DeviceBuffer<uint8_t> values_;  // shape.size() elements of the storage type
  DeviceBuffer<uint8_t> mask_;
  DeviceBuffer<int32_t> list_;
  int* count_ = nullptr;
  bool dense_written_ = false;
};

}  // namespace dcnn::cuda_exec
