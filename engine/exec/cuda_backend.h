// The CUDA backend as a table of entry points, so that the engine library does not link the
// CUDA libraries. Linking them costs every CPU-only process about 60 MB of resident memory
// (libcublasLt is relocated and touched at load even if never called), which a box without an
// NVIDIA GPU should not pay. The table comes from the process itself when a program links the
// CUDA executor statically (tools, GPU tests), otherwise from the module libdeltacnn-cuda.so
// next to the engine library, which is opened only when an NVIDIA driver is installed.
#pragma once

#include <memory>
#include <string>

#include "engine/exec/cuda/gpu_stream.h"

namespace dcnn::cuda_exec {

// Bumped whenever the table or a type it passes changes, so that a stale module is refused
// with a message instead of crashing.
inline constexpr int kCudaBackendAbi = 2;  // 2: GpuStream::set_input_ignore_mask

struct CudaBackendApi {
  int abi = 0;
  // gpu_stream.h: compile_cuda_model / make_gpu_stream.
  std::shared_ptr<const CompiledModel> (*compile)(ir::Graph graph, const InputNormalization& norm,
                                                  int device_id, Precision precision) = nullptr;
  std::unique_ptr<GpuStream> (*make_stream)(std::shared_ptr<const CompiledModel> model,
                                            ExecMode mode, const DeltaSettings& settings) = nullptr;
  // True when at least one CUDA device is usable; otherwise false with the reason.
  bool (*device_available)(std::string* why_not) = nullptr;
};

// The backend, loaded once per process on first use (thread-safe); nullptr with the reason in
// *why_not when this build has no CUDA backend, the machine has no NVIDIA driver, or the module
// cannot be opened (its path and dlerror named). Never throws.
const CudaBackendApi* cuda_backend(std::string* why_not = nullptr);

}  // namespace dcnn::cuda_exec

// The module's (and a static CUDA executor's) one exported symbol.
extern "C" const dcnn::cuda_exec::CudaBackendApi* dcnn_cuda_backend_api_v1();
