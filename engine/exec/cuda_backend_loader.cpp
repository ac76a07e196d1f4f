// Finds the CUDA backend (cuda_backend.h): linked into the program, or the module
// libdeltacnn-cuda.so beside the engine library, opened only where an NVIDIA driver exists.
#include "engine/exec/cuda_backend.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

// Defined only where the CUDA executor is linked in statically; null elsewhere.
#pragma weak dcnn_cuda_backend_api_v1

namespace dcnn::cuda_exec {
namespace {

struct Loaded {
  const CudaBackendApi* api = nullptr;
  std::string why_not;
};

std::string dl_error() {
  const char* e = dlerror();
  return e ? e : "unknown error";
}

// The module is installed (and built) in the engine library's own directory; an explicit
// DELTACNN_CUDA_MODULE wins, for bundles that keep libraries elsewhere.
std::string module_path() {
  if (const char* env = std::getenv("DELTACNN_CUDA_MODULE"); env && *env) return env;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cuda_backend), &info) && info.dli_fname) {
    std::string self = info.dli_fname;
    const size_t slash = self.rfind('/');
    if (slash != std::string::npos) return self.substr(0, slash + 1) + "libdeltacnn-cuda.so";
  }
  return "libdeltacnn-cuda.so";  // the loader's search path
}

Loaded load() {
  Loaded out;
#if !DELTACNN_CUDA_ENABLED
  out.why_not = "this build of deltacnn has no CUDA backend (configured without CUDA)";
  return out;
#else
  if (&dcnn_cuda_backend_api_v1 != nullptr) {
    out.api = dcnn_cuda_backend_api_v1();
    return out;
  }
  // Without the driver no GPU can be used, and the CUDA libraries are not worth mapping.
  if (!dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
    out.why_not = "no NVIDIA driver on this machine (libcuda.so.1: " + dl_error() + ")";
    return out;
  }
  const std::string path = module_path();
  // Never closed: CUDA libraries do not support being unloaded while the process runs.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    out.why_not = "the CUDA backend module could not be loaded (" + dl_error() +
                  "); expected " + path + " from this deltacnn build";
    return out;
  }
  using Entry = const CudaBackendApi* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, "dcnn_cuda_backend_api_v1"));
  if (!entry) {
    out.why_not = path + " is not a deltacnn CUDA backend module (no dcnn_cuda_backend_api_v1)";
    return out;
  }
  const CudaBackendApi* api = entry();
  if (!api || api->abi != kCudaBackendAbi) {
    out.why_not = path + " was built for another version of deltacnn (backend ABI " +
                  std::to_string(api ? api->abi : -1) + ", expected " +
                  std::to_string(kCudaBackendAbi) + "); reinstall it with this engine";
    return out;
  }
  out.api = api;
  return out;
#endif
}

}  // namespace

const CudaBackendApi* cuda_backend(std::string* why_not) {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] {
    try {
      loaded = load();
    } catch (const std::exception& e) {  // std::bad_alloc building a message
      loaded.why_not = std::string("loading the CUDA backend failed: ") + e.what();
    }
  });
  if (!loaded.api && why_not) *why_not = loaded.why_not;
  return loaded.api;
}

}  // namespace dcnn::cuda_exec
