// Element type of activations in device memory. Accumulation is always fp32; fp16 storage
// halves the bytes moved by the memory-bound delta kernels.
#pragma once

#include <cstddef>

namespace dcnn::cuda {

enum class Storage : int { F32, F16 };

inline size_t storage_bytes(Storage s) { return s == Storage::F32 ? 4 : 2; }

}  // namespace dcnn::cuda
