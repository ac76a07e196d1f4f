// Layer shapes for the conv kernel benchmarks: a square kernel with "same" padding.
#pragma once

#include "kernels/cpu/conv.h"

namespace dcnn::bench {

inline cpu::ConvGeometry same_padded_conv(int in_h, int in_w, int cin, int cout, int k, int stride, int groups) {
  cpu::ConvGeometry g;
  g.in_h = in_h;
  g.in_w = in_w;
  g.cin = cin;
  g.cout = cout;
  g.kh = g.kw = k;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = k / 2;
  g.groups = groups;
  g.out_h = (in_h + 2 * (k / 2) - k) / stride + 1;
  g.out_w = (in_w + 2 * (k / 2) - k) / stride + 1;
  return g;
}

}  // namespace dcnn::bench
