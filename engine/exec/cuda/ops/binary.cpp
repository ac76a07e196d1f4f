// y = a * b or a / b with broadcasting (1x1xC gates, HxWx1 maps). Nonlinear in its inputs, so it
// runs on accumulated values: the state keeps acc_a, acc_b and prev_out, and every output pixel
// touched by a change of either input emits f(acc_a, acc_b) - prev_out. A changed 1x1 operand
// touches every pixel (its upstream activation's threshold keeps that rare).
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "engine/exec/op_checks.h"
#include "kernels/cuda/add.h"
#include "kernels/cuda/binary.h"
#include "kernels/cuda/densify.h"
#include "kernels/cuda/mask_ops.h"

namespace dcnn::cuda_exec {
namespace {

struct GpuBinaryState : GpuOpState {
  DeviceBuffer<float> acc_a, acc_b, prev_out;
};

class CudaBinaryOp : public CudaOp {
 public:
  CudaBinaryOp(const ir::Node& node, const ir::Graph& graph) : CudaOp(node, graph) {
    fn_ = node.as<ir::BinaryParams>().kind == ir::BinaryKind::Mul ? cuda::BinaryFn::Mul
                                                                   : cuda::BinaryFn::Div;
    check_binary_inputs(*this);
  }
  std::unique_ptr<GpuOpState> make_state(const StateOptions&) const override {
    auto st = std::make_unique<GpuBinaryState>();
    const std::string label = " of node '" + name() + "'";
    st->acc_a.allocate(size_t(input_shape(0).size()), "accumulated input 0" + label);
    st->acc_b.allocate(size_t(input_shape(1).size()), "accumulated input 1" + label);
    st->prev_out.allocate(size_t(output_shape().size()), "previous output" + label);
    return st;
  }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    const GpuTensor& a = in(ctx, 0);
    const GpuTensor& b = in(ctx, 1);
    // Keeping state: the same launch also records prev_out.
    GpuBinaryState* st = ctx.keep_state ? &state(ctx) : nullptr;
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::binary(fn_, view(a.values<T>(), a.shape()), view(b.values<T>(), b.shape()), o.shape().w,
                         o.channels(), st ? st->prev_out.get() : nullptr, false, o.values<T>(),
                         static_cast<const int32_t*>(nullptr), o.pixels(), ctx.frame.stream),
            "binary (dense)");
    });
    if (!st) return;
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::convert(a.values<T>(), st->acc_a.get(), int64_t(st->acc_a.size()), ctx.frame.stream),
            "convert (accumulated input 0)");
      check(cuda::convert(b.values<T>(), st->acc_b.get(), int64_t(st->acc_b.size()), ctx.frame.stream),
            "convert (accumulated input 1)");
    });
  }

  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& a = in(ctx, 0);
    const GpuTensor& b = in(ctx, 1);
    GpuTensor& o = out(ctx);
    GpuBinaryState& st = state(ctx);
    cudaStream_t s = ctx.frame.stream;
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::accumulate_pixels(st.acc_a.get(), a.values<T>(), a.list(), a.count(), a.pixels(),
                                    a.channels(), s),
            "accumulate_pixels (input 0)");
      check(cuda::accumulate_pixels(st.acc_b.get(), b.values<T>(), b.list(), b.count(), b.pixels(),
                                    b.channels(), s),
            "accumulate_pixels (input 1)");
    });
    // The output mask is empty after clear_for_write; union the inputs' masks into it.
    for (const GpuTensor* t : {&a, &b}) {
      if (t->pixels() == 1)
        check(cuda::fill_mask_if_any(o.mask(), o.pixels(), t->count(), s), "fill_mask_if_any");
      else
        check(cuda::mask_union(o.mask(), t->mask(), o.pixels(), s), "mask_union");
    }
    o.compact(ctx.frame.compact_scratch, s);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::binary(fn_, view(st.acc_a.get(), a.shape()), view(st.acc_b.get(), b.shape()),
                         o.shape().w, o.channels(), st.prev_out.get(), true, o.values<T>(), o.list(),
                         o.count(), o.pixels(), s),
            "binary (delta)");
    });
  }

 private:
  GpuBinaryState& state(CudaOpContext& ctx) const {
    auto* st = dynamic_cast<GpuBinaryState*>(ctx.state);
    if (!st) throw Error(ErrorKind::Internal, where() + "run without its state");
    return *st;
  }
  template <typename T>
  cuda::BroadcastView<T> view(const T* data, const Shape& s) const {
    cuda::BroadcastView<T> v;
    v.data = data;
    v.sc = s.c == 1 ? 0 : 1;
    v.sx = s.w == 1 && output_shape().w != 1 ? 0 : s.c;
    v.sy = s.h == 1 && output_shape().h != 1 ? 0 : int64_t(s.w) * s.c;
    return v;
  }
  cuda::BinaryFn fn_ = cuda::BinaryFn::Mul;
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_binary_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaBinaryOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
