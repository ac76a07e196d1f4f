// The CUDA backend's entry table (engine/exec/cuda_backend.h): what libdeltacnn-cuda.so
// exports, and what a program that links the CUDA executor statically finds in itself.
#include <cuda_runtime_api.h>

#include "engine/exec/cuda_backend.h"

namespace dcnn::cuda_exec {
namespace {

bool device_available(std::string* why_not) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (why_not)
      *why_not = std::string("no usable GPU (cudaGetDeviceCount: ") + cudaGetErrorString(status) + ")";
    return false;
  }
  if (count == 0) {
    if (why_not) *why_not = "no CUDA device is present";
    return false;
  }
  return true;
}

const CudaBackendApi kApi{kCudaBackendAbi, &compile_cuda_model, &make_gpu_stream, &device_available};

}  // namespace
}  // namespace dcnn::cuda_exec

extern "C" __attribute__((visibility("default"))) const dcnn::cuda_exec::CudaBackendApi*
dcnn_cuda_backend_api_v1() {
  return &dcnn::cuda_exec::kApi;
}
