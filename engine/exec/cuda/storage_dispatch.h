// The element type of a stream's tensor values (kernels/cuda/storage.h) as a C++ type, so an op
// writes its launches once as a generic lambda:
//   with_storage(out.storage(), [&](auto zero) { using T = decltype(zero); ... o.values<T>() ... });
// T is float or __half; state buffers (accumulators, residuals, prev_out) are float either way.
#pragma once

#include <cuda_fp16.h>

#include "engine/exec/executor.h"  // Precision
#include "kernels/cuda/storage.h"

namespace dcnn::cuda_exec {

template <typename F>
void with_storage(cuda::Storage storage, F&& f) {
  if (storage == cuda::Storage::F16)
    f(__half{});
  else
    f(float{});
}

// The kernels' element type for a model's precision.
constexpr cuda::Storage storage_of(Precision precision) {
  return precision == Precision::F16 ? cuda::Storage::F16 : cuda::Storage::F32;
}

template <typename T>
constexpr cuda::Storage storage_of() {
  return sizeof(T) == 2 ? cuda::Storage::F16 : cuda::Storage::F32;
}

}  // namespace dcnn::cuda_exec
