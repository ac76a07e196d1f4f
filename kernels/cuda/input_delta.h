// GPU input delta: the thresholded frame difference that decides which pixels enter the delta
// network (DESIGN.md, "Data flow" step 3), on device buffers, NHWC float.
//   d = x - ref; active where max_c |d| > threshold; active pixels emit d and set ref = x;
//   inactive pixels emit 0 and leave ref untouched (slow drift is sent later, in full).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// x, ref, delta: pixels * channels floats; mask: pixels bytes (1 active, 0 not);
// active_count: one device int, accumulated into (the caller zeroes it once per frame).
cudaError_t input_delta(const float* x, float* ref, float* delta, uint8_t* mask, int pixels,
                        int channels, float threshold, int* active_count, cudaStream_t stream);

}  // namespace dcnn::cuda
