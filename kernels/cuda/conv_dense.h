// Dense convolution through cuDNN 9 (legacy cudnnConvolutionForward API, NHWC descriptors): the
// first frame and keyframes of a stream, layers whose active fraction is too high for the
// sparse path, and the baseline the benchmarks compare against. Descriptors, algorithm choice
// and workspace size are settled once in configure() (model load / stream start); forward() is
// the per-frame call and allocates nothing.
//
// Padding: cuDNN pads symmetrically. When the model's top/left padding with cuDNN's implied
// bottom/right padding does not give the declared output size (TF "SAME" with stride 2 pads
// only bottom/right), forward() first copies the input into a zero-bordered buffer carved from
// the workspace and runs cuDNN unpadded on it.
#pragma once

#include <cuda_runtime.h>
#include <cudnn.h>

#include <cstddef>

#include "kernels/cuda/conv_shape.h"
#include "kernels/cuda/status.h"
#include "kernels/cuda/storage.h"

namespace dcnn::cuda {

class CudnnConv {
 public:
  CudnnConv() = default;
  ~CudnnConv();
  CudnnConv(const CudnnConv&) = delete;
  CudnnConv& operator=(const CudnnConv&) = delete;

  // Creates the descriptors and picks the fastest algorithm the heuristics offer within
  // workspace_limit bytes. fp32 runs with CUDNN_FMA_MATH: TF32 tensor cores are explicitly off,
  // because their 10-bit mantissa would break "eps = 0 reproduces dense to fp32 tolerance" and
  // the CPU == CUDA oracle. fp16 storage uses tensor cores with fp32 accumulation.
  Status configure(cudnnHandle_t handle, const ConvShape& shape, Storage storage,
                   size_t workspace_limit);

  // Device bytes forward() needs as workspace (algorithm workspace + padded input copy).
  size_t workspace_bytes() const { return workspace_bytes_; }

  // out = conv(in) (+ bias when bias is not null). weights: pack_weights_for_cudnn layout;
  // in/out/weights/bias all in the configured storage type, on the device.
  Status forward(cudnnHandle_t handle, const void* in, const void* weights, const void* bias,
                 void* out, void* workspace, size_t workspace_size, cudaStream_t stream) const;

 private:
  void release();

  ConvShape shape_{};
  Storage storage_ = Storage::F32;
  bool configured_ = false;
  bool pre_pad_ = false;
  int padded_h_ = 0, padded_w_ = 0;
  size_t algo_workspace_ = 0, workspace_bytes_ = 0;
  cudnnConvolutionFwdAlgo_t algo_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  cudnnTensorDescriptor_t x_desc_ = nullptr, y_desc_ = nullptr, bias_desc_ = nullptr;
  cudnnFilterDescriptor_t w_desc_ = nullptr;
  cudnnConvolutionDescriptor_t conv_desc_ = nullptr;
};

}  // namespace dcnn::cuda
