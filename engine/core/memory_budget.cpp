#include "engine/core/memory_budget.h"

#include <sys/resource.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

namespace dcnn {
namespace {

// The number after `key` in a "Key:   123 kB" line of a /proc file, in bytes; 0 if absent.
size_t proc_kb(const char* path, const std::string& key) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    std::istringstream in(line.substr(key.size()));
    size_t kb = 0;
    in >> kb;
    return kb * 1024;
  }
  return 0;
}

// A cgroup v2 value file: a number, or "max" (no limit).
bool cgroup_value(const char* path, size_t& out) {
  std::ifstream f(path);
  std::string text;
  if (!(f >> text) || text == "max") return false;
  try {
    out = size_t(std::stoull(text));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

std::atomic<size_t> pending_total{0};

size_t minus(size_t a, size_t b) { return a > b ? a - b : 0; }

}  // namespace

PendingStreamBytes::PendingStreamBytes(size_t bytes) : bytes_(bytes) { pending_total += bytes; }

PendingStreamBytes& PendingStreamBytes::operator=(PendingStreamBytes&& o) noexcept {
  if (this != &o) {
    release();
    bytes_ = o.bytes_;
    o.bytes_ = 0;
  }
  return *this;
}

void PendingStreamBytes::release() {
  if (bytes_ == 0) return;  // called after every frame: no atomic write once released
  pending_total -= bytes_;
  bytes_ = 0;
}

size_t PendingStreamBytes::total() { return pending_total; }

MemoryBudget memory_budget() {
  MemoryBudget b{std::numeric_limits<size_t>::max(), "no limit"};
  auto consider = [&](size_t bytes, const char* what) {
    if (bytes < b.bytes) b = {bytes, what};
  };
  const size_t pending = PendingStreamBytes::total();
  if (const size_t avail = proc_kb("/proc/meminfo", "MemAvailable:"))
    consider(minus(avail, pending), pending > 0 ? "MemAvailable, less what streams built here will take" : "MemAvailable");
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    const size_t used = proc_kb("/proc/self/status", "VmSize:");
    consider(as.rlim_cur > used ? size_t(as.rlim_cur - used) : 0, "RLIMIT_AS");
  }
  size_t max = 0, current = 0;
  if (cgroup_value("/sys/fs/cgroup/memory.max", max) && cgroup_value("/sys/fs/cgroup/memory.current", current))
    consider(minus(max, current + pending), pending > 0 ? "cgroup memory.max, less what streams built here will take" : "cgroup memory.max");
  return b;
}

std::string megabytes(size_t bytes) { return std::to_string((bytes + 500000) / 1000000) + " MB"; }

}  // namespace dcnn
