// Ordered compaction of a pixel mask into the list of active pixel indices, on the device.
// The list is ascending (y * w + x), like the CPU backend's, so gathers walk memory forward and
// both backends see the same order. Three launches (count per block, scan of the block counts,
// write) and no atomics, so the result is deterministic; the count stays on the device, so a
// caller capturing a CUDA graph need not synchronise.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// Ints of scratch compact_mask needs for a mask of n bytes.
int64_t compact_scratch_ints(int64_t n);

// list[0 .. *count) = indices i < n with mask[i] != 0, ascending; *count (one device int) is
// overwritten. list needs room for n entries; scratch holds compact_scratch_ints(n) ints.
cudaError_t compact_mask(const uint8_t* mask, int64_t n, int32_t* list, int* count, int* scratch,
                         cudaStream_t stream);

}  // namespace dcnn::cuda
