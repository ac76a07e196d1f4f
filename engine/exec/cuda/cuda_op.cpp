#include "engine/exec/cuda/cuda_op.h"

#include <cuda_fp16.h>

#include <cstring>

namespace dcnn::cuda_exec {

void CudaOp::copy(void* dst, const void* src, size_t bytes, const CudaOpContext& ctx) const {
  check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, ctx.frame.stream),
        "cudaMemcpyAsync (device to device)");
}

void upload_as(cuda::Storage storage, const std::vector<float>& host, DeviceBuffer<uint8_t>& buffer,
               const std::string& what) {
  std::vector<uint8_t> bytes(host.size() * cuda::storage_bytes(storage));
  if (storage == cuda::Storage::F16) {
    for (size_t i = 0; i < host.size(); ++i) {
      const __half h = __float2half_rn(host[i]);
      std::memcpy(bytes.data() + 2 * i, &h, 2);
    }
  } else if (!host.empty()) {
    std::memcpy(bytes.data(), host.data(), bytes.size());
  }
  buffer.upload(bytes, what);
}

}  // namespace dcnn::cuda_exec
