// y = coef_a * a + coef_b * b (+ fused activation). Linear: deltas add, masks union. A 1x1xC
// operand broadcast over the map makes every output pixel active when it changes.
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/activation_step.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "kernels/cuda/add.h"
#include "kernels/cuda/mask_ops.h"

namespace dcnn::cuda_exec {
namespace {

class CudaAddOp : public CudaOp {
 public:
  CudaAddOp(const ir::Node& node, const ir::Graph& graph)
      : CudaOp(node, graph), params_(node.as<ir::AddParams>()), act_(params_.act) {
    if (inputs().size() != 2)
      throw Error(ErrorKind::Model, where() + "expected 2 inputs, got " + std::to_string(inputs().size()));
    const Shape& os = output_shape();
    auto full = [&](const Shape& s) { return s == os; };
    auto vec = [&](const Shape& s) { return s.h == 1 && s.w == 1 && s.c == os.c; };
    if (full(input_shape(0)) && (full(input_shape(1)) || vec(input_shape(1)))) {
      full_ = 0;
    } else if (vec(input_shape(0)) && full(input_shape(1))) {
      full_ = 1;  // the broadcast operand comes first: swap roles (and coefficients)
    } else {
      throw Error(ErrorKind::Unsupported,
                  where() + "input shapes " + input_shape(0).str() + " and " + input_shape(1).str() +
                      " are not supported for output " + os.str() +
                      "; expected equal shapes or one operand 1x1xC");
    }
    broadcast_ = !full(input_shape(1 - full_));
    coef_full_ = full_ == 0 ? params_.coef_a : params_.coef_b;
    coef_other_ = full_ == 0 ? params_.coef_b : params_.coef_a;
  }
  std::unique_ptr<GpuOpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options, *this);
  }
  bool has_threshold() const override { return act_.enabled(); }
  bool can_truncate_linear() const override { return !act_.enabled(); }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    check(cuda::add(in(ctx, full_).values(), in(ctx, 1 - full_).values(), broadcast_, coef_full_,
                    coef_other_, o.values(), static_cast<const int32_t*>(nullptr), o.pixels(),
                    o.channels(), ctx.frame.stream),
          "add (dense)");
    act_.dense(o, ctx, *this);
  }
  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& a = in(ctx, full_);
    const GpuTensor& b = in(ctx, 1 - full_);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    copy(o.mask(), a.mask(), size_t(o.pixels()), ctx);
    if (broadcast_)
      check(cuda::fill_mask_if_any(o.mask(), o.pixels(), b.count(), s), "fill_mask_if_any");
    else
      check(cuda::mask_union(o.mask(), b.mask(), o.pixels(), s), "mask_union");
    o.compact(ctx.frame.compact_scratch, s);
    check(cuda::add(a.values(), b.values(), broadcast_, coef_full_, coef_other_, o.values(),
                    o.list(), o.count(), o.pixels(), o.channels(), s),
          "add (delta)");
    act_.delta(o, ctx, *this);
  }

 private:
  ir::AddParams params_;
  GpuActivationStep act_;
  size_t full_ = 0;  // which input has the output's shape
  bool broadcast_ = false;
  float coef_full_ = 1.f, coef_other_ = 1.f;
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_add_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaAddOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
