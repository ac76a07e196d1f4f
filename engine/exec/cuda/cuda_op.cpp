#include "engine/exec/cuda/cuda_op.h"

namespace dcnn::cuda_exec {

void CudaOp::copy(void* dst, const void* src, size_t bytes, const CudaOpContext& ctx) const {
  check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, ctx.frame.stream),
        "cudaMemcpyAsync (device to device)");
}

}  // namespace dcnn::cuda_exec
