#include "engine/ir/onnx/window_pads.h"

#include <string>

namespace dcnn::ir::onnximport {

void read_pair(const ImportContext& ctx, const char* name, int fallback, int& first, int& second) {
  const std::vector<int64_t> v = ctx.attr_ints(name, {fallback, fallback});
  if (v.size() != 2) {
    ctx.unsupported(std::string("attribute '") + name + "' has " + std::to_string(v.size()) +
                    " values; only 2-D (NCHW) windows are supported");
  }
  for (int64_t x : v) {
    if (x <= 0 || x > 4096) ctx.model_error(std::string("attribute '") + name + "' must be in 1..4096");
  }
  first = int(v[0]);
  second = int(v[1]);
}

namespace {

void same_pads(int in, int k, int stride, int dil, bool upper, int& begin, int& end) {
  const int out = (in + stride - 1) / stride;
  const int span = dil * (k - 1) + 1;
  const int total = std::max((out - 1) * stride + span - in, 0);
  const int small = total / 2;
  begin = upper ? small : total - small;
  end = total - begin;
}

}  // namespace

Pads2d resolve_window_pads(const ImportContext& ctx, const Window2d& win, int in_h, int in_w) {
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  Pads2d p;
  if (auto_pad == "NOTSET") {
    const std::vector<int64_t> pads = ctx.attr_ints("pads", {0, 0, 0, 0});
    if (pads.size() != 4) {
      ctx.unsupported("attribute 'pads' has " + std::to_string(pads.size()) +
                      " values; expected 4 (top, left, bottom, right) for a 2-D window");
    }
    for (int64_t v : pads) {
      if (v < 0 || v > 4096) ctx.unsupported("negative or huge pads are not supported (" + std::to_string(v) + ")");
    }
    p.top = int(pads[0]);
    p.left = int(pads[1]);
    p.bottom = int(pads[2]);
    p.right = int(pads[3]);
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    const bool upper = auto_pad == "SAME_UPPER";
    same_pads(in_h, win.kh, win.stride_h, win.dil_h, upper, p.top, p.bottom);
    same_pads(in_w, win.kw, win.stride_w, win.dil_w, upper, p.left, p.right);
  } else if (auto_pad != "VALID") {
    ctx.unsupported("auto_pad '" + auto_pad + "'; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
  }
  return p;
}

}  // namespace dcnn::ir::onnximport
