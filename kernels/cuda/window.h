// Geometry of a sliding window (conv, pooling): output index o along an axis reads the input
// indices i = o * stride - pad_begin + k * dilation for k < kernel, skipping those outside
// [0, in). Plain struct so it can be passed to kernels by value.
#pragma once

namespace dcnn::cuda {

struct Window2D {
  int in_h = 0, in_w = 0;
  int out_h = 0, out_w = 0;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_top = 0, pad_left = 0;
  // Only average pooling with count_include_pad reads these (the divisor counts padded taps);
  // everything else infers the bottom/right border from out_h/out_w.
  int pad_bottom = 0, pad_right = 0;
};

// True when every size is positive and the window fits the declared output size.
bool window_is_valid(const Window2D& w);

}  // namespace dcnn::cuda
