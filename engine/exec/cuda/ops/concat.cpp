// Channel concatenation (+ fused activation, as the CPU op). Linear: masks union, and an input
// inactive at a pixel contributes its zeros (the delta invariant) for its channel slice.
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/activation_step.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "engine/exec/op_checks.h"
#include "kernels/cuda/add.h"
#include "kernels/cuda/concat.h"

namespace dcnn::cuda_exec {
namespace {

class CudaConcatOp : public CudaOp {
 public:
  CudaConcatOp(const ir::Node& node, const ir::Graph& graph)
      : CudaOp(node, graph), act_(node.as<ir::ConcatParams>().act) {
    if (inputs().size() > size_t(cuda::kMaxConcatInputs))
      throw Error(ErrorKind::Unsupported, where() + std::to_string(inputs().size()) +
                                              " inputs; the CUDA concat kernel takes at most " +
                                              std::to_string(cuda::kMaxConcatInputs));
    check_concat_inputs(*this);
  }
  std::unique_ptr<GpuOpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options, *this);
  }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::concat(table<T>(ctx), o.values<T>(), o.channels(), static_cast<const int32_t*>(nullptr),
                         o.pixels(), ctx.frame.stream),
            "concat (dense)");
    });
    act_.dense(o, ctx, *this);
  }
  void run_delta(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    for (size_t k = 0; k < inputs().size(); ++k)
      check(cuda::mask_union(o.mask(), in(ctx, k).mask(), o.pixels(), s), "mask_union");
    o.compact(ctx.frame.compact_scratch, s);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::concat(table<T>(ctx), o.values<T>(), o.channels(), o.list(), o.count(), o.pixels(), s),
            "concat (delta)");
    });
    act_.delta(o, ctx, *this);
  }

 private:
  GpuActivationStep act_;
  // Passed to the kernel by value: built per call, no allocation.
  template <typename T>
  cuda::ConcatInputs<T> table(CudaOpContext& ctx) const {
    cuda::ConcatInputs<T> t;
    t.count = int(inputs().size());
    for (size_t k = 0; k < inputs().size(); ++k) {
      t.data[k] = in(ctx, k).values<T>();
      t.channels[k] = input_shape(k).c;
    }
    return t;
  }
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_concat_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaConcatOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
