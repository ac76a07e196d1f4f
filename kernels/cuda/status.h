// Outcome of a host wrapper that calls CUDA libraries (cuBLAS, cuDNN) besides plain kernel
// launches. Kernels return cudaError_t; wrappers that can fail inside a library return Status,
// whose message names the failing call and carries the library's own error string, so the
// engine can wrap it into a dcnn::Error naming the layer.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <string>
#include <utility>

namespace dcnn::cuda {

struct Status {
  bool ok = true;
  std::string message;  // empty when ok

  static Status success() { return {}; }
  static Status failure(std::string why) { return {false, std::move(why)}; }
};

// "what: <library error string>"; success when the code is the library's success value.
Status check_cuda(cudaError_t err, const char* what);
Status check_cublas(cublasStatus_t st, const char* what);
Status check_cudnn(cudnnStatus_t st, const char* what);

}  // namespace dcnn::cuda

// Returns from the enclosing Status-returning function when `expr` (a Status) failed.
#define DCNN_CUDA_TRY(expr)           \
  do {                                \
    ::dcnn::cuda::Status s_ = (expr); \
    if (!s_.ok) return s_;            \
  } while (0)
