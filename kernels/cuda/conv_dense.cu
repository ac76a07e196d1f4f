#include "kernels/cuda/conv_dense.h"

#include <cuda_fp16.h>

#include <string>

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

// padded[y][x] = in[y - pad_top][x - pad_left], 0 outside the input.
template <typename T>
__global__ void pad_kernel(const T* __restrict__ in, int in_h, int in_w, int c, int pad_top,
                           int pad_left, int padded_h, int padded_w, T* __restrict__ padded) {
  int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (t >= int64_t{padded_h} * padded_w * c) return;
  int ch = static_cast<int>(t % c);
  int64_t p = t / c;
  int y = static_cast<int>(p / padded_w) - pad_top, x = static_cast<int>(p % padded_w) - pad_left;
  T v{};
  if (y >= 0 && y < in_h && x >= 0 && x < in_w) v = in[(int64_t{y} * in_w + x) * c + ch];
  padded[t] = v;
}

size_t align_up(size_t v) { return (v + 255) & ~size_t{255}; }

std::string shape_text(const ConvShape& s) {
  const Window2D& w = s.window;
  return std::to_string(w.in_h) + "x" + std::to_string(w.in_w) + "x" + std::to_string(s.cin) +
         " -> " + std::to_string(w.out_h) + "x" + std::to_string(w.out_w) + "x" +
         std::to_string(s.cout) + ", kernel " + std::to_string(w.kh) + "x" + std::to_string(w.kw) +
         ", groups " + std::to_string(s.groups);
}

}  // namespace

CudnnConv::~CudnnConv() { release(); }

void CudnnConv::release() {
  // Destroy calls only fail on null/invalid descriptors, which the checks below exclude.
  if (x_desc_) cudnnDestroyTensorDescriptor(x_desc_);
  if (y_desc_) cudnnDestroyTensorDescriptor(y_desc_);
  if (bias_desc_) cudnnDestroyTensorDescriptor(bias_desc_);
  if (w_desc_) cudnnDestroyFilterDescriptor(w_desc_);
  if (conv_desc_) cudnnDestroyConvolutionDescriptor(conv_desc_);
  x_desc_ = y_desc_ = bias_desc_ = nullptr;
  w_desc_ = nullptr;
  conv_desc_ = nullptr;
  configured_ = false;
}

Status CudnnConv::configure(cudnnHandle_t handle, const ConvShape& s, Storage storage,
                            size_t workspace_limit) {
  release();
  if (!conv_shape_is_valid(s))
    return Status::failure("CudnnConv: invalid convolution shape " + shape_text(s));
  shape_ = s;
  storage_ = storage;
  const Window2D& w = s.window;
  const cudnnDataType_t data = storage == Storage::F32 ? CUDNN_DATA_FLOAT : CUDNN_DATA_HALF;

  DCNN_CUDA_TRY(check_cudnn(cudnnCreateTensorDescriptor(&x_desc_), "cudnnCreateTensorDescriptor"));
  DCNN_CUDA_TRY(check_cudnn(cudnnCreateTensorDescriptor(&y_desc_), "cudnnCreateTensorDescriptor"));
  DCNN_CUDA_TRY(
      check_cudnn(cudnnCreateTensorDescriptor(&bias_desc_), "cudnnCreateTensorDescriptor"));
  DCNN_CUDA_TRY(check_cudnn(cudnnCreateFilterDescriptor(&w_desc_), "cudnnCreateFilterDescriptor"));
  DCNN_CUDA_TRY(check_cudnn(cudnnCreateConvolutionDescriptor(&conv_desc_),
                            "cudnnCreateConvolutionDescriptor"));
  DCNN_CUDA_TRY(check_cudnn(cudnnSetFilter4dDescriptor(w_desc_, data, CUDNN_TENSOR_NHWC, s.cout,
                                                       s.cin / s.groups, w.kh, w.kw),
                            "cudnnSetFilter4dDescriptor"));
  DCNN_CUDA_TRY(check_cudnn(
      cudnnSetTensor4dDescriptor(y_desc_, CUDNN_TENSOR_NHWC, data, 1, s.cout, w.out_h, w.out_w),
      "cudnnSetTensor4dDescriptor(output)"));
  DCNN_CUDA_TRY(
      check_cudnn(cudnnSetTensor4dDescriptor(bias_desc_, CUDNN_TENSOR_NHWC, data, 1, s.cout, 1, 1),
                  "cudnnSetTensor4dDescriptor(bias)"));

  // Symmetric padding first; fall back to an explicitly padded input when cuDNN would produce
  // a different output size than the model declares. Group count and math type are set with
  // the geometry every time, so a re-set descriptor cannot silently lose them.
  // fp32: FMA kernels only, i.e. no TF32 (see the header). fp16: tensor cores, fp32 accumulate.
  const cudnnMathType_t math = storage == Storage::F32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH;
  auto set_conv = [&](int pad_h, int pad_w) {
    DCNN_CUDA_TRY(check_cudnn(
        cudnnSetConvolution2dDescriptor(conv_desc_, pad_h, pad_w, w.stride_h, w.stride_w, w.dil_h,
                                        w.dil_w, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
        "cudnnSetConvolution2dDescriptor"));
    DCNN_CUDA_TRY(check_cudnn(cudnnSetConvolutionGroupCount(conv_desc_, s.groups),
                              "cudnnSetConvolutionGroupCount"));
    return check_cudnn(cudnnSetConvolutionMathType(conv_desc_, math),
                       "cudnnSetConvolutionMathType");
  };
  auto set_input = [&](int h, int wd) {
    return check_cudnn(
        cudnnSetTensor4dDescriptor(x_desc_, CUDNN_TENSOR_NHWC, data, 1, s.cin, h, wd),
        "cudnnSetTensor4dDescriptor(input)");
  };
  DCNN_CUDA_TRY(set_conv(w.pad_top, w.pad_left));
  DCNN_CUDA_TRY(set_input(w.in_h, w.in_w));
  int on = 0, oc = 0, oh = 0, ow = 0;
  DCNN_CUDA_TRY(check_cudnn(
      cudnnGetConvolution2dForwardOutputDim(conv_desc_, x_desc_, w_desc_, &on, &oc, &oh, &ow),
      "cudnnGetConvolution2dForwardOutputDim"));
  pre_pad_ = oh != w.out_h || ow != w.out_w;
  if (pre_pad_) {
    padded_h_ = (w.out_h - 1) * w.stride_h + (w.kh - 1) * w.dil_h + 1;
    padded_w_ = (w.out_w - 1) * w.stride_w + (w.kw - 1) * w.dil_w + 1;
    DCNN_CUDA_TRY(set_conv(0, 0));
    DCNN_CUDA_TRY(set_input(padded_h_, padded_w_));
  }

  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  int returned = 0;
  DCNN_CUDA_TRY(check_cudnn(
      cudnnGetConvolutionForwardAlgorithm_v7(handle, x_desc_, w_desc_, conv_desc_, y_desc_,
                                             CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf),
      "cudnnGetConvolutionForwardAlgorithm_v7"));
  bool found = false;
  for (int i = 0; i < returned && !found; ++i) {
    if (perf[i].status != CUDNN_STATUS_SUCCESS || perf[i].memory > workspace_limit) continue;
    // A keyframe must equal a fresh stream's first frame bit for bit, so the same input must
    // always give the same output.
    if (perf[i].determinism != CUDNN_DETERMINISTIC) continue;
    // fp32: never an entry that needs tensor-op math. What cudnnConvolutionForward honours is
    // the descriptor's CUDNN_FMA_MATH, set above and left as is.
    if (storage == Storage::F32 && (perf[i].mathType == CUDNN_TENSOR_OP_MATH ||
                                    perf[i].mathType == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION))
      continue;
    algo_ = perf[i].algo;
    found = true;
  }
  if (!found)
    return Status::failure("CudnnConv: no cuDNN forward algorithm for " + shape_text(s) +
                           " fits a workspace of " + std::to_string(workspace_limit) + " bytes");
  DCNN_CUDA_TRY(
      check_cudnn(cudnnGetConvolutionForwardWorkspaceSize(handle, x_desc_, w_desc_, conv_desc_,
                                                          y_desc_, algo_, &algo_workspace_),
                  "cudnnGetConvolutionForwardWorkspaceSize"));
  workspace_bytes_ = align_up(algo_workspace_);
  if (pre_pad_)
    workspace_bytes_ +=
        align_up(static_cast<size_t>(padded_h_) * padded_w_ * s.cin * storage_bytes(storage));
  configured_ = true;
  return Status::success();
}

Status CudnnConv::forward(cudnnHandle_t handle, const void* in, const void* weights,
                          const void* bias, void* out, void* workspace, size_t workspace_size,
                          cudaStream_t stream) const {
  if (!configured_) return Status::failure("CudnnConv::forward before a successful configure");
  if (workspace_size < workspace_bytes_)
    return Status::failure("CudnnConv::forward: workspace of " + std::to_string(workspace_size) +
                           " bytes, needs " + std::to_string(workspace_bytes_));
  DCNN_CUDA_TRY(check_cudnn(cudnnSetStream(handle, stream), "cudnnSetStream"));
  const Window2D& w = shape_.window;
  const void* x = in;
  if (pre_pad_) {
    void* padded = static_cast<char*>(workspace) + align_up(algo_workspace_);
    int64_t total = int64_t{padded_h_} * padded_w_ * shape_.cin;
    if (storage_ == Storage::F32)
      pad_kernel<float><<<detail::blocks_for(total), detail::kBlock, 0, stream>>>(
          static_cast<const float*>(in), w.in_h, w.in_w, shape_.cin, w.pad_top, w.pad_left,
          padded_h_, padded_w_, static_cast<float*>(padded));
    else
      pad_kernel<__half><<<detail::blocks_for(total), detail::kBlock, 0, stream>>>(
          static_cast<const __half*>(in), w.in_h, w.in_w, shape_.cin, w.pad_top, w.pad_left,
          padded_h_, padded_w_, static_cast<__half*>(padded));
    DCNN_CUDA_TRY(check_cuda(cudaGetLastError(), "CudnnConv pad launch"));
    x = padded;
  }
  // alpha/beta are float for both float and half data (cuDNN's scaling-parameter rule).
  const float one = 1.f, zero = 0.f;
  DCNN_CUDA_TRY(
      check_cudnn(cudnnConvolutionForward(handle, &one, x_desc_, x, w_desc_, weights, conv_desc_,
                                          algo_, workspace, algo_workspace_, &zero, y_desc_, out),
                  "cudnnConvolutionForward"));
  if (bias)
    DCNN_CUDA_TRY(check_cudnn(cudnnAddTensor(handle, &one, bias_desc_, bias, &one, y_desc_, out),
                              "cudnnAddTensor(bias)"));
  return Status::success();
}

}  // namespace dcnn::cuda
