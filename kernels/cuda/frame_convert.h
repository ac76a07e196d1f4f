// On-GPU pre-processing: a decoded frame (planes already on the device) -> the model input,
// HxWx3 floats in 0..255 in the model's channel order: colour conversion, stretch or letterbox
// resize, border fill. Per-pixel arithmetic in frame_sample.h (shared with a CPU test).
#pragma once

#include <cuda_runtime.h>

#include "kernels/cuda/frame_sample.h"

namespace dcnn::cuda {

// out: m.out_h * m.out_w * 3 floats on the device. cudaErrorInvalidValue for sizes that do not
// fit (content outside the input, non-positive sizes, a null plane the format uses).
cudaError_t frame_to_input(const FramePlanes& frame, const InputMapping& m, float* out,
                           cudaStream_t stream);

}  // namespace dcnn::cuda
