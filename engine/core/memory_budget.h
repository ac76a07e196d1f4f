// How much more host memory this process may take: the smallest of what the kernel reports as
// available (MemAvailable), the headroom under the address-space limit (RLIMIT_AS, e.g. from
// prlimit or systemd's LimitAS) and the headroom of the cgroup's memory.max (containers).
// Checking a stream's buffers against it before allocating them turns what would be a
// std::bad_alloc deep inside a kernel library (or, with OpenBLAS, a hang) into a clear error.
#pragma once

#include <cstddef>
#include <string>

namespace dcnn {

struct MemoryBudget {
  size_t bytes = 0;   // SIZE_MAX when nothing limits the process (or nothing could be read)
  std::string limit;  // what sets `bytes`, for messages: "MemAvailable", "RLIMIT_AS", "cgroup memory.max"
};

MemoryBudget memory_budget();

// "1234 MB"
std::string megabytes(size_t bytes);

}  // namespace dcnn
