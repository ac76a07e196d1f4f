// For tests that make a process run short of memory: limits this process's address space
// (RLIMIT_AS) to its current size plus `headroom_bytes`. Run it in a child (gtest's EXPECT_EXIT
// with the threadsafe death-test style), never in the test runner itself.
#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <fstream>
#include <string>

namespace dcnn::test {

// False when VmSize cannot be read or the limit cannot be set.
inline bool limit_address_space(size_t headroom_bytes) {
  std::ifstream status("/proc/self/status");
  size_t vm = 0;
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmSize:", 0) == 0) vm = size_t(std::stoull(line.substr(7))) * 1024;
  if (vm == 0) return false;
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max = rlim_t(vm + headroom_bytes);
  return setrlimit(RLIMIT_AS, &limit) == 0;
}

}  // namespace dcnn::test
