// Standalone nonlinear activation (one the fusion pass could not fold into its producer).
// Delta: the truncating step on the input's active pixels.
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/activation_step.h"
#include "engine/exec/cuda/ops/cuda_ops.h"

namespace dcnn::cuda_exec {
namespace {

class CudaActivationOp : public CudaOp {
 public:
  CudaActivationOp(const ir::Node& node, const ir::Graph& graph)
      : CudaOp(node, graph), act_(node.as<ir::ActivationParams>().act) {
    if (inputs().size() != 1 || input_shape(0) != output_shape())
      throw Error(ErrorKind::Model, where() + "expected one input of the output's shape " +
                                        output_shape().str());
  }
  std::unique_ptr<GpuOpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options, *this);
  }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    copy(o.raw_values(), in(ctx, 0).raw_values(), o.value_bytes(), ctx);
    act_.dense(o, ctx, *this);
  }
  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    if (!act_.runs(ctx)) {  // identity: pass the deltas through
      copy(o.raw_values(), i.raw_values(), o.value_bytes(), ctx);
      o.copy_mask_from(i, ctx.frame.compact_scratch, ctx.frame.stream);
      return;
    }
    copy(o.mask(), i.mask(), size_t(o.pixels()), ctx);
    act_.delta_from(i, o, ctx, *this);  // compacts o
  }

 private:
  GpuActivationStep act_;
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_activation_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaActivationOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
