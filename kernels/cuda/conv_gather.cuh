// The receptive-field gather both sparse implicit-GEMM conv kernels share (conv_sparse_tiled.cu on
// FMAs, conv_sparse_wmma.cu on tensor cores); device code only. Row r of the GEMM is the
// receptive field of listed output pixel list[r]; its column k is the input value at tap (ky, kx)
// and group-local channel ci, k = (ky * kw + kx) * cin_g + ci.
#pragma once

#include <cstdint>

#include "kernels/cuda/window.h"

namespace dcnn::cuda::detail {

// The window origins of the N rows one thread gathers: first_row + 16 i, i < N.
template <int N>
struct GatherRows {
  int origin_y[N], origin_x[N];
  bool valid[N];  // the row is within the list's count

  __device__ __forceinline__ void init(const Window2D& w, const int32_t* list, int n, int first_row) {
#pragma unroll
    for (int i = 0; i < N; ++i) {
      const int r = first_row + 16 * i;
      valid[i] = r < n;
      const int p = valid[i] ? list[r] : 0;
      origin_y[i] = (p / w.out_w) * w.stride_h - w.pad_top;
      origin_x[i] = (p % w.out_w) * w.stride_w - w.pad_left;
    }
  }
};

// Column k decoded into its tap and channel; valid is false past the group's K.
struct GatherTap {
  int ky, kx, ci;
  bool valid;
};

__device__ __forceinline__ GatherTap gather_tap(int k, int k_group, int cin_g, int kw) {
  GatherTap t{0, 0, 0, k < k_group};
  if (t.valid) {
    t.ci = k % cin_g;
    t.kx = (k / cin_g) % kw;
    t.ky = k / (cin_g * kw);
  }
  return t;
}

// The input element that row i reads at tap t, or null where the GEMM holds 0 (padding, past
// the list's count or past K). in_group points at the group's first channel; cin is the stride.
template <int N, typename T>
__device__ __forceinline__ const T* gather_source(const GatherRows<N>& rows, int i, const GatherTap& t,
                                                  const Window2D& w, int cin, const T* in_group) {
  const int iy = rows.origin_y[i] + t.ky * w.dil_h, ix = rows.origin_x[i] + t.kx * w.dil_w;
  if (!t.valid || !rows.valid[i] || iy < 0 || iy >= w.in_h || ix < 0 || ix >= w.in_w) return nullptr;
  return in_group + (static_cast<int64_t>(iy) * w.in_w + ix) * cin + t.ci;
}

}  // namespace dcnn::cuda::detail
