// Resize (ONNX Resize / Upsample): nearest or (bi)linear, every coordinate transformation mode
// of ir::ResizeParams. Linear and stateless on deltas; an output pixel is active iff an input
// pixel it reads is (resize_mask).
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "engine/exec/op_checks.h"
#include "kernels/cuda/resize.h"

namespace dcnn::cuda_exec {
namespace {

cuda::CoordMode to_cuda(ir::CoordMode m) {
  switch (m) {
    case ir::CoordMode::HalfPixel: return cuda::CoordMode::HalfPixel;
    case ir::CoordMode::Asymmetric: return cuda::CoordMode::Asymmetric;
    case ir::CoordMode::AlignCorners: return cuda::CoordMode::AlignCorners;
    case ir::CoordMode::PytorchHalfPixel: return cuda::CoordMode::PytorchHalfPixel;
  }
  return cuda::CoordMode::HalfPixel;
}

cuda::NearestRound to_cuda(ir::NearestRound r) {
  switch (r) {
    case ir::NearestRound::RoundPreferFloor: return cuda::NearestRound::RoundPreferFloor;
    case ir::NearestRound::RoundPreferCeil: return cuda::NearestRound::RoundPreferCeil;
    case ir::NearestRound::Floor: return cuda::NearestRound::Floor;
    case ir::NearestRound::Ceil: return cuda::NearestRound::Ceil;
  }
  return cuda::NearestRound::RoundPreferFloor;
}

class CudaResizeOp : public CudaOp {
 public:
  CudaResizeOp(const ir::Node& node, const ir::Graph& graph) : CudaOp(node, graph) {
    const auto& p = node.as<ir::ResizeParams>();
    check_resize_shapes(*this);
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    g_.in_h = is.h; g_.in_w = is.w; g_.out_h = os.h; g_.out_w = os.w; g_.c = os.c;
    g_.scale_h = p.scale_h;
    g_.scale_w = p.scale_w;
    g_.mode = p.mode == ir::ResizeMode::Nearest ? cuda::ResizeMode::Nearest : cuda::ResizeMode::Linear;
    g_.coord = to_cuda(p.coord);
    g_.nearest = to_cuda(p.nearest);
  }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::resize(g_, in(ctx, 0).values<T>(), o.values<T>(), static_cast<const int32_t*>(nullptr),
                         o.pixels(), ctx.frame.stream),
            "resize (dense)");
    });
  }
  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    check(cuda::resize_mask(g_, i.mask(), o.mask(), s), "resize_mask");
    o.compact(ctx.frame.compact_scratch, s);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::resize(g_, i.values<T>(), o.values<T>(), o.list(), o.count(), o.pixels(), s),
            "resize (delta)");
    });
  }

 private:
  cuda::ResizeGeometry g_{};
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_resize_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaResizeOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
