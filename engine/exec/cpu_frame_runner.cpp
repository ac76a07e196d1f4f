#include "engine/exec/cpu_frame_runner.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <system_error>

#include "engine/core/error.h"

namespace dcnn {

float* CpuWorkspace::at_least(size_t floats) {
  if (floats > floats_.size()) {
    floats_.resize(floats);
    bytes_.store(floats * sizeof(float), std::memory_order_relaxed);
  }
  return floats_.data();
}

int CpuFrameRunner::default_runners() {
  if (const char* v = std::getenv("DELTACNN_CPU_RUNNERS"); v && *v) {
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < 1 || n > 1024)
      throw Error(ErrorKind::Config, std::string("DELTACNN_CPU_RUNNERS is '") + v +
                                         "'; expected a positive integer (frames that may run at once per model)");
    return int(n);
  }
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, omp_get_max_threads()));
}

CpuFrameRunner::CpuFrameRunner(int runners) {
  const int n = runners > 0 ? runners : default_runners();
  for (int i = 0; i < n; ++i) slots_.push_back(std::make_unique<Slot>());
}

CpuFrameRunner::~CpuFrameRunner() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // Callers wait inside run(), each holding a reference to the model that owns this runner,
    // so no frame is running or queued once the last owner lets go; stop the idle threads.
    stopping_ = true;
    for (auto& s : slots_) s->wake.notify_all();
  }
  for (auto& s : slots_)
    if (s->thread.joinable()) s->thread.join();
}

void CpuFrameRunner::serve(Slot& slot) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    slot.wake.wait(lock, [&] { return stopping_ || (slot.frame && !slot.done); });
    if (!slot.frame || slot.done) return;  // woken to stop
    const std::function<void(CpuWorkspace&)>* frame = slot.frame;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*frame)(slot.workspace);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    slot.error = error;
    slot.done = true;
    frame_done_.notify_all();
  }
}

void CpuFrameRunner::run(const std::function<void(CpuWorkspace&)>& frame) {
  std::unique_lock<std::mutex> lock(mutex_);
  Slot* slot = nullptr;
  slot_freed_.wait(lock, [&] {
    for (auto& s : slots_)
      if (!s->busy) {
        slot = s.get();
        return true;
      }
    return false;
  });
  slot->busy = true;
  slot->done = false;
  slot->error = nullptr;
  slot->frame = &frame;
  if (!slot->thread.joinable()) {
    try {
      slot->thread = std::thread([this, slot] { serve(*slot); });
    } catch (const std::system_error& e) {
      slot->frame = nullptr;
      slot->busy = false;
      slot_freed_.notify_one();
      throw Error(ErrorKind::Memory, std::string("could not start a CPU runner thread: ") + e.what());
    }
  }
  slot->wake.notify_one();
  frame_done_.wait(lock, [&] { return slot->done; });
  std::exception_ptr error = slot->error;
  slot->frame = nullptr;
  slot->error = nullptr;
  slot->busy = false;
  slot_freed_.notify_one();
  lock.unlock();
  if (error) std::rethrow_exception(error);
}

size_t CpuFrameRunner::largest_workspace_bytes() const {
  size_t most = 0;
  for (const auto& s : slots_) most = std::max(most, s->workspace.bytes());
  return most;
}

size_t CpuFrameRunner::workspace_bytes() const {
  size_t sum = 0;
  for (const auto& s : slots_) sum += s->workspace.bytes();
  return sum;
}

}  // namespace dcnn
