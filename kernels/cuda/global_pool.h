// Global average pooling: out[c] = scale * sum over pixels of in[p][c]. Dense: all pixels,
// scale 1/(H*W). Delta: only the active pixels (the others hold zero change), same scale, which
// is exactly the change of the mean of the accumulated map (a linear mean of deltas). The
// gate's delta is thresholded downstream, like any activation. in and out are fp32 or fp16
// (`T`: float or __half), summed in fp32; the scratch is fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// Floats of scratch global_sum needs for c channels.
int64_t global_sum_scratch_floats(int c);

// Sums the n listed pixels (device list; null: pixels 0..n-1) into out[c] (device). Two
// launches with fixed chunking, so the result does not depend on scheduling (no atomics).
template <typename T>
cudaError_t global_sum(const T* in, const int32_t* list, int64_t n, int c, float scale,
                       float* scratch, T* out, cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable). The chunking
// follows `capacity`, so the sum of a given list is the same whatever the capacity's slack
// (chunks past the count add zeros).
template <typename T>
cudaError_t global_sum(const T* in, const int32_t* list, const int* count, int64_t capacity,
                       int c, float scale, float* scratch, T* out, cudaStream_t stream);

}  // namespace dcnn::cuda
