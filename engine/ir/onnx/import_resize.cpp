// Resize (opset 10, 11, 13+) and Upsample (opset 7-9): nearest and (bi)linear, scales or sizes.
// Scales/sizes must be constant at import, which they are once shape arithmetic is folded
// (PyTorch computes sizes from Shape of the input).
#include <cmath>
#include <string>

#include "engine/ir/onnx/import_ops.h"

namespace dcnn::ir::onnximport {

namespace {

ResizeMode read_mode(ImportContext& ctx) {
  const std::string mode = ctx.attr_string("mode", "nearest");
  if (mode == "nearest") return ResizeMode::Nearest;
  if (mode == "linear" || mode == "bilinear") return ResizeMode::Linear;
  ctx.unsupported("mode '" + mode + "'; supported: nearest, linear");
}

CoordMode read_coord(ImportContext& ctx) {
  const std::string c = ctx.attr_string("coordinate_transformation_mode", "half_pixel");
  if (c == "half_pixel") return CoordMode::HalfPixel;
  if (c == "asymmetric") return CoordMode::Asymmetric;
  if (c == "align_corners") return CoordMode::AlignCorners;
  if (c == "pytorch_half_pixel") return CoordMode::PytorchHalfPixel;
  ctx.unsupported("coordinate_transformation_mode '" + c +
                  "'; supported: half_pixel, asymmetric, align_corners, pytorch_half_pixel");
}

NearestRound read_nearest(ImportContext& ctx) {
  const std::string n = ctx.attr_string("nearest_mode", "round_prefer_floor");
  if (n == "round_prefer_floor") return NearestRound::RoundPreferFloor;
  if (n == "round_prefer_ceil") return NearestRound::RoundPreferCeil;
  if (n == "floor") return NearestRound::Floor;
  if (n == "ceil") return NearestRound::Ceil;
  ctx.unsupported("nearest_mode '" + n + "'; supported: round_prefer_floor, round_prefer_ceil, floor, ceil");
}

// Applies N, C, H, W scales: N and C must stay.
void set_scales(ImportContext& ctx, const std::vector<float>& s, ResizeParams& p) {
  if (s.size() != 4) {
    ctx.unsupported("scales has " + std::to_string(s.size()) + " values; expected 4 (N, C, H, W)");
  }
  if (s[0] != 1.f || s[1] != 1.f) ctx.unsupported("scaling the batch or channel axis");
  if (!(s[2] > 0.f) || !(s[3] > 0.f) || !std::isfinite(s[2]) || !std::isfinite(s[3])) {
    ctx.model_error("scales must be positive and finite");
  }
  p.scale_h = s[2];
  p.scale_w = s[3];
}

void set_sizes(ImportContext& ctx, const std::vector<int64_t>& s, int channels, ResizeParams& p) {
  if (s.size() != 4) {
    ctx.unsupported("sizes has " + std::to_string(s.size()) + " values; expected 4 (N, C, H, W)");
  }
  if (s[0] != 1 || s[1] != channels) ctx.unsupported("resizing the batch or channel axis");
  if (s[2] <= 0 || s[3] <= 0 || s[2] > 65536 || s[3] > 65536) {
    ctx.model_error("sizes must be in 1..65536");
  }
  p.out_h = int(s[2]);
  p.out_w = int(s[3]);
}

bool present(ImportContext& ctx, int index) {
  return !ctx.input(index).empty() && ctx.constant_input(index, index == 2 ? "scales" : "sizes").size() > 0;
}

}  // namespace

void import_resize(ImportContext& ctx) {
  const int x = ctx.runtime_input(0);
  const int channels = ctx.graph().tensor(x).shape.c;
  ResizeParams p;
  const bool legacy = ctx.op() == "Upsample" || ctx.opset() < 11;
  if (legacy) {
    // Upsample-7 (scales attribute), Upsample-9 and Resize-10 (scales input): asymmetric
    // coordinates, nearest = floor, as the reference runtimes implement them.
    ctx.allow_attributes({"mode", "scales"});
    p.mode = read_mode(ctx);
    p.coord = CoordMode::Asymmetric;
    p.nearest = NearestRound::Floor;
    if (ctx.has_attr("scales")) set_scales(ctx, ctx.attr_floats("scales", {}), p);
    else set_scales(ctx, ctx.constant_input(1, "scales").floats(), p);
  } else {
    ctx.allow_attributes({"coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
                          "extrapolation_value", "mode", "nearest_mode"});
    p.mode = read_mode(ctx);
    p.coord = read_coord(ctx);
    p.nearest = read_nearest(ctx);
    if (ctx.attr_int("exclude_outside", 0) != 0) ctx.unsupported("exclude_outside=1");
    // Inputs: X, roi, scales, sizes. roi only matters for tf_crop_and_resize (refused above).
    const bool has_scales = present(ctx, 2);
    const bool has_sizes = ctx.num_inputs() > 3 && present(ctx, 3);
    if (has_scales == has_sizes) ctx.model_error("exactly one of scales and sizes must be given");
    if (has_scales) set_scales(ctx, ctx.constant_input(2, "scales").floats(), p);
    else set_sizes(ctx, ctx.int_input(3, "sizes"), channels, p);
  }
  ctx.add_node(OpKind::Resize, {x}, std::move(p));
}

}  // namespace dcnn::ir::onnximport
