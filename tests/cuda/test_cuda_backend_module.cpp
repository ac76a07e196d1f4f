// The CUDA backend module (engine/exec/cuda_backend.h) as the engine library meets it: it must
// open with every symbol resolved (RTLD_NOW) against this build's engine library, export the
// entry table at the engine's ABI, and answer the device question itself. Runs everywhere: on a
// machine without a GPU the answer is "no", with the CUDA runtime's reason.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/api/deltacnn.h"
#include "engine/exec/cuda_backend.h"

namespace {

// The loader's own override first (the GPU bundle's run.sh sets it), else the build tree.
std::string module_in_build() {
  if (const char* module = std::getenv("DELTACNN_CUDA_MODULE"); module && *module) return module;
  const char* root = std::getenv("DELTACNN_BUILD_ROOT");
  return std::string(root ? root : ".") + "/engine/api/libdeltacnn-cuda.so";
}

TEST(CudaBackendModule, OpensWithEverySymbolResolvedAndExportsTheEntryTable) {
  const std::string path = module_in_build();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << path << ": " << dlerror();
  using Entry = const dcnn::cuda_exec::CudaBackendApi* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, "dcnn_cuda_backend_api_v1"));
  ASSERT_NE(entry, nullptr) << "no dcnn_cuda_backend_api_v1 in " << path;
  const auto* api = entry();
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->abi, dcnn::cuda_exec::kCudaBackendAbi);
  ASSERT_TRUE(api->compile && api->make_stream && api->device_available);
  std::string why;
  if (api->device_available(&why)) GTEST_SKIP() << "a GPU is present: the 'no' answer is not testable";
  EXPECT_TRUE(why.find("GPU") != std::string::npos || why.find("CUDA device") != std::string::npos)
      << why;
}

// Through the engine: on a machine without the NVIDIA driver the engine must say so and not
// load the module (the point of the module: no CUDA libraries in a CPU-only process).
TEST(CudaBackendModule, EngineWithoutDriverNamesTheDriverAndMapsNoCudaLibrary) {
  if (void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD)) {
    (void)driver;
    GTEST_SKIP() << "the NVIDIA driver is loaded in this process";
  }
  if (void* driver = dlopen("libcuda.so.1", RTLD_LAZY)) {
    dlclose(driver);
    GTEST_SKIP() << "the NVIDIA driver is installed: the module is expected to load";
  }
  // In a freshly executed child (threadsafe style re-runs the binary rather than forking this
  // process): the other test here maps the module on purpose.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::string why;
        const bool available = dcnn::cuda_available(&why);
        if (available || why.find("no NVIDIA driver") == std::string::npos) {
          std::fprintf(stderr, "unexpected answer: %s\n", why.c_str());
          std::exit(1);
        }
        if (dlopen("libcublasLt.so.13", RTLD_LAZY | RTLD_NOLOAD) ||
            dlopen("libdeltacnn-cuda.so", RTLD_LAZY | RTLD_NOLOAD)) {
          std::fprintf(stderr, "CUDA libraries were mapped although no driver is installed\n");
          std::exit(2);
        }
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
