// Receptive-field gathering ("im2col") for the GEMM-based conv kernels.
// Row r of the result holds, in (ky, kx, ci) order, the cin/groups input channels of one group
// under every kernel tap of one output pixel; taps outside the input map read as 0, which is
// exactly ONNX zero padding. Multiplying the rows with the packed [(ky,kx,ci)][cout/groups]
// weights gives that group's output channels.
#pragma once

#include <cstdint>

#include "kernels/cpu/conv.h"

namespace dcnn::cpu {

// Pixels per gathered block for rows of row_length floats: the rows of one block should stay
// within ~256 KiB so they are still in L2 when sgemm streams them; never fewer than 32 rows
// (sgemm efficiency drops on very short panels) nor more than 512 (load balance across
// threads). Used by every im2col + GEMM kernel (conv and transposed conv).
int im2col_block_pixels(int64_t row_length);

// Floats in one gathered row: kh * kw * cin / groups.
int64_t im2col_row_length(const ConvGeometry& g);

// Rows for the n consecutive output pixels first_pixel .. first_pixel + n - 1 (index y*out_w+x).
void im2col_range(const ConvGeometry& g, const float* in, int group, int first_pixel, int n,
                  float* rows);

// Rows for the n output pixels listed in pixels (each y*out_w+x, any order).
void im2col_list(const ConvGeometry& g, const float* in, int group, const int32_t* pixels, int n,
                 float* rows);

}  // namespace dcnn::cpu
