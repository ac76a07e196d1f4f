// Turns CUDA / cuDNN / kernel-wrapper failures into dcnn::Error (ErrorKind::Device) whose
// message says where it happened (a node, the input stage, an output head) and what failed.
// The message is only built on failure, so the per-launch checks cost a compare.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "kernels/cuda/status.h"

namespace dcnn::cuda_exec {

[[noreturn]] void throw_device_error(const std::string& where, const std::string& message);

// `where` ends with ": " (e.g. "node 'conv_3' (Conv): "), `what` names the failing call.
inline void check(cudaError_t err, const std::string& where, const char* what) {
  if (err != cudaSuccess) throw_device_error(where, cuda::check_cuda(err, what).message);
}
inline void check(const cuda::Status& status, const std::string& where) {
  if (!status.ok) throw_device_error(where, status.message);
}

}  // namespace dcnn::cuda_exec
