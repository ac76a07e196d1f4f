// Conv and ConvTranspose: 2-D only, constant weights and bias, every pad / stride / dilation /
// group form ONNX allows.
#include <string>

#include "engine/ir/onnx/import_ops.h"
#include "engine/ir/onnx/window_pads.h"

namespace dcnn::ir::onnximport {

namespace {

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

const ConstTensor& read_weights(ImportContext& ctx) {
  const ConstTensor& w = ctx.finite_input(1, "weight");
  if (w.rank() != 4) {
    ctx.unsupported("weights have shape " + dims_str(w.dims) +
                    "; only 2-D convolutions (4-D weights) are supported");
  }
  for (int64_t d : w.dims) {
    if (d <= 0) ctx.model_error("weights have an empty dimension " + dims_str(w.dims));
  }
  return w;
}

std::vector<float> read_bias(ImportContext& ctx, int cout) {
  if (ctx.input(2).empty()) return std::vector<float>(size_t(cout), 0.f);
  const ConstTensor& b = ctx.finite_input(2, "bias");
  if (b.size() != cout) {
    ctx.model_error("bias has " + std::to_string(b.size()) + " values; expected " +
                    std::to_string(cout) + " (one per output channel)");
  }
  return b.floats();
}

// The group attribute, checked as int64 before the IR keeps it as an int: a group above the
// input channels can never divide them, and checking first keeps 2^30 from overflowing
// cin = (weights dim 1) x group and 2^32 + 1 from truncating to a plausible 1 (both found by
// the fuzz_onnx_import harness on int64 attribute edges).
int read_group(ImportContext& ctx, int input_channels) {
  const int64_t group = ctx.attr_int("group", 1);
  if (group < 1 || group > input_channels) {
    ctx.model_error("group " + std::to_string(group) + " is out of range; expected 1.." +
                    std::to_string(input_channels) + " (at most the input channels)");
  }
  return int(group);
}

void check_kernel_shape(ImportContext& ctx, int kh, int kw) {
  if (!ctx.has_attr("kernel_shape")) return;
  const auto ks = ctx.attr_ints("kernel_shape", {});
  if (ks.size() != 2 || ks[0] != kh || ks[1] != kw) {
    ctx.model_error("kernel_shape " + dims_str(ks) + " does not match the weights' " +
                    std::to_string(kh) + "x" + std::to_string(kw));
  }
}

}  // namespace

void import_conv(ImportContext& ctx) {
  ctx.allow_attributes({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  const int x = ctx.runtime_input(0);
  const Shape in = ctx.graph().tensor(x).shape;
  const ConstTensor& w = read_weights(ctx);
  ConvParams p;
  p.cout = int(w.dims[0]);
  p.kh = int(w.dims[2]);
  p.kw = int(w.dims[3]);
  p.groups = read_group(ctx, in.c);
  const int64_t cin = w.dims[1] * p.groups;  // dims[1] <= 2^32, group <= in.c: fits
  if (cin != in.c) {
    ctx.model_error("the weights " + dims_str(w.dims) + " with group " + std::to_string(p.groups) +
                    " expect " + std::to_string(cin) + " input channels but input '" +
                    ctx.input(0) + "' has " + std::to_string(in.c));
  }
  p.cin = in.c;
  if (p.cout % p.groups != 0) {
    ctx.model_error("output channels " + std::to_string(p.cout) + " are not divisible by group " +
                    std::to_string(p.groups));
  }
  check_kernel_shape(ctx, p.kh, p.kw);
  read_pair(ctx, "strides", 1, p.stride_h, p.stride_w);
  read_pair(ctx, "dilations", 1, p.dil_h, p.dil_w);
  const Pads2d pads = resolve_window_pads(
      ctx, Window2d{p.kh, p.kw, p.stride_h, p.stride_w, p.dil_h, p.dil_w}, in.h, in.w);
  p.pad_top = pads.top;
  p.pad_left = pads.left;
  p.pad_bottom = pads.bottom;
  p.pad_right = pads.right;
  p.weights = w.floats();
  p.bias = read_bias(ctx, p.cout);
  ctx.add_node(OpKind::Conv, {x}, std::move(p));
}

namespace {

// Splits a total padding between begin and end the way ONNX specifies for ConvTranspose:
// SAME_UPPER puts the smaller half first; SAME_LOWER, and output_shape without auto_pad, the
// larger (onnxruntime does the same).
void split_total(int total, bool upper, int& begin, int& end) {
  const int small = total / 2;
  begin = upper ? small : total - small;
  end = total - begin;
}

}  // namespace

void import_conv_transpose(ImportContext& ctx) {
  ctx.allow_attributes({"auto_pad", "dilations", "group", "kernel_shape", "output_padding",
                        "output_shape", "pads", "strides"});
  const int x = ctx.runtime_input(0);
  const Shape in = ctx.graph().tensor(x).shape;
  const ConstTensor& w = read_weights(ctx);
  ConvTransposeParams p;
  p.groups = read_group(ctx, in.c);
  // The weights hold cin x dims[1] x kh x kw <= 2^32 values and group <= cin, so cout fits.
  p.cout = int(w.dims[1] * p.groups);
  p.cin = int(w.dims[0]);
  p.kh = int(w.dims[2]);
  p.kw = int(w.dims[3]);
  if (w.dims[0] != in.c) {
    ctx.model_error("the weights " + dims_str(w.dims) + " expect " + std::to_string(p.cin) +
                    " input channels but input '" + ctx.input(0) + "' has " + std::to_string(in.c));
  }
  if (p.cin % p.groups != 0) {
    ctx.model_error("input channels " + std::to_string(p.cin) + " are not divisible by group " +
                    std::to_string(p.groups));
  }
  check_kernel_shape(ctx, p.kh, p.kw);
  read_pair(ctx, "strides", 1, p.stride_h, p.stride_w);
  read_pair(ctx, "dilations", 1, p.dil_h, p.dil_w);
  // Attribute values are int64: each is range-checked before it is narrowed to int, so a
  // corrupt 2^32 + 1 is an error, not a silently truncated 1.
  const auto out_pad = ctx.attr_ints("output_padding", {0, 0});
  if (out_pad.size() != 2) ctx.unsupported("output_padding must have 2 values (2-D)");
  if (out_pad[0] < 0 || out_pad[1] < 0 || out_pad[0] >= std::max(p.stride_h, p.dil_h) ||
      out_pad[1] >= std::max(p.stride_w, p.dil_w)) {
    ctx.model_error("output_padding " + dims_str(out_pad) +
                    " must be >= 0 and smaller than the stride or dilation");
  }
  p.out_pad_h = int(out_pad[0]);
  p.out_pad_w = int(out_pad[1]);
  // Full output extent before any padding is removed.
  const int full_h = (in.h - 1) * p.stride_h + p.dil_h * (p.kh - 1) + 1 + p.out_pad_h;
  const int full_w = (in.w - 1) * p.stride_w + p.dil_w * (p.kw - 1) + 1 + p.out_pad_w;
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  if (ctx.has_attr("output_shape")) {
    auto os = ctx.attr_ints("output_shape", {});
    if (os.size() == 4) os = {os[2], os[3]};
    if (os.size() != 2) ctx.unsupported("output_shape must give 2 spatial sizes");
    if (os[0] < 1 || os[1] < 1) ctx.model_error("output_shape " + dims_str(os) + " must be positive");
    if (os[0] > full_h || os[1] > full_w) {
      ctx.unsupported("output_shape " + dims_str(os) + " larger than the unpadded output " +
                      std::to_string(full_h) + "x" + std::to_string(full_w) +
                      " needs negative padding");
    }
    const int th = full_h - int(os[0]), tw = full_w - int(os[1]);
    // NOTSET splits like SAME_LOWER: an odd total puts the extra pixel at the start. (Taken as
    // SAME_UPPER before, PyTorch exports with output_size= came out shifted by one pixel.)
    const bool upper = auto_pad == "SAME_UPPER";
    split_total(th, upper, p.pad_top, p.pad_bottom);
    split_total(tw, upper, p.pad_left, p.pad_right);
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    // Output = input * stride.
    const int th = full_h - in.h * p.stride_h, tw = full_w - in.w * p.stride_w;
    if (th < 0 || tw < 0) ctx.unsupported("auto_pad SAME would need negative padding here");
    const bool upper = auto_pad == "SAME_UPPER";
    split_total(th, upper, p.pad_top, p.pad_bottom);
    split_total(tw, upper, p.pad_left, p.pad_right);
  } else if (auto_pad == "NOTSET") {
    const auto pads = ctx.attr_ints("pads", {0, 0, 0, 0});
    if (pads.size() != 4) ctx.unsupported("pads must have 4 values (2-D)");
    for (int64_t v : pads) {
      if (v < 0 || v > 4096) ctx.unsupported("negative or huge pads are not supported (" + std::to_string(v) + ")");
    }
    p.pad_top = int(pads[0]);
    p.pad_left = int(pads[1]);
    p.pad_bottom = int(pads[2]);
    p.pad_right = int(pads[3]);
  } else if (auto_pad != "VALID") {
    ctx.unsupported("auto_pad '" + auto_pad + "'; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
  }
  p.weights = w.floats();
  p.bias = read_bias(ctx, p.cout);
  ctx.add_node(OpKind::ConvTranspose, {x}, std::move(p));
}

}  // namespace dcnn::ir::onnximport
