// Depthwise convolution (groups == cin == cout): each channel convolved with its own kernel.
// A GEMM would have K = kh*kw and N = 1 per group, far too thin to pay, so these are direct
// loops over the taps with the channel dimension innermost, contiguous in NHWC and vectorised.
#pragma once

#include <cstdint>

#include "kernels/cpu/conv.h"

namespace dcnn::cpu {

// Packed depthwise weights: [ky][kx][c], so one tap's weights for all channels are contiguous.
// bias may be null (no bias). Writes every output pixel.
void depthwise_dense(const ConvGeometry& g, const float* weights_tap_channel, const float* bias,
                     const float* in, float* out);

// Output rows oy0 .. oy1-1 of `out` (the full output map), every pixel; single-threaded (the
// caller splits the rows). bias may be null.
void depthwise_dense_rows(const ConvGeometry& g, const float* weights_tap_channel, const float* bias,
                          const float* in, int oy0, int oy1, float* out);

// All channels at the n listed output pixels (y*out_w+x), no bias.
void depthwise_sparse(const ConvGeometry& g, const float* weights_tap_channel, const float* in,
                      const int32_t* pixels, int n, float* out);

// All channels at the n listed output pixels, no bias, into compact rows: row i (at i*cout)
// holds pixel pixels[i]. Single-threaded (the caller splits the list).
void depthwise_rows_of(const ConvGeometry& g, const float* weights_tap_channel, const float* in,
                       const int32_t* pixels, int n, float* rows);

}  // namespace dcnn::cpu
