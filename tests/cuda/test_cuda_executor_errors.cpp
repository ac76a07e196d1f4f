// Backend::Cuda errors that need no GPU to check, so this suite never skips: on a machine
// without a usable device compile_model(Cuda) is a Device error that says why (and names the
// cpu backend as the way out); on a GPU machine an absent device_id is a Device error instead.
#include <gtest/gtest.h>

#include <string>

#include "engine/core/error.h"
#include "engine/exec/executor.h"
#include "kernels/cuda/device.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

ErrorKind kind_of_compile(int device_id, std::string* message) {
  try {
    compile_model(mobilenet_v2_block(16, 16), Backend::Cuda, test_normalization(), device_id);
  } catch (const Error& e) {
    *message = e.what();
    return e.kind();
  }
  *message = "(no error)";
  return ErrorKind::Internal;
}

TEST(CudaExecutorErrors, CompileWithoutUsableDeviceOrWithAbsentDeviceIdIsADeviceError) {
  std::string why;
  const int devices = dcnn::cuda::device_count(&why);
  std::string message;
  if (devices == 0) {
    EXPECT_EQ(kind_of_compile(0, &message), ErrorKind::Device) << message;
    EXPECT_NE(message.find("no usable CUDA device"), std::string::npos) << message;
    EXPECT_NE(message.find(why), std::string::npos) << "the reason '" << why << "' is missing: " << message;
    EXPECT_NE(message.find("backend 'cpu'"), std::string::npos) << message;
  } else {
    EXPECT_EQ(kind_of_compile(devices, &message), ErrorKind::Device) << message;
    EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
  }
  EXPECT_EQ(kind_of_compile(-1, &message), ErrorKind::Device) << message;
}

}  // namespace
}  // namespace dcnn::test
