// Per-thread growable scratch memory for the conv kernels. A kernel call asks for the space
// it needs; the buffer only grows, so in steady state (same model, same shapes) no call
// allocates. Each OpenMP worker thread has its own buffers, so no locking is needed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dcnn::cpu {

// Which scratch buffer of the calling thread to use; a kernel that needs two live buffers at
// once (gathered rows and GEMM result) takes two different slots.
// Partial: gemm_rows' padded product (its callers hold the first three); Pairs: gather_gemm_bf16's
// rows converted to bf16 pairs (its callers hold the other four).
enum class ScratchSlot { Rows = 0, Product = 1, Band = 2, Partial = 3, Pairs = 4, Count = 5 };

// 64-byte aligned space for at least `floats` floats, owned by the calling thread and valid
// until that thread's next scratch_floats call with the same slot. Contents are undefined.
float* scratch_floats(ScratchSlot slot, size_t floats);

// Per-thread space for at least `count` pixel indices, same lifetime rules (one buffer).
int32_t* scratch_indices(size_t count);

}  // namespace dcnn::cpu
