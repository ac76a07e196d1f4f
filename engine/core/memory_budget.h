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

// Memory already promised to streams in this process but not yet resident counts as taken
// (see PendingStreamBytes).
MemoryBudget memory_budget();

// Stream buffers are mappings that become resident only as they are written
// (engine/core/aligned_buffer.h), so a stream built but not yet run takes nothing that
// MemAvailable or the cgroup's memory.current would show. Streams built one after another
// (every camera at start) would all pass against the same headroom and then be killed by the
// OOM killer at their first frames. A stream holds its planned bytes here from allocation to its
// first frame (or its end); memory_budget() takes them off those two headrooms (not off
// RLIMIT_AS's, whose VmSize counts the mappings already).
class PendingStreamBytes {
 public:
  PendingStreamBytes() = default;
  explicit PendingStreamBytes(size_t bytes);
  ~PendingStreamBytes() { release(); }
  PendingStreamBytes(PendingStreamBytes&& o) noexcept : bytes_(o.bytes_) { o.bytes_ = 0; }
  PendingStreamBytes& operator=(PendingStreamBytes&& o) noexcept;
  PendingStreamBytes(const PendingStreamBytes&) = delete;
  PendingStreamBytes& operator=(const PendingStreamBytes&) = delete;
  void release();  // the buffers are written (or freed): no longer pending
  size_t bytes() const { return bytes_; }
  static size_t total();

 private:
  size_t bytes_ = 0;
};

// "1234 MB"
std::string megabytes(size_t bytes);

}  // namespace dcnn
