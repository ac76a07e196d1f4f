// Conv / depthwise / grouped conv on the GPU. Linear: out_delta = W * in_delta without bias; an
// output pixel is active iff its receptive field holds an active input pixel (dilate_mask).
// Depthwise convs (groups == cin == cout) use the direct depthwise kernel on the listed pixels.
// Other convs have two exact delta forms, picked per frame by the stream (ctx.conv_dense_form):
// the one-kernel sparse implicit GEMM on the listed pixels (conv_sparse_tiled, count read on
// the device), or cuDNN over the whole delta map (inactive inputs are 0, so inactive outputs
// come out 0; zero_inactive_pixels makes that exact whatever algorithm cuDNN picked).
// Dense passes (first frame, keyframes, dense mode) run cuDNN with the bias.
// fp16 storage: cuDNN and the tiled kernel read weights (and cuDNN the bias) in half, uploaded
// once; the depthwise kernel keeps fp32 weights. Every form accumulates in fp32.
#include <string>

#include "engine/core/error.h"
#include "engine/exec/cuda/ops/activation_step.h"
#include "engine/exec/cuda/ops/cuda_ops.h"
#include "engine/exec/op_checks.h"
#include "kernels/cuda/conv_dense.h"
#include "kernels/cuda/conv_shape.h"
#include "kernels/cuda/conv_sparse_tiled.h"
#include "kernels/cuda/depthwise_conv.h"
#include "kernels/cuda/mask_dilate.h"
#include "kernels/cuda/mask_ops.h"

namespace dcnn::cuda_exec {
namespace {

class CudaConvOp : public CudaOp {
 public:
  CudaConvOp(const ir::Node& node, const ir::Graph& graph, const CompileContext& cc)
      : CudaOp(node, graph), act_(node.as<ir::ConvParams>().act) {
    const auto& p = node.as<ir::ConvParams>();
    check_conv_io(*this, p.cin, p.cout);
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    cuda::Window2D& w = shape_.window;
    w.in_h = is.h; w.in_w = is.w; w.out_h = os.h; w.out_w = os.w;
    w.kh = p.kh; w.kw = p.kw;
    w.stride_h = p.stride_h; w.stride_w = p.stride_w;
    w.dil_h = p.dil_h; w.dil_w = p.dil_w;
    w.pad_top = p.pad_top; w.pad_left = p.pad_left;
    w.pad_bottom = p.pad_bottom; w.pad_right = p.pad_right;
    shape_.cin = p.cin;
    shape_.cout = p.cout;
    shape_.groups = p.groups;
    if (!cuda::conv_shape_is_valid(shape_))
      throw Error(ErrorKind::Unsupported,
                  where() + "geometry " + is.str() + " -> " + os.str() + ", kernel " +
                      std::to_string(p.kh) + "x" + std::to_string(p.kw) + ", groups " +
                      std::to_string(p.groups) + " is not a valid convolution for the CUDA kernels");
    check_conv_weights(*this, p);
    const std::string label = "node '" + name() + "'";
    depthwise_ = p.groups == p.cin && p.cin == p.cout;
    if (depthwise_) {
      if (!p.bias.empty()) bias_.upload(p.bias, "bias of " + label);
      weights_dw_.upload(cuda::pack_weights_for_depthwise(shape_, p.weights.data()),
                         "depthwise weights of " + label);
    } else {
      if (!p.bias.empty()) upload_as(cc.storage, p.bias, bias_cudnn_, "cuDNN bias of " + label);
      upload_as(cc.storage, cuda::pack_weights_for_cudnn(shape_, p.weights.data()), weights_cudnn_,
                "cuDNN weights of " + label);
      upload_as(cc.storage, cuda::pack_weights_for_gemm(shape_, p.weights.data()), weights_gemm_,
                "sparse-conv weights of " + label);
      check(cudnn_.configure(cc.cudnn, shape_, cc.storage, cc.workspace_limit));
    }
    macs_ = os.size() * int64_t(p.cin / p.groups) * p.kh * p.kw;
  }

  std::unique_ptr<GpuOpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options, *this);
  }
  int64_t macs() const override { return macs_; }
  bool has_threshold() const override { return act_.enabled(); }
  bool can_truncate_linear() const override { return !act_.enabled(); }
  bool has_dense_form() const override { return !depthwise_; }
  size_t workspace_bytes() const override { return depthwise_ ? 0 : cudnn_.workspace_bytes(); }

  void run_dense(CudaOpContext& ctx) const override {
    GpuTensor& o = out(ctx);
    const GpuTensor& i = in(ctx, 0);
    if (depthwise_) {
      with_storage(o.storage(), [&](auto zero) {
        using T = decltype(zero);
        check(cuda::depthwise_conv(shape_, weights_dw_.get(), bias_.get(), i.values<T>(), o.values<T>(),
                                   nullptr, int64_t{0}, ctx.frame.stream),
              "depthwise_conv (dense)");
      });
    } else {
      check(cudnn_.forward(ctx.frame.cudnn, i.raw_values(), weights_cudnn_.get(), bias_cudnn_.get(),
                           o.raw_values(), ctx.frame.workspace, ctx.frame.workspace_bytes,
                           ctx.frame.stream));
    }
    act_.dense(o, ctx, *this);
  }

  void run_delta(CudaOpContext& ctx) const override {
    const GpuTensor& i = in(ctx, 0);
    GpuTensor& o = out(ctx);
    cudaStream_t s = ctx.frame.stream;
    check(cuda::dilate_mask_to_list(i.mask(), shape_.window, o.mask(), o.list(), o.count(),
                                    ctx.frame.compact_scratch, s),
          "dilate_mask_to_list");
    with_storage(o.storage(), [&](auto zero) {
      using T = decltype(zero);
      if (depthwise_) {
        check(cuda::depthwise_conv(shape_, weights_dw_.get(), nullptr, i.values<T>(), o.values<T>(),
                                   o.list(), o.count(), o.pixels(), s),
              "depthwise_conv (delta)");
      } else if (ctx.conv_dense_form) {
        check(cudnn_.forward(ctx.frame.cudnn, i.raw_values(), weights_cudnn_.get(), nullptr,
                             o.raw_values(), ctx.frame.workspace, ctx.frame.workspace_bytes, s));
        check(cuda::zero_inactive_pixels(o.values<T>(), o.mask(), o.pixels(), o.channels(), s),
              "zero_inactive_pixels");
        if (ctx.stat) ctx.stat->dense = true;
      } else {
        check(cuda::conv_sparse_tiled(shape_, reinterpret_cast<const T*>(weights_gemm_.get()),
                                      i.values<T>(), o.list(), o.count(), int(o.pixels()),
                                      o.values<T>(), s),
              "conv_sparse_tiled");
      }
    });
    act_.delta(o, ctx, *this);
  }

 private:
  GpuActivationStep act_;
  cuda::ConvShape shape_{};
  bool depthwise_ = false;
  DeviceBuffer<float> bias_, weights_dw_;  // depthwise: fp32 whatever the storage
  DeviceBuffer<uint8_t> bias_cudnn_, weights_cudnn_, weights_gemm_;  // in the storage type
  cuda::CudnnConv cudnn_;
  int64_t macs_ = 0;
};

}  // namespace

std::unique_ptr<CudaOp> make_cuda_conv_op(const ir::Node& node, const ir::Graph& graph,
                                          const CompileContext& cc) {
  return std::make_unique<CudaConvOp>(node, graph, cc);
}

}  // namespace dcnn::cuda_exec
