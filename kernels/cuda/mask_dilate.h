// Output mask of a windowed op (conv, pooling): an output pixel is active iff any input pixel
// of its window (kernel, stride, dilation, padding) is active (DESIGN.md, "Delta semantics").
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/window.h"

namespace dcnn::cuda {

// out_mask[out_h * out_w] from in_mask[in_h * in_w] (bytes, 1 active / 0 not).
cudaError_t dilate_mask(const uint8_t* in_mask, const Window2D& w, uint8_t* out_mask,
                        cudaStream_t stream);

// dilate_mask, then compact_mask (kernels/cuda/compact.h) of the output: list gets the active
// output pixels in ascending order, *count (device) how many. scratch: compact_scratch_ints
// (out_h * out_w) ints.
cudaError_t dilate_mask_to_list(const uint8_t* in_mask, const Window2D& w, uint8_t* out_mask,
                                int32_t* list, int* count, int* scratch, cudaStream_t stream);

}  // namespace dcnn::cuda
