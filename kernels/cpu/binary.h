// Elementwise a * b or a / b with broadcasting, on accumulated (full) values. In delta mode the
// caller keeps the inputs accumulated and the kernel turns the new product into a change:
// out = f(a, b) - prev_out, prev_out = f(a, b).
#pragma once

#include <cstdint>

namespace dcnn::cpu {

enum class BinaryFn { Mul, Div };

// Element (y, x, ch) of an operand is data[y * sy + x * sx + ch * sc]; a broadcast axis has
// stride 0.
struct BroadcastView {
  const float* data = nullptr;
  int64_t sy = 0, sx = 0, sc = 0;
};

// For the n listed output pixels (list == nullptr: pixels 0..n-1) of an out_w-wide, c-channel
// map. prev_out == nullptr: out = f(a, b). Otherwise, when emit_delta, out = f - prev_out;
// always prev_out = f.
void binary(BinaryFn fn, const BroadcastView& a, const BroadcastView& b, int out_w, int c,
            float* prev_out, bool emit_delta, float* out, const int32_t* list, int64_t n);

}  // namespace dcnn::cpu
