// Explicit pads of a sliding window (Conv, MaxPool, AveragePool) from ONNX's pads / auto_pad.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/ir/onnx/import_context.h"

namespace dcnn::ir::onnximport {

struct Pads2d {
  int top = 0, left = 0, bottom = 0, right = 0;
};

struct Window2d {
  int kh, kw, stride_h, stride_w, dil_h, dil_w;
};

// Reads "pads" and "auto_pad" of the current node. SAME_UPPER / SAME_LOWER give
// out = ceil(in / stride) with the odd pixel of padding at the end / the beginning; VALID gives 0.
Pads2d resolve_window_pads(const ImportContext& ctx, const Window2d& win, int in_h, int in_w);

// Reads a 2-element spatial attribute (strides, dilations, kernel_shape); default when absent.
void read_pair(const ImportContext& ctx, const char* name, int fallback, int& first, int& second);

}  // namespace dcnn::ir::onnximport
