// MaxPool / AveragePool (2-D windows) and the global means: GlobalAveragePool and
// ReduceMean over (H, W) with keepdims.
#include <algorithm>
#include <string>

#include "engine/ir/onnx/import_ops.h"
#include "engine/ir/onnx/window_pads.h"

namespace dcnn::ir::onnximport {

namespace {

// ceil_mode: the last window may start inside the (begin-padded) input but run past its end.
// Expressed as extra end padding, which the kernels already treat as "not there" (-inf for max,
// not counted for average without count_include_pad).
int ceil_extra_pad(int in, int k, int stride, int pad_begin, int pad_end) {
  const int padded = in + pad_begin + pad_end;
  if (padded < k) return 0;  // shape inference reports the window larger than the input
  int ceil_out = (padded - k + stride - 1) / stride + 1;
  // The last window must start inside the input or its begin padding (PyTorch, ONNX opset 19).
  if ((ceil_out - 1) * stride >= in + pad_begin) --ceil_out;
  // Extra end padding that makes the floor formula give ceil_out.
  return std::max(0, (ceil_out - 1) * stride + k - padded);
}

}  // namespace

void import_pool(ImportContext& ctx) {
  const bool is_max = ctx.op() == "MaxPool";
  if (is_max) {
    ctx.allow_attributes({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                          "storage_order", "strides"});
    if (ctx.node().output_size() > 1 && !ctx.node().output(1).empty()) {
      ctx.unsupported("the Indices output is not supported");
    }
    const auto dil = ctx.attr_ints("dilations", {1, 1});
    if (std::any_of(dil.begin(), dil.end(), [](int64_t d) { return d != 1; })) {
      ctx.unsupported("dilations other than 1 are not supported");
    }
  } else {
    ctx.allow_attributes({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads",
                          "strides"});
  }
  const int x = ctx.runtime_input(0);
  const Shape in = ctx.graph().tensor(x).shape;
  if (!ctx.has_attr("kernel_shape")) ctx.model_error("attribute 'kernel_shape' is required");
  PoolParams p;
  p.kind = is_max ? PoolKind::Max : PoolKind::Average;
  read_pair(ctx, "kernel_shape", 1, p.kh, p.kw);
  read_pair(ctx, "strides", 1, p.stride_h, p.stride_w);
  const Pads2d pads =
      resolve_window_pads(ctx, Window2d{p.kh, p.kw, p.stride_h, p.stride_w, 1, 1}, in.h, in.w);
  p.pad_top = pads.top;
  p.pad_left = pads.left;
  p.pad_bottom = pads.bottom;
  p.pad_right = pads.right;
  p.count_include_pad = !is_max && ctx.attr_int("count_include_pad", 0) != 0;
  if (ctx.attr_int("ceil_mode", 0) != 0) {
    const int extra_h = ceil_extra_pad(in.h, p.kh, p.stride_h, p.pad_top, p.pad_bottom);
    const int extra_w = ceil_extra_pad(in.w, p.kw, p.stride_w, p.pad_left, p.pad_right);
    if ((extra_h > 0 || extra_w > 0) && p.count_include_pad) {
      // The ceil overhang is never counted, the explicit pads are: the IR cannot say both.
      ctx.unsupported("ceil_mode=1 with count_include_pad=1 where the last window overhangs");
    }
    p.pad_bottom += extra_h;
    p.pad_right += extra_w;
  }
  ctx.add_node(OpKind::Pool, {x}, std::move(p));
}

void import_global_pool(ImportContext& ctx) {
  if (ctx.op() == "ReduceMean") {
    ctx.allow_attributes({"axes", "keepdims", "noop_with_empty_axes"});
    std::vector<int64_t> axes;
    if (ctx.has_attr("axes")) axes = ctx.attr_ints("axes", {});
    else if (!ctx.input(1).empty()) axes = ctx.int_input(1, "axes");  // opset 18
    for (int64_t& a : axes) {
      if (a < 0) a += 4;
    }
    std::sort(axes.begin(), axes.end());
    if (axes != std::vector<int64_t>{2, 3}) {
      ctx.unsupported("ReduceMean over axes other than {2, 3} (H and W of NCHW)");
    }
    if (ctx.attr_int("keepdims", 1) != 1) {
      ctx.unsupported("keepdims=0 (the result must stay a 1x1 feature map)");
    }
  } else {
    ctx.allow_attributes({});
  }
  const int x = ctx.runtime_input(0);
  ctx.add_node(OpKind::GlobalPool, {x}, GlobalPoolParams{});
}

}  // namespace dcnn::ir::onnximport
