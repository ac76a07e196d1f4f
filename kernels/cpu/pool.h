// Windowed pooling over footprints (see mask.h): the footprint of an output pixel lists the
// input rows/columns inside the image, so padding never contributes.
#pragma once

#include <cstdint>

#include "kernels/cpu/mask.h"

namespace dcnn::cpu {

// Max over the window of `in` (dense or accumulated values) for the n listed output pixels
// (list == nullptr: pixels 0..n-1) of an out_w-wide map. prev_out == nullptr: out = max.
// Otherwise out = max - prev_out when emit_delta (else out = max), prev_out = max; and when
// mask is not null a pixel whose change is exactly zero in every channel is masked off.
void max_pool(const float* in, int in_w, int c, const Footprint1D& rows, const Footprint1D& cols,
              float* prev_out, bool emit_delta, float* out, uint8_t* mask, const int32_t* list,
              int64_t n);

// Mean over the window. kernel_area > 0 divides by it (count_include_pad); 0 divides by the
// number of in-image positions. Linear, so it serves values and deltas alike.
void avg_pool(const float* in, int in_w, int c, const Footprint1D& rows, const Footprint1D& cols,
              int kernel_area, float* out, const int32_t* list, int64_t n);

}  // namespace dcnn::cpu
