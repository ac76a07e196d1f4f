// Resize (ONNX Resize / Upsample): nearest or (bi)linear, every coordinate transformation mode
// of ir::ResizeParams, any scale. Linear and stateless on deltas; an output pixel is active iff
// an input pixel of its interpolation footprint is. The per-axis source indices and weights are
// computed once here, following the ONNX Resize definition.
#include "engine/exec/ops/resize.h"

#include <algorithm>
#include <cmath>

#include "engine/exec/op_checks.h"
#include "kernels/cpu/mask.h"
#include "kernels/cpu/resize.h"

namespace dcnn {
namespace {

struct AxisTable {
  std::vector<int32_t> i0, i1;
  std::vector<float> w0, w1;
  cpu::Footprint1D footprint;
  cpu::ResizeAxis view() const { return {i0.data(), i1.data(), w0.data(), w1.data()}; }
};

// Source coordinate of output index o (ONNX coordinate_transformation_mode).
double source_coordinate(ir::CoordMode mode, int o, int in, int out, double scale) {
  switch (mode) {
    case ir::CoordMode::HalfPixel: return (o + 0.5) / scale - 0.5;
    case ir::CoordMode::PytorchHalfPixel: return out > 1 ? (o + 0.5) / scale - 0.5 : 0.0;
    case ir::CoordMode::Asymmetric: return o / scale;
    case ir::CoordMode::AlignCorners: return out > 1 ? double(o) * (in - 1) / double(out - 1) : 0.0;
  }
  return 0.0;
}

int nearest_index(ir::NearestRound round, double x) {
  const double fl = std::floor(x);
  switch (round) {
    case ir::NearestRound::RoundPreferFloor: return int(x - fl == 0.5 ? fl : std::round(x));
    case ir::NearestRound::RoundPreferCeil: return int(x - fl == 0.5 ? fl + 1 : std::round(x));
    case ir::NearestRound::Floor: return int(fl);
    case ir::NearestRound::Ceil: return int(std::ceil(x));
  }
  return int(fl);
}

AxisTable build_axis(const ir::ResizeParams& p, int in, int out, float given_scale) {
  AxisTable t;
  const double scale = given_scale > 0.f ? double(given_scale) : double(out) / double(in);
  t.footprint.n_out = out;
  t.footprint.begin.push_back(0);
  for (int o = 0; o < out; ++o) {
    const double x = source_coordinate(p.coord, o, in, out, scale);
    int a, b;
    float wa, wb;
    if (p.mode == ir::ResizeMode::Nearest) {
      a = b = std::clamp(nearest_index(p.nearest, x), 0, in - 1);
      wa = 1.f;
      wb = 0.f;
    } else {
      const double xc = std::clamp(x, 0.0, double(in - 1));
      a = int(std::floor(xc));
      b = std::min(a + 1, in - 1);
      wb = float(xc - a);
      wa = 1.f - wb;
    }
    t.i0.push_back(a);
    t.i1.push_back(b);
    t.w0.push_back(wa);
    t.w1.push_back(wb);
    t.footprint.index.push_back(a);
    if (b != a && wb != 0.f) t.footprint.index.push_back(b);
    t.footprint.begin.push_back(int32_t(t.footprint.index.size()));
  }
  return t;
}

class ResizeOp : public Op {
 public:
  ResizeOp(const ir::Node& node, const ir::Graph& graph) : Op(node, graph) {
    const auto& p = node.as<ir::ResizeParams>();
    check_resize_shapes(*this);
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    rows_ = build_axis(p, is.h, os.h, p.scale_h);
    cols_ = build_axis(p, is.w, os.w, p.scale_w);
  }
  size_t mask_scratch_bytes() const override { return size_t(input_shape(0).h) * size_t(output_shape().w); }

  void run_dense(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    cpu::resize(i.values(), i.shape().w, i.shape().c, rows_.view(), cols_.view(), o.values(),
                o.shape().w, nullptr, o.pixels());
  }
  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_.footprint, cols_.footprint,
                        ctx.mask_scratch, o.mask());
    o.list_from_mask();
    cpu::resize(i.values(), i.shape().w, i.shape().c, rows_.view(), cols_.view(), o.values(),
                o.shape().w, o.list(), o.active());
  }

  bool can_recompute() const override { return true; }
  // The FPN's upsampling + lateral sum: the interpolated rows plus the lateral conv's stored
  // rows, fired into the sum's map (ir::place_resize_before_sum puts the Resize after the conv).
  bool can_fire_residual_sum(const Op* producer, const Op* head) const override { return !producer && !head; }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0 && !residual_fired(ctx)) return;
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_.footprint, cols_.footprint,
                        ctx.mask_scratch, o.mask());
    mark_residual_candidates(ctx);
    // The candidates' rows are interpolated and fired block by block while in cache, at any
    // activity: a dense form would write the whole map to scratch and read it back (the FPN's
    // last upsampling, 144x192x24 at 80 % candidates, spent as long on that as on the values).
    // Interpolation has no threshold of its own: every changed candidate fires (a sum fired from
    // here truncates with the sum's threshold where it truncates).
    const float eps = ctx.fired_into && ctx.truncate_linear ? ctx.eps : 0.f;
    const int candidates = o.take_candidates();
    const float* x = i.values();
    const int in_w = i.shape().w, c = i.shape().c, out_w = o.shape().w;
    const cpu::ResizeAxis rows = rows_.view(), cols = cols_.view();
    fire_computed_candidates(ctx, kern::ActSpec{}, candidates, eps, [=](const int32_t* pixels, int m, float* out) {
      cpu::resize_rows(x, in_w, c, rows, cols, out_w, pixels, m, out);
    });
  }

 private:
  AxisTable rows_, cols_;
};

}  // namespace

std::unique_ptr<Op> make_resize_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<ResizeOp>(node, graph);
}

}  // namespace dcnn
