// Shape of a 2-D convolution for the CUDA conv kernels, and the weight layouts they take.
// Weights come from ONNX as OIHW ([cout][cin/groups][kh][kw]); each kernel family has its own
// packing, done once on the host at model load and uploaded by the caller.
#pragma once

#include <vector>

#include "kernels/cuda/window.h"

namespace dcnn::cuda {

struct ConvShape {
  Window2D window;
  int cin = 0, cout = 0, groups = 1;
};

// Positive sizes, a valid window, channels divisible by groups.
bool conv_shape_is_valid(const ConvShape& s);

// Gather + GEMM layout (conv_sparse): [group][ky][kx][ci_in_group][co_in_group].
std::vector<float> pack_weights_for_gemm(const ConvShape& s, const float* oihw);
// cuDNN NHWC filter layout (conv_dense): [cout][ky][kx][ci_in_group] ("KRSC").
std::vector<float> pack_weights_for_cudnn(const ConvShape& s, const float* oihw);
// Depthwise layout (depthwise_conv; groups == cin == cout): [ky][kx][c].
std::vector<float> pack_weights_for_depthwise(const ConvShape& s, const float* oihw);

}  // namespace dcnn::cuda
