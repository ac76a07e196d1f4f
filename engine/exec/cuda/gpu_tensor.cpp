#include "engine/exec/cuda/gpu_tensor.h"

#include <utility>

#include "engine/core/error.h"
#include "kernels/cuda/clear_pixels.h"
#include "kernels/cuda/compact.h"

namespace dcnn::cuda_exec {

void GpuTensor::allocate(const Shape& shape, cuda::Storage storage, int* count_slot,
                         const std::string& name) {
  shape_ = shape;
  name_ = name;
  storage_ = storage;
  const size_t pixels = size_t(shape.pixels());
  values_.allocate(size_t(shape.size()) * cuda::storage_bytes(storage), "values of tensor '" + name + "'");
  mask_.allocate(pixels, "mask of tensor '" + name + "'");
  list_.allocate(pixels, "pixel list of tensor '" + name + "'");
  count_ = count_slot;
  dense_written_ = false;
}

void GpuTensor::clear_for_write(cudaStream_t stream) {
  if (dense_written_) {
    check(cudaMemsetAsync(values_.get(), 0, values_.bytes(), stream), where(), "cudaMemsetAsync (values)");
    check(cudaMemsetAsync(mask_.get(), 0, mask_.bytes(), stream), where(), "cudaMemsetAsync (mask)");
    dense_written_ = false;
    return;
  }
  with_storage(storage_, [&](auto zero) {
    using T = decltype(zero);
    check(cuda::clear_pixels(values<T>(), mask_.get(), list_.get(), count_, pixels(), shape_.c, stream),
          where(), "clear_pixels");
  });
}

void GpuTensor::swap_values(DeviceBuffer<uint8_t>& other) {
  if (other.bytes() != values_.bytes())
    throw Error(ErrorKind::Internal, where() + "swap_values with a buffer of " +
                                         std::to_string(other.bytes()) + " bytes; expected " +
                                         std::to_string(values_.bytes()));
  std::swap(values_, other);
}

void GpuTensor::compact(int* scratch, cudaStream_t stream) {
  check(cuda::compact_mask(mask_.get(), pixels(), list_.get(), count_, scratch, stream), where(),
        "compact_mask");
}

void GpuTensor::copy_mask_from(const GpuTensor& other, int* scratch, cudaStream_t stream) {
  check(cudaMemcpyAsync(mask_.get(), other.mask(), size_t(pixels()), cudaMemcpyDeviceToDevice, stream),
        where(), "cudaMemcpyAsync (mask)");
  compact(scratch, stream);
}

}  // namespace dcnn::cuda_exec
