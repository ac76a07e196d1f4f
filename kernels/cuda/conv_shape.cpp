#include "kernels/cuda/conv_shape.h"

#include <cstddef>

namespace dcnn::cuda {

bool conv_shape_is_valid(const ConvShape& s) {
  return window_is_valid(s.window) && s.cin > 0 && s.cout > 0 && s.groups > 0 &&
         s.cin % s.groups == 0 && s.cout % s.groups == 0;
}

namespace {
// Index of ONNX weight (co, ci_in_group, ky, kx).
size_t oihw_index(const ConvShape& s, int co, int ci, int ky, int kx) {
  const int cin_g = s.cin / s.groups;
  return ((static_cast<size_t>(co) * cin_g + ci) * s.window.kh + ky) * s.window.kw + kx;
}
}  // namespace

std::vector<float> pack_weights_for_gemm(const ConvShape& s, const float* oihw) {
  const int cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  const int kh = s.window.kh, kw = s.window.kw;
  std::vector<float> out(static_cast<size_t>(s.cout) * cin_g * kh * kw);
  size_t o = 0;
  for (int g = 0; g < s.groups; ++g)
    for (int ky = 0; ky < kh; ++ky)
      for (int kx = 0; kx < kw; ++kx)
        for (int ci = 0; ci < cin_g; ++ci)
          for (int co = 0; co < cout_g; ++co)
            out[o++] = oihw[oihw_index(s, g * cout_g + co, ci, ky, kx)];
  return out;
}

std::vector<float> pack_weights_for_cudnn(const ConvShape& s, const float* oihw) {
  const int cin_g = s.cin / s.groups;
  const int kh = s.window.kh, kw = s.window.kw;
  std::vector<float> out(static_cast<size_t>(s.cout) * cin_g * kh * kw);
  size_t o = 0;
  for (int co = 0; co < s.cout; ++co)
    for (int ky = 0; ky < kh; ++ky)
      for (int kx = 0; kx < kw; ++kx)
        for (int ci = 0; ci < cin_g; ++ci) out[o++] = oihw[oihw_index(s, co, ci, ky, kx)];
  return out;
}

std::vector<float> pack_weights_for_depthwise(const ConvShape& s, const float* oihw) {
  const int kh = s.window.kh, kw = s.window.kw;
  std::vector<float> out(static_cast<size_t>(s.cout) * kh * kw);
  size_t o = 0;
  for (int ky = 0; ky < kh; ++ky)
    for (int kx = 0; kx < kw; ++kx)
      for (int c = 0; c < s.cout; ++c) out[o++] = oihw[oihw_index(s, c, 0, ky, kx)];
  return out;
}

}  // namespace dcnn::cuda
