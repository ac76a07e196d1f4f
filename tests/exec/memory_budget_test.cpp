// Out of memory is a clear error, not a std::bad_alloc from a kernel library (or a hang in
// OpenBLAS's allocator): a stream whose buffers exceed what the process may take is refused
// before anything is allocated, naming the model, input size, mode and both amounts.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "engine/core/error.h"
#include "engine/core/memory_budget.h"
#include "engine/exec/compiled_model.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

size_t vm_size_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmSize:", 0) == 0) return size_t(std::stoull(line.substr(7))) * 1024;
  return 0;
}

TEST(MemoryBudget, ReportsWhatLimitsTheProcess) {
  const MemoryBudget b = memory_budget();
  EXPECT_GT(b.bytes, size_t{0});
  EXPECT_FALSE(b.limit.empty());
}

// In a freshly executed child: the address-space limit must not reach the test runner.
TEST(MemoryBudget, AStreamLargerThanTheAddressSpaceLimitIsAMemoryErrorBeforeAllocating) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // A MobileNetV2 block at 2048x2048: its delta stream needs well over a gigabyte.
        auto model = compile_model(mobilenet_v2_block(2048, 2048), Backend::Cpu, test_normalization());
        rlimit limit{};
        limit.rlim_cur = limit.rlim_max = rlim_t(vm_size_bytes() + (size_t{300} << 20));
        if (setrlimit(RLIMIT_AS, &limit) != 0) std::exit(3);
        DeltaSettings settings = exact_settings();
        settings.form = DeltaForm::Recompute;
        try {
          Executor e(model, ExecMode::Delta, settings);
        } catch (const Error& err) {
          const std::string m = err.what();
          const bool ok = err.kind() == ErrorKind::Memory && m.find("2048x2048") != std::string::npos &&
                          m.find("delta stream needs at least") != std::string::npos &&
                          m.find("RLIMIT_AS") != std::string::npos;
          std::fprintf(stderr, "%s\n", m.c_str());
          std::exit(ok ? 0 : 1);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "not a dcnn::Error: %s\n", e.what());
          std::exit(2);
        }
        std::exit(4);  // allocated under the limit: the test's sizes are wrong
      },
      ::testing::ExitedWithCode(0), "delta stream needs at least");
}

}  // namespace
}  // namespace dcnn::test
