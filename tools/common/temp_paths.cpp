#include "tools/common/temp_paths.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>
#include <mutex>

namespace dcnn::tools {
namespace {

// Fixed storage: the handler may only read memory that exists without allocation, and call
// async-signal-safe functions (unlink, signal, raise).
constexpr int kSlots = 8;
struct Slot {
  char path[PATH_MAX];
  std::atomic<bool> used{false};
};
Slot slots[kSlots];
std::mutex registry_lock;  // between threads that register; the handler does not take it

void on_interrupt(int sig) {
  for (Slot& slot : slots)
    if (slot.used.load(std::memory_order_acquire)) unlink(slot.path);
  signal(sig, SIG_DFL);
  raise(sig);
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction current {};
      sigaction(sig, nullptr, &current);
      if (current.sa_handler == SIG_IGN) continue;  // started with the signal ignored (nohup): keep it so
      struct sigaction action {};
      action.sa_handler = on_interrupt;
      sigemptyset(&action.sa_mask);
      sigaction(sig, &action, nullptr);
    }
  });
}

}  // namespace

void remove_on_interrupt(const std::string& path) {
  if (path.empty() || path.size() >= PATH_MAX) return;
  install_handlers();
  std::lock_guard<std::mutex> lock(registry_lock);
  for (Slot& slot : slots) {
    if (slot.used.load(std::memory_order_relaxed)) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    slot.used.store(true, std::memory_order_release);
    return;
  }
}

void forget_on_interrupt(const std::string& path) {
  std::lock_guard<std::mutex> lock(registry_lock);
  for (Slot& slot : slots)
    if (slot.used.load(std::memory_order_relaxed) && path == slot.path) {
      slot.used.store(false, std::memory_order_release);
      return;
    }
}

}  // namespace dcnn::tools
