// MaxPool and AveragePool. AveragePool is linear: the mean of the deltas over the window.
// MaxPool is not: it keeps the accumulated input and the last emitted maximum, emits
// max(acc + d) - prev_max at every output whose window holds an active input, and masks off
// outputs whose maximum did not move at all (their delta is exactly zero), like the CPU op.
#include "engine/core/error.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "kernels/cuda/avg_pool.h"
#include "kernels/cuda/densify.h"
#include "kernels/cuda/mask_dilate.h"
#include "kernels/cuda/max_pool.h"

namespace dcnn::cuda_exec {
namespace {

struct GpuMaxPoolState : GpuOpState {
  DeviceBuffer<float> acc_in, prev_out;
};

class CudaPoolOp : public CudaOp {
 public:
  CudaPoolOp(const ir::Node& node, const ir::Graph& graph)
      : CudaOp(node, graph), params_(node.as<ir::PoolParams>()) {
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    if (inputs().size() != 1 || is.c != os.c)
      throw Error(ErrorKind::Model, where() + "expected one input with the output's " +
                                        std::to_string(os.c) + " channels, got " + is.str());
    window_.in_h = is.h; window_.in_w = is.w;
    window_.out_h = os.h; window_.out_w = os.w;
    window_.kh = params_.kh; window_.kw = params_.kw;
    window_.stride_h = params_.stride_h; window_.stride_w = params_.stride_w;
    window_.pad_top = params_.pad_top; window_.pad_left = params_.pad_left;
    window_.pad_bottom = params_.pad_bottom; window_.pad_right = params_.pad_right;
    if (!cuda::window_is_valid(window_))
      throw Error(ErrorKind::Unsupported,
                  where() + "kernel " + std::to_string(params_.kh) + "x" + std::to_string(params_.kw) +
                      " stride " + std::to_string(params_.stride_h) + "x" +
                      std::to_string(params_.stride_w) + " from " + is.str() + " to " + os.str() +
                      " is not a valid pooling window (some output reads only padding)");
  }
  std::unique_ptr<GpuOpState> make_state(const StateOptions&) const override {
    if (params_.kind != ir::PoolKind::Max) return nullptr;
    auto st = std::make_unique<GpuMaxPoolState>();
    st->acc_in.allocate(size_t(input_shape(0).size()), "accumulated input of node '" + name() + "'");
    st->prev_out.allocate(size_t(output_shape().size()), "previous output of node '" + name() + "'");
    return st;
  }

  void run_dense(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    if (params_.kind == ir::PoolKind::Average) {
      with_storage(o.storage(), [&](auto zero) {
        using T = decltype(zero);
        check(cuda::avg_pool(window_, o.channels(), params_.count_include_pad, i.values<T>(), o.values<T>(),
                             static_cast<const int32_t*>(nullptr), o.pixels(), s),
              "avg_pool (dense)");
      });
      return;
    }
    // Keeping state: the same launch also records prev_out.
    GpuMaxPoolState* st = ctx.keep_state ? &state(ctx) : nullptr;
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::max_pool(window_, o.channels(), i.values<T>(), st ? st->prev_out.get() : nullptr, false,
                           o.values<T>(), nullptr, static_cast<const int32_t*>(nullptr), o.pixels(), s),
            "max_pool (dense)");
    });
    if (!st) return;
    with_storage(i.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::convert(i.values<T>(), st->acc_in.get(), int64_t(st->acc_in.size()), s),
            "convert (accumulated input)");
    });
  }

  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    check(cuda::dilate_mask_to_list(i.mask(), window_, o.mask(), o.list(), o.count(),
                                    ctx.frame.compact_scratch, s),
          "dilate_mask_to_list");
    if (params_.kind == ir::PoolKind::Average) {
      with_storage(o.storage(), [&](auto zero) {
        using T = decltype(zero);
        check(cuda::avg_pool(window_, o.channels(), params_.count_include_pad, i.values<T>(), o.values<T>(),
                             o.list(), o.count(), o.pixels(), s),
              "avg_pool (delta)");
      });
      return;
    }
    GpuMaxPoolState& st = state(ctx);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::accumulate_pixels(st.acc_in.get(), i.values<T>(), i.list(), i.count(), i.pixels(),
                                    i.channels(), s),
            "accumulate_pixels");
    });
    // Also masks off the outputs whose maximum did not move; the list is rebuilt after.
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::max_pool(window_, o.channels(), st.acc_in.get(), st.prev_out.get(), true,
                           o.values<T>(), o.mask(), o.list(), o.count(), o.pixels(), s),
            "max_pool (delta)");
    });
    o.compact(ctx.frame.compact_scratch, s);
  }

 private:
  GpuMaxPoolState& state(CudaOpContext& ctx) const {
    auto* st = dynamic_cast<GpuMaxPoolState*>(ctx.state);
    if (!st) throw Error(ErrorKind::Internal, where() + "run without its state");
    return *st;
  }
  ir::PoolParams params_;
  cuda::Window2D window_{};
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_pool_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaPoolOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
