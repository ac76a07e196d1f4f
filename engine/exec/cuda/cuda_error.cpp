#include "engine/exec/cuda/cuda_error.h"

#include "engine/core/error.h"

namespace dcnn::cuda_exec {

void throw_device_error(const std::string& where, const std::string& message) {
  throw Error(ErrorKind::Device, "backend 'cuda': " + where + message);
}

}  // namespace dcnn::cuda_exec
