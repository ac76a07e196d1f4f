#include "kernels/cuda/input_stage.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void change_mask_kernel(const float* __restrict__ x, const float* __restrict__ ref,
                                   int64_t pixels, float threshold, uint8_t* __restrict__ mask) {
  int64_t p = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (p >= pixels) return;
  float peak = 0.f;
  for (int ch = 0; ch < kInputChannels; ++ch) {
    int64_t i = p * kInputChannels + ch;
    peak = fmaxf(peak, fabsf(x[i] - ref[i]));
  }
  mask[p] = peak > threshold ? 1 : 0;
}

__global__ void block_change_kernel(const float* __restrict__ x, const float* __restrict__ ref,
                                    int h, int w, int block, int tiles_x, int tiles,
                                    float threshold, uint8_t* __restrict__ mask) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= tiles) return;
  const int y0 = (t / tiles_x) * block, x0 = (t % tiles_x) * block;
  const int y1 = min(h, y0 + block), x1 = min(w, x0 + block);
  // Summed in the CPU kernel's order (each column down its rows, then the columns left to
  // right), so that a tile right at the threshold fires on both backends or on neither.
  float sum[kInputChannels] = {0.f, 0.f, 0.f};
  for (int xx = x0; xx < x1; ++xx) {
    float column[kInputChannels] = {0.f, 0.f, 0.f};
    for (int y = y0; y < y1; ++y) {
      const int64_t base = (int64_t{y} * w + xx) * kInputChannels;
      for (int ch = 0; ch < kInputChannels; ++ch) column[ch] += x[base + ch] - ref[base + ch];
    }
    for (int ch = 0; ch < kInputChannels; ++ch) sum[ch] += column[ch];
  }
  const float count = static_cast<float>((y1 - y0) * (x1 - x0));
  float peak = 0.f;
  for (int ch = 0; ch < kInputChannels; ++ch) peak = fmaxf(peak, fabsf(sum[ch]) / count);
  if (peak <= threshold) return;
  for (int y = y0; y < y1; ++y)
    for (int xx = x0; xx < x1; ++xx) mask[int64_t{y} * w + xx] = 1;
}

__global__ void clear_ignored_kernel(uint8_t* __restrict__ mask, const uint8_t* __restrict__ ignore,
                                     int64_t pixels) {
  int64_t p = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (p < pixels) mask[p] = static_cast<uint8_t>(mask[p] & (ignore[p] ^ 1));
}

// One thread per (listed pixel, channel).
template <typename T>
__global__ void emit_kernel(const float* __restrict__ x, float* __restrict__ ref,
                            InputNormalisation norm, T* __restrict__ out,
                            const int32_t* __restrict__ list, const int* __restrict__ count,
                            int64_t capacity) {
  int64_t n = min(capacity, static_cast<int64_t>(*count));
  const int64_t total = n * kInputChannels;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % kInputChannels);
    int64_t i = int64_t{list[t / kInputChannels]} * kInputChannels + ch;
    float v = x[i];
    detail::store(out + i, (v - ref[i]) * norm.inv_std[ch]);
    ref[i] = v;
  }
}

template <typename T>
__global__ void dense_kernel(const float* __restrict__ x, float* __restrict__ ref,
                             InputNormalisation norm, T* __restrict__ out, int64_t total) {
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i >= total) return;
  int ch = static_cast<int>(i % kInputChannels);
  float v = x[i];
  detail::store(out + i, (v - norm.mean[ch]) * norm.inv_std[ch]);
  if (ref) ref[i] = v;
}

}  // namespace

cudaError_t input_change_mask(const float* x, const float* ref, int64_t pixels, float threshold,
                              uint8_t* mask, cudaStream_t stream) {
  if (pixels < 0 || !(threshold >= 0.f)) return cudaErrorInvalidValue;
  if (pixels == 0) return cudaSuccess;
  change_mask_kernel<<<detail::blocks_for(pixels), detail::kBlock, 0, stream>>>(x, ref, pixels,
                                                                               threshold, mask);
  return cudaGetLastError();
}

cudaError_t input_block_change_mask(const float* x, const float* ref, int h, int w, int block,
                                    float threshold, uint8_t* mask, cudaStream_t stream) {
  if (h <= 0 || w <= 0 || block <= 0 || !(threshold >= 0.f)) return cudaErrorInvalidValue;
  const int tiles_x = (w + block - 1) / block, tiles_y = (h + block - 1) / block;
  const int tiles = tiles_x * tiles_y;
  block_change_kernel<<<detail::blocks_for(tiles), detail::kBlock, 0, stream>>>(
      x, ref, h, w, block, tiles_x, tiles, threshold, mask);
  return cudaGetLastError();
}

cudaError_t input_clear_ignored(uint8_t* mask, const uint8_t* ignore, int64_t pixels,
                                cudaStream_t stream) {
  if (pixels < 0 || !mask || !ignore) return cudaErrorInvalidValue;
  if (pixels == 0) return cudaSuccess;
  clear_ignored_kernel<<<detail::blocks_for(pixels), detail::kBlock, 0, stream>>>(mask, ignore, pixels);
  return cudaGetLastError();
}

template <typename T>
cudaError_t input_delta_emit(const float* x, float* ref, const InputNormalisation& norm, T* out,
                             const int32_t* list, const int* count, int64_t capacity,
                             cudaStream_t stream) {
  if (capacity < 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  emit_kernel<T><<<detail::capped_blocks(capacity * kInputChannels), detail::kBlock, 0, stream>>>(
      x, ref, norm, out, list, count, capacity);
  return cudaGetLastError();
}

template <typename T>
cudaError_t input_dense(const float* x, float* ref, const InputNormalisation& norm, T* out,
                        int64_t pixels, cudaStream_t stream) {
  if (pixels < 0) return cudaErrorInvalidValue;
  int64_t total = pixels * kInputChannels;
  if (total == 0) return cudaSuccess;
  dense_kernel<T><<<detail::blocks_for(total), detail::kBlock, 0, stream>>>(x, ref, norm, out,
                                                                            total);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t input_delta_emit<T>(const float*, float*, const InputNormalisation&,    \
                                           T*, const int32_t*, const int*, int64_t,           \
                                           cudaStream_t);                                     \
  template cudaError_t input_dense<T>(const float*, float*, const InputNormalisation&, T*,     \
                                      int64_t, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
