// Transposed-conv geometries shared by the CPU kernel test (test_conv_transpose.cpp) and the
// CUDA gather test (tests/cuda/test_conv_transpose_gather.cpp): strides 1..3 (including phases
// no tap reaches), output padding, dilation, asymmetric pads, groups, depthwise.
#pragma once

#include "kernels/cpu/conv.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {

struct TransposeCase {
  const char* name;
  int in_h, in_w, cin, cout, kh, kw;
  int stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_bottom, pad_left, pad_right;
  int out_pad_h, out_pad_w;
  int groups;
};

inline ConvTransposeGeometry geometry_of(const TransposeCase& c) {
  ConvTransposeGeometry g;
  g.in_h = c.in_h;
  g.in_w = c.in_w;
  g.cin = c.cin;
  g.cout = c.cout;
  g.kh = c.kh;
  g.kw = c.kw;
  g.stride_h = c.stride_h;
  g.stride_w = c.stride_w;
  g.dil_h = c.dil_h;
  g.dil_w = c.dil_w;
  g.pad_top = c.pad_top;
  g.pad_left = c.pad_left;
  g.groups = c.groups;
  g.out_h = conv_transpose_out_size(c.in_h, c.kh, c.stride_h, c.dil_h, c.pad_top, c.pad_bottom, c.out_pad_h);
  g.out_w = conv_transpose_out_size(c.in_w, c.kw, c.stride_w, c.dil_w, c.pad_left, c.pad_right, c.out_pad_w);
  return g;
}

inline const TransposeCase kTransposeCases[] = {
    // name               h   w cin cout kh kw sh sw dh dw pt pb pl pr oph opw groups
    {"up2x2s2",          9,  7, 16,  8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 1},
    {"k4s2p1",          10,  8, 12, 10, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1},
    {"k3s2p1_outpad",    7, 11,  9,  5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"k3s1p1",          12,  9,  6,  7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1},
    {"k3s1_dil2",        8, 10,  5,  4, 3, 3, 1, 1, 2, 2, 2, 1, 1, 2, 0, 0, 1},
    {"k2s3_empty_phase", 6,  5,  4,  3, 2, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 2, 1},
    {"k5s2_asym",        7,  6,  3,  6, 5, 5, 2, 2, 1, 1, 2, 1, 1, 2, 1, 0, 1},
    {"grouped2",         8,  8,  8,  6, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 2},
    {"depthwise_up",     9, 11, 24, 24, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 24},
    {"large_k4s2",      24, 18, 64, 32, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1},
};

}  // namespace dcnn::cpu::test
