#include "kernels/cuda/window.h"

namespace dcnn::cuda {

bool window_is_valid(const Window2D& w) {
  if (w.in_h <= 0 || w.in_w <= 0 || w.out_h <= 0 || w.out_w <= 0) return false;
  if (w.kh <= 0 || w.kw <= 0 || w.stride_h <= 0 || w.stride_w <= 0) return false;
  if (w.dil_h <= 0 || w.dil_w <= 0 || w.pad_top < 0 || w.pad_left < 0) return false;
  if (w.pad_bottom < 0 || w.pad_right < 0) return false;
  // The first tap of the last output must start inside the padded input, or that output
  // would read nothing but padding on every tap.
  return (w.out_h - 1) * w.stride_h - w.pad_top < w.in_h &&
         (w.out_w - 1) * w.stride_w - w.pad_left < w.in_w;
}

}  // namespace dcnn::cuda
