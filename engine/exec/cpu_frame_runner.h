// Runs the CPU frames of every stream of one model on a small set of runner threads, each with
// its own workspace (the busy-frame arena and recompute scratch of the frame running there).
//
// Why: a stream's frame needs that workspace only while it runs, and so do the kernels'
// per-thread scratch (kernels/cpu/scratch.h, oneDNN's scratchpad) and the OpenMP team, which
// belong to the thread that starts the parallel regions. When every stream ran its frames on its
// own streaming thread, a second camera on the same model brought a second workspace (about
// 55 MB for MultiPose at 768x576), a second OpenMP team and a second set of per-thread scratch,
// although on a machine whose cores one frame already fills the two frames only took turns for
// the cores anyway. Frames run here instead, on at most `runners` threads: a second stream adds
// only its persistent state (its maps), and streams beyond the runner count queue for a runner
// instead of oversubscribing the cores. Each runner's OpenMP team has omp_get_max_threads()
// threads (OMP_NUM_THREADS), so runners x that is what the model may use at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/core/aligned_buffer.h"

namespace dcnn {

// Scratch floats of the frame running on one runner; nothing in it outlives the frame.
class CpuWorkspace {
 public:
  // At least `floats` floats; contents undefined. Grows only (in steady state no frame allocates).
  float* at_least(size_t floats);
  // Safe to read from any thread while a frame grows the workspace.
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  AlignedBuffer<float> floats_;
  std::atomic<size_t> bytes_{0};
};

class CpuFrameRunner {
 public:
  // runners <= 0: default_runners().
  explicit CpuFrameRunner(int runners = 0);
  ~CpuFrameRunner();  // waits for the frames running, then joins the threads
  CpuFrameRunner(const CpuFrameRunner&) = delete;
  CpuFrameRunner& operator=(const CpuFrameRunner&) = delete;

  // Runs `frame` on the lowest-numbered idle runner (waiting for one when all are busy) with that
  // runner's workspace, and returns when it is done. An exception `frame` throws is rethrown here.
  // Runner threads start when first needed, so a model that never runs starts none.
  void run(const std::function<void(CpuWorkspace&)>& frame);

  int runners() const { return int(slots_.size()); }
  // The largest workspace any runner holds now: what a new stream's frames find already there.
  size_t largest_workspace_bytes() const;
  // Sum over the runners' workspaces.
  size_t workspace_bytes() const;

  // max(1, hardware threads / omp_get_max_threads()): as many frames at once as fill the cores
  // without oversubscribing them. DELTACNN_CPU_RUNNERS overrides it (a positive integer).
  static int default_runners();

 private:
  struct Slot {
    std::thread thread;
    CpuWorkspace workspace;
    const std::function<void(CpuWorkspace&)>* frame = nullptr;  // set while assigned
    std::exception_ptr error;
    bool busy = false;  // assigned and not yet collected by its caller
    bool done = false;  // the frame returned (or threw)
    std::condition_variable wake;
  };
  void serve(Slot& slot);

  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::condition_variable frame_done_;
  std::vector<std::unique_ptr<Slot>> slots_;
  bool stopping_ = false;
};

}  // namespace dcnn
