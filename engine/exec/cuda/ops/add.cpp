// y = coef_a * a + coef_b * b (+ fused activation). Linear: deltas add, masks union. A 1x1xC
// operand broadcast over the map makes every output pixel active when it changes.
#include "engine/exec/cuda/ops/activation_step.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "engine/exec/op_checks.h"
#include "kernels/cuda/add.h"
#include "kernels/cuda/mask_ops.h"

namespace dcnn::cuda_exec {
namespace {

class CudaAddOp : public CudaOp {
 public:
  CudaAddOp(const ir::Node& node, const ir::Graph& graph)
      : CudaOp(node, graph),
        act_(node.as<ir::AddParams>().act),
        args_(add_operands(*this, node.as<ir::AddParams>())) {}
  std::unique_ptr<GpuOpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options, *this);
  }
  bool has_threshold() const override { return act_.enabled(); }
  bool can_truncate_linear() const override { return !act_.enabled(); }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::add(in(ctx, args_.full).values<T>(), in(ctx, 1 - args_.full).values<T>(),
                      args_.broadcast, args_.coef_full, args_.coef_other, o.values<T>(),
                      static_cast<const int32_t*>(nullptr), o.pixels(), o.channels(),
                      ctx.frame.stream),
            "add (dense)");
    });
    act_.dense(o, ctx, *this);
  }
  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& a = in(ctx, args_.full);
    const GpuTensor& b = in(ctx, 1 - args_.full);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    copy(o.mask(), a.mask(), size_t(o.pixels()), ctx);
    if (args_.broadcast)
      check(cuda::fill_mask_if_any(o.mask(), o.pixels(), b.count(), s), "fill_mask_if_any");
    else
      check(cuda::mask_union(o.mask(), b.mask(), o.pixels(), s), "mask_union");
    o.compact(ctx.frame.compact_scratch, s);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::add(a.values<T>(), b.values<T>(), args_.broadcast, args_.coef_full, args_.coef_other,
                      o.values<T>(), o.list(), o.count(), o.pixels(), o.channels(), s),
            "add (delta)");
    });
    act_.delta(o, ctx, *this);
  }

 private:
  GpuActivationStep act_;
  AddOperands args_;  // which input is full, whether the other is broadcast, coefficients
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_add_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaAddOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
