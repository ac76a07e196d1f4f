// GlobalAveragePool / ReduceMean over H, W: output 1x1xC. The mean of the accumulated map
// changes by exactly sum(d) / (H*W) over the active pixels, so the linear form is the
// computation from accumulated values. The output pixel is active iff any input pixel is.
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "kernels/cuda/global_pool.h"
#include "kernels/cuda/mask_ops.h"

namespace dcnn::cuda_exec {
namespace {

class CudaGlobalPoolOp : public CudaOp {
 public:
  CudaGlobalPoolOp(const ir::Node& node, const ir::Graph& graph) : CudaOp(node, graph) {
    const Shape& os = output_shape();
    if (inputs().size() != 1 || os.h != 1 || os.w != 1 || input_shape(0).c != os.c)
      throw Error(ErrorKind::Model, where() + "expected one input with " + std::to_string(os.c) +
                                        " channels and a 1x1 output, got " +
                                        input_shape(0).str() + " -> " + os.str());
  }

  void run_dense(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    with_storage(i.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::global_sum(i.values<T>(), static_cast<const int32_t*>(nullptr), i.pixels(),
                             i.channels(), 1.0f / float(i.pixels()), ctx.frame.sum_scratch,
                             out(ctx).values<T>(), ctx.frame.stream),
            "global_sum (dense)");
    });
  }
  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    with_storage(i.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::global_sum(i.values<T>(), i.list(), i.count(), i.pixels(), i.channels(),
                             1.0f / float(i.pixels()), ctx.frame.sum_scratch, o.values<T>(), s),
            "global_sum (delta)");
    });
    check(cuda::fill_mask_if_any(o.mask(), 1, i.count(), s), "fill_mask_if_any");
    o.compact(ctx.frame.compact_scratch, s);
  }
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_global_pool_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaGlobalPoolOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
