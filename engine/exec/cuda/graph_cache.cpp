#include "engine/exec/cuda/graph_cache.h"

#include <string>

#include "engine/exec/cuda/cuda_error.h"

namespace dcnn::cuda_exec {

void GraphCache::clear() {
  for (Entry& e : entries_)
    if (e.exec) cudaGraphExecDestroy(e.exec);
  entries_.clear();
}

void GraphCache::launch(const std::vector<uint8_t>& key, cudaStream_t stream,
                        const std::function<void()>& enqueue, const std::string& where) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].key != key) continue;
    Entry hit = entries_[i];
    entries_.erase(entries_.begin() + long(i));
    entries_.insert(entries_.begin(), hit);
    last_nodes_ = hit.nodes;
    check(cudaGraphLaunch(hit.exec, stream), where, "cudaGraphLaunch");
    return;
  }
  // Relaxed: a library call during capture that is not capturable itself (a cuDNN query, say)
  // runs normally instead of invalidating the capture; other threads' streams are unaffected.
  check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed), where,
        "cudaStreamBeginCapture");
  cudaGraph_t graph = nullptr;
  try {
    enqueue();
  } catch (...) {
    cudaStreamEndCapture(stream, &graph);  // leave the stream usable
    if (graph) cudaGraphDestroy(graph);
    cudaGetLastError();
    throw;
  }
  cudaError_t err = cudaStreamEndCapture(stream, &graph);
  if (err != cudaSuccess) {
    if (graph) cudaGraphDestroy(graph);
    check(err, where + "recording the delta frame as a CUDA graph (set DeltaSettings::cuda_graphs "
                       "= false to launch directly): ",
          "cudaStreamEndCapture");
  }
  size_t nodes = 0;
  if (cudaGraphGetNodes(graph, nullptr, &nodes) != cudaSuccess) nodes = 0;  // a statistic only
  cudaGraphExec_t exec = nullptr;
  err = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  check(err, where, "cudaGraphInstantiate");
  ++recorded_;
  if (entries_.size() >= capacity_) {
    cudaGraphExecDestroy(entries_.back().exec);
    entries_.pop_back();
  }
  entries_.insert(entries_.begin(), Entry{key, exec, nodes});
  last_nodes_ = nodes;
  check(cudaGraphLaunch(exec, stream), where, "cudaGraphLaunch");
}

}  // namespace dcnn::cuda_exec
