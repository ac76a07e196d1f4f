// out = coef_a * a + coef_b * b per pixel, and the union of two pixel masks. Linear, so the
// same kernel serves dense values and deltas: a delta map holds 0 at its inactive pixels, so
// adding over the union of the two masks is exact. Values are fp32 or fp16 (`T`: float or
// __half), computed in fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// For the n listed pixels (device list; null: pixels 0..n-1), c channels each. b is the same
// map as a, or with b_broadcast a single c-vector added at every pixel. out may alias a or b.
template <typename T>
cudaError_t add(const T* a, const T* b, bool b_broadcast, float coef_a, float coef_b, T* out,
                const int32_t* list, int64_t n, int c, cudaStream_t stream);
// The same with the count of listed pixels read on the device (*count, as compact_mask leaves
// it): no host synchronisation, graph-capturable; the grid is sized for `capacity` pixels.
template <typename T>
cudaError_t add(const T* a, const T* b, bool b_broadcast, float coef_a, float coef_b, T* out,
                const int32_t* list, const int* count, int64_t capacity, int c,
                cudaStream_t stream);

// dst[i] = dst[i] | src[i] for n mask bytes.
cudaError_t mask_union(uint8_t* dst, const uint8_t* src, int64_t n, cudaStream_t stream);

}  // namespace dcnn::cuda
