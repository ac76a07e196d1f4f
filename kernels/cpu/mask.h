// Pixel masks and active-pixel lists. A mask is one byte per pixel (1 active, 0 not); a list is
// the ascending pixel indices (y * w + x) of the active pixels. Which output pixels a layer must
// update is the set whose input footprint holds an active pixel; footprints of every windowed
// op (conv, transposed conv, pooling, resize, input dilation) are separable, so they are given
// per axis as compressed lists and the 2-D test is two 1-D OR passes.
#pragma once

#include <cstdint>
#include <vector>

namespace dcnn::cpu {

// Inputs of output index o along one axis: index[begin[o] .. begin[o + 1]).
struct Footprint1D {
  int n_out = 0;
  std::vector<int32_t> begin;  // n_out + 1
  std::vector<int32_t> index;
  // A conv / pooling window (window_footprint) also keeps its parameters: footprint_mask then
  // ORs shifted rows (vectorised) instead of walking the index lists byte by byte.
  struct Window {
    int in = 0, kernel = 0, stride = 1, dilation = 1, pad = 0;
  };
  bool is_window = false;
  Window window;
};

// Conv / pooling window: o reads i = o * stride - pad + k * dilation, k < kernel, 0 <= i < in.
Footprint1D window_footprint(int in, int out, int kernel, int stride, int dilation, int pad);
// Transposed conv: input i writes o = i * stride - pad + k * dilation; inverted to o's inputs.
Footprint1D transposed_footprint(int in, int out, int kernel, int stride, int dilation, int pad);

// out_mask[oy * cols.n_out + ox] = any in_mask[iy * in_w + ix] with iy in rows(oy), ix in
// cols(ox). scratch holds in_h * cols.n_out bytes.
void footprint_mask(const uint8_t* in_mask, int in_h, int in_w, const Footprint1D& rows,
                    const Footprint1D& cols, uint8_t* scratch, uint8_t* out_mask);

// Writes the indices of the set bytes of mask[0..n) to list; returns how many.
int compact_mask(const uint8_t* mask, int64_t n, int32_t* list);
// Keeps, in order, the listed pixels whose mask byte is still set; returns the new count.
int compact_list(int32_t* list, int n, const uint8_t* mask);

// Zeroes the c values and the mask byte of each listed pixel (restores the delta invariant).
void clear_pixels(float* values, uint8_t* mask, const int32_t* list, int n, int c);

// dst[i] |= src[i].
void mask_or(uint8_t* dst, const uint8_t* src, int64_t n);

}  // namespace dcnn::cpu
