// Small mask operations the executor needs between kernels, all without host synchronisation
// (pixel counts stay on the device):
// - fill_mask_if_any: a broadcast operand (1x1xC gate, global pool output) that changed makes
//   every pixel of the consumer active;
// - zero_inactive_pixels: after a dense conv on a delta map, restore "inactive pixels hold
//   exactly 0" (cuDNN's FFT / Winograd algorithms may leave rounding noise there); values are
//   fp32 or fp16 (`T`: float or __half).
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// mask[0 .. n) = 1 when *count > 0; left alone otherwise.
cudaError_t fill_mask_if_any(uint8_t* mask, int64_t n, const int* count, cudaStream_t stream);

// values[p][*] = 0 wherever mask[p] == 0, for a pixels x c map.
template <typename T>
cudaError_t zero_inactive_pixels(T* values, const uint8_t* mask, int64_t pixels, int c,
                                 cudaStream_t stream);

}  // namespace dcnn::cuda
