#include "kernels/cpu/im2col.h"

#include <algorithm>
#include <cstring>

namespace dcnn::cpu {
namespace {

inline void zero(float* dst, int64_t n) {
  if (n > 0) std::memset(dst, 0, sizeof(float) * static_cast<size_t>(n));
}

// One output pixel's row. With one group and no horizontal dilation the valid taps of a kernel
// row are adjacent pixels, i.e. one contiguous run of memory in NHWC: copy it in one go.
void gather_row(const ConvGeometry& g, const float* in, int group, int oy, int ox, float* row) {
  const int cg = g.cin / g.groups;
  const int iy0 = oy * g.stride_h - g.pad_top;
  const int ix0 = ox * g.stride_w - g.pad_left;
  const int64_t tap_row = int64_t{g.kw} * cg;
  if (g.groups == 1 && g.dil_w == 1) {
    const int kx_lo = std::clamp(-ix0, 0, g.kw);
    const int kx_hi = std::clamp(g.in_w - ix0, kx_lo, g.kw);
    for (int ky = 0; ky < g.kh; ++ky, row += tap_row) {
      const int iy = iy0 + ky * g.dil_h;
      if (iy < 0 || iy >= g.in_h) {
        zero(row, tap_row);
        continue;
      }
      zero(row, int64_t{kx_lo} * cg);
      if (kx_hi > kx_lo) {
        const float* src = in + (int64_t{iy} * g.in_w + ix0 + kx_lo) * g.cin;
        std::memcpy(row + int64_t{kx_lo} * cg, src, sizeof(float) * size_t(kx_hi - kx_lo) * cg);
      }
      zero(row + int64_t{kx_hi} * cg, int64_t{g.kw - kx_hi} * cg);
    }
    return;
  }
  const float* in_group = in + int64_t{group} * cg;
  for (int ky = 0; ky < g.kh; ++ky) {
    const int iy = iy0 + ky * g.dil_h;
    if (iy < 0 || iy >= g.in_h) {
      zero(row, tap_row);
      row += tap_row;
      continue;
    }
    for (int kx = 0; kx < g.kw; ++kx, row += cg) {
      const int ix = ix0 + kx * g.dil_w;
      if (ix < 0 || ix >= g.in_w)
        zero(row, cg);
      else
        std::memcpy(row, in_group + (int64_t{iy} * g.in_w + ix) * g.cin, sizeof(float) * cg);
    }
  }
}

}  // namespace

int im2col_block_pixels(int64_t row_length) {
  const int64_t by_cache = (int64_t{256} * 1024 / sizeof(float)) / std::max<int64_t>(1, row_length);
  return static_cast<int>(std::clamp<int64_t>(by_cache / 16 * 16, 32, 512));
}

int64_t im2col_row_length(const ConvGeometry& g) {
  return int64_t{g.kh} * g.kw * (g.cin / g.groups);
}

void im2col_range(const ConvGeometry& g, const float* in, int group, int first_pixel, int n,
                  float* rows) {
  const int64_t len = im2col_row_length(g);
  int oy = first_pixel / g.out_w;
  int ox = first_pixel % g.out_w;
  for (int r = 0; r < n; ++r, rows += len) {
    gather_row(g, in, group, oy, ox, rows);
    if (++ox == g.out_w) {
      ox = 0;
      ++oy;
    }
  }
}

void im2col_list(const ConvGeometry& g, const float* in, int group, const int32_t* pixels, int n,
                 float* rows) {
  const int64_t len = im2col_row_length(g);
  for (int r = 0; r < n; ++r, rows += len)
    gather_row(g, in, group, pixels[r] / g.out_w, pixels[r] % g.out_w, rows);
}

}  // namespace dcnn::cpu
