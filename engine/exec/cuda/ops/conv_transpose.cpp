// ConvTranspose on the GPU. Linear like Conv: out_delta = convT(in_delta) without bias; an
// output pixel is active iff an active input pixel writes to it (conv_transpose_mask). The
// gather kernel (kernels/cuda/conv_transpose.h) computes exactly the listed output pixels, so
// one form serves every active fraction (no dense-on-deltas form to choose). Dense passes run
// it over every pixel with the bias.
#include <string>

#include "engine/core/error.h"
#include "engine/exec/cuda/ops/activation_step.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "engine/exec/op_checks.h"
#include "kernels/cuda/compact.h"
#include "kernels/cuda/conv_transpose.h"

namespace dcnn::cuda_exec {
namespace {

class CudaConvTransposeOp : public CudaOp {
 public:
  CudaConvTransposeOp(const ir::Node& node, const ir::Graph& graph)
      : CudaOp(node, graph), act_(node.as<ir::ConvTransposeParams>().act) {
    const auto& p = node.as<ir::ConvTransposeParams>();
    check_conv_io(*this, p.cin, p.cout);
    check_conv_transpose_weights(*this, p);
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    shape_ = conv_transpose_geometry(*this, p);
    if (!cuda::conv_transpose_shape_is_valid(shape_))
      throw Error(ErrorKind::Unsupported,
                  where() + "geometry " + is.str() + " -> " + os.str() + ", kernel " +
                      std::to_string(p.kh) + "x" + std::to_string(p.kw) + ", groups " +
                      std::to_string(p.groups) + " is not a valid transposed convolution");
    const std::string label = "node '" + name() + "'";
    weights_.upload(cuda::pack_weights_for_conv_transpose(shape_, p.weights.data()), "weights of " + label);
    if (!p.bias.empty()) bias_.upload(p.bias, "bias of " + label);
    macs_ = is.size() * int64_t(p.cout / p.groups) * p.kh * p.kw;
  }

  std::unique_ptr<GpuOpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options, *this);
  }
  int64_t macs() const override { return macs_; }
  bool has_threshold() const override { return act_.enabled(); }
  bool can_truncate_linear() const override { return !act_.enabled(); }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::conv_transpose(shape_, weights_.get(), bias_.get(), in(ctx, 0).values<T>(), o.values<T>(),
                                 nullptr, int64_t{0}, ctx.frame.stream),
            "conv_transpose (dense)");
    });
    act_.dense(o, ctx, *this);
  }

  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    check(cuda::conv_transpose_mask(shape_, i.mask(), o.mask(), s), "conv_transpose_mask");
    check(cuda::compact_mask(o.mask(), o.pixels(), o.list(), o.count(), ctx.frame.compact_scratch, s),
          "compact_mask");
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::conv_transpose(shape_, weights_.get(), nullptr, i.values<T>(), o.values<T>(), o.list(),
                                 o.count(), o.pixels(), s),
            "conv_transpose (delta)");
    });
    act_.delta(o, ctx, *this);
  }

 private:
  GpuActivationStep act_;
  cuda::ConvTransposeShape shape_{};
  DeviceBuffer<float> weights_, bias_;
  int64_t macs_ = 0;
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_conv_transpose_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<CudaConvTransposeOp>(node, graph);
}

}  // namespace dcnn::cuda_exec
