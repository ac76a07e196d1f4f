// Resize by separable interpolation: every output coordinate along an axis reads two input
// indices with weights (nearest: the second weight is 0). Linear, so it serves values and
// deltas alike; the tables are computed once per model (engine/exec/ops/resize.cpp).
#pragma once

#include <cstdint>

namespace dcnn::cpu {

struct ResizeAxis {
  const int32_t* i0 = nullptr;
  const int32_t* i1 = nullptr;
  const float* w0 = nullptr;
  const float* w1 = nullptr;
};

// For the n listed output pixels (list == nullptr: pixels 0..n-1) of an out_w-wide map.
void resize(const float* in, int in_w, int c, const ResizeAxis& rows, const ResizeAxis& cols,
            float* out, int out_w, const int32_t* list, int64_t n);

// The same values for the n listed output pixels, pixel list[i] into row i of out_rows (c
// floats apart): the rows a fire step takes while they are in cache (fire.h, fire_computed).
// Single-threaded.
void resize_rows(const float* in, int in_w, int c, const ResizeAxis& rows, const ResizeAxis& cols, int out_w,
                 const int32_t* list, int64_t n, float* out_rows);

}  // namespace dcnn::cpu
