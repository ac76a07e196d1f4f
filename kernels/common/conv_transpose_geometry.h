// Geometry of a transposed convolution (ONNX ConvTranspose) on NHWC maps, one struct for the CPU
// kernels (cpu::ConvTransposeGeometry) and the CUDA kernels (cuda::ConvTransposeShape). Along
// each axis input index i writes output index o = i * stride - pad + k * dil for tap k < kernel.
#pragma once

namespace dcnn::kern {

struct ConvTransposeGeometry {
  int in_h = 0, in_w = 0, cin = 0;
  int out_h = 0, out_w = 0, cout = 0;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_top = 0, pad_left = 0;
  int groups = 1;
};

}  // namespace dcnn::kern
