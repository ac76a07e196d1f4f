// Host half of kernels/cuda/conv_transpose.h: the shape check and the weight packing.
#include <cstddef>

#include "kernels/cuda/conv_transpose.h"

namespace dcnn::cuda {

bool conv_transpose_shape_is_valid(const ConvTransposeShape& s) {
  const bool positive = s.in_h > 0 && s.in_w > 0 && s.cin > 0 && s.out_h > 0 && s.out_w > 0 &&
                        s.cout > 0 && s.kh > 0 && s.kw > 0 && s.stride_h > 0 && s.stride_w > 0 &&
                        s.dil_h > 0 && s.dil_w > 0 && s.pad_top >= 0 && s.pad_left >= 0 && s.groups > 0;
  return positive && s.cin % s.groups == 0 && s.cout % s.groups == 0;
}

std::vector<float> pack_weights_for_conv_transpose(const ConvTransposeShape& s, const float* weights) {
  const int og = s.cout / s.groups;
  const int taps = s.kh * s.kw;
  std::vector<float> packed(size_t(s.cin) * size_t(taps) * size_t(og));
  for (int ci = 0; ci < s.cin; ++ci)
    for (int co = 0; co < og; ++co)
      for (int t = 0; t < taps; ++t)
        packed[(size_t(t) * s.cin + size_t(ci)) * og + size_t(co)] =
            weights[(size_t(ci) * og + size_t(co)) * taps + size_t(t)];
  return packed;
}

}  // namespace dcnn::cuda
