// Per-channel y = scale * x + shift (+ fused activation). Linear: on deltas the shift cancels,
// the mask passes through unchanged, and the activation step (if any) truncates.
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/activation_step.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "kernels/cuda/affine.h"

namespace dcnn::cuda_exec {
namespace {

class CudaAffineOp : public CudaOp {
 public:
  CudaAffineOp(const ir::Node& node, const ir::Graph& graph)
      : CudaOp(node, graph), act_(node.as<ir::AffineParams>().act) {
    const auto& p = node.as<ir::AffineParams>();
    const int c = output_shape().c;
    if (inputs().size() != 1 || input_shape(0) != output_shape())
      throw Error(ErrorKind::Model, where() + "expected one input of the output's shape " +
                                        output_shape().str());
    if (p.scale.size() != size_t(c) || p.shift.size() != size_t(c))
      throw Error(ErrorKind::Model, where() + "scale/shift hold " + std::to_string(p.scale.size()) +
                                        "/" + std::to_string(p.shift.size()) +
                                        " values, expected one per channel (" + std::to_string(c) + ")");
    scale_.upload(p.scale, "scale of node '" + name() + "'");
    shift_.upload(p.shift, "shift of node '" + name() + "'");
  }
  std::unique_ptr<GpuOpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options, *this);
  }
  bool has_threshold() const override { return act_.enabled(); }
  bool can_truncate_linear() const override { return !act_.enabled(); }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::affine(in(ctx, 0).values<T>(), o.values<T>(), scale_.get(), shift_.get(), o.pixels(),
                         o.channels(), ctx.frame.stream),
            "affine (dense)");
    });
    act_.dense(o, ctx, *this);
  }
  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    o.copy_mask_from(i, ctx.frame.compact_scratch, ctx.frame.stream);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::affine(i.values<T>(), o.values<T>(), scale_.get(), o.list(), o.count(), o.pixels(),
                         o.channels(), ctx.frame.stream),
            "affine (delta)");
    });
    act_.delta(o, ctx, *this);
  }

 private:
  GpuActivationStep act_;
  DeviceBuffer<float> scale_, shift_;
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_affine_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaAffineOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
