#include "kernels/cuda/status.h"

namespace dcnn::cuda {

Status check_cuda(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return Status::success();
  cudaGetLastError();  // clear a non-sticky error so the next launch is judged on its own
  return Status::failure(std::string(what) + ": " + cudaGetErrorName(err) + " (" +
                         cudaGetErrorString(err) + ")");
}

Status check_cublas(cublasStatus_t st, const char* what) {
  if (st == CUBLAS_STATUS_SUCCESS) return Status::success();
  return Status::failure(std::string(what) + ": " + cublasGetStatusName(st) + " (" +
                         cublasGetStatusString(st) + ")");
}

Status check_cudnn(cudnnStatus_t st, const char* what) {
  if (st == CUDNN_STATUS_SUCCESS) return Status::success();
  // cuDNN 9 keeps a per-thread detail message that says which argument it disliked.
  char detail[512] = {0};
  cudnnGetLastErrorString(detail, sizeof(detail));
  std::string msg = std::string(what) + ": " + cudnnGetErrorString(st);
  if (detail[0] != '\0') msg += std::string(" (") + detail + ")";
  return Status::failure(msg);
}

}  // namespace dcnn::cuda
