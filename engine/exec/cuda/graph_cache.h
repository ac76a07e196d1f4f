// CUDA graphs for steady-state delta frames: a delta frame enqueues several launches per layer
// (clear, mask, compaction, kernel, activation, compaction), so launch overhead would dominate a
// sparse frame. Because every count stays on the device, a whole frame is capturable; what the
// host decides per frame (each conv's dense or sparse form, the scaled thresholds baked into
// launch parameters) is the key of the recorded graph. A few graphs are kept, most recent
// first; a new key is recorded by stream capture of the eager enqueue, then replayed.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dcnn::cuda_exec {

class GraphCache {
 public:
  explicit GraphCache(size_t capacity) : capacity_(capacity) {}
  ~GraphCache() { clear(); }
  GraphCache(const GraphCache&) = delete;
  GraphCache& operator=(const GraphCache&) = delete;

  // Launches on `stream` the graph recorded for `key`; when there is none, records one by
  // capturing `enqueue` (which must only enqueue work on `stream`) and launches it. Throws a
  // Device error ("<where>...") if capture or instantiation fails, ending the capture first.
  void launch(const std::vector<uint8_t>& key, cudaStream_t stream,
              const std::function<void()>& enqueue, const std::string& where);
  void clear();
  size_t recorded() const { return recorded_; }  // graphs recorded so far (for stats/tests)
  // Nodes (kernels, copies, memsets) of the graph launched last: what one frame costs in
  // launches, which bounds a small frame's time from below.
  size_t last_nodes() const { return last_nodes_; }

 private:
  struct Entry {
    std::vector<uint8_t> key;
    cudaGraphExec_t exec = nullptr;
    size_t nodes = 0;
  };
  size_t capacity_;
  std::vector<Entry> entries_;  // most recently used first
  size_t recorded_ = 0;
  size_t last_nodes_ = 0;
};

}  // namespace dcnn::cuda_exec
