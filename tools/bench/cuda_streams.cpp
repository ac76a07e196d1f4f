#include "tools/bench/cuda_streams.h"

#include <cuda_runtime.h>
#include <cudnn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "engine/core/error.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/cuda/storage_dispatch.h"
#include "kernels/cuda/conv_dense.h"
#include "kernels/cuda/conv_shape.h"
#include "kernels/cuda/device.h"

namespace dcnn::bench {
namespace {

void cuda_ok(cudaError_t err, const char* what) {
  if (err != cudaSuccess)
    throw Error(ErrorKind::Device, std::string("bench: ") + what + ": " + cudaGetErrorString(err));
}
void cuda_ok(const cuda::Status& st) {
  if (!st.ok) throw Error(ErrorKind::Device, "bench: " + st.message);
}

// Every Conv node of the graph as a cuDNN forward with its own input/output buffers (weights
// zero: the timing does not depend on values), in the model's storage type (fp16: cuDNN's
// tensor-core path, the fair baseline for fp16 storage). One instance per stream.
class CudnnConvChain {
 public:
  CudnnConvChain(const ir::Graph& g, cuda::Storage storage) {
    cuda_ok(cuda::check_cudnn(cudnnCreate(&handle_), "cudnnCreate"));
    cuda_ok(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    for (const ir::Node& node : g.nodes) {
      if (node.kind != ir::OpKind::Conv) continue;
      const auto& p = node.as<ir::ConvParams>();
      const Shape& is = g.tensors.at(size_t(node.inputs.at(0))).shape;
      const Shape& os = g.tensors.at(size_t(node.output)).shape;
      Layer l;
      cuda::Window2D& w = l.shape.window;
      w.in_h = is.h; w.in_w = is.w; w.out_h = os.h; w.out_w = os.w;
      w.kh = p.kh; w.kw = p.kw; w.stride_h = p.stride_h; w.stride_w = p.stride_w;
      w.dil_h = p.dil_h; w.dil_w = p.dil_w; w.pad_top = p.pad_top; w.pad_left = p.pad_left;
      l.shape.cin = p.cin; l.shape.cout = p.cout; l.shape.groups = p.groups;
      layers_.push_back(std::move(l));
    }
    size_t in_max = 1, out_max = 1, w_max = 1, ws_max = 1, b_max = 1;
    for (Layer& l : layers_) {
      l.conv = std::make_unique<cuda::CudnnConv>();
      cuda_ok(l.conv->configure(handle_, l.shape, storage, size_t{256} << 20));
      const cuda::Window2D& w = l.shape.window;
      in_max = std::max(in_max, size_t(w.in_h) * w.in_w * l.shape.cin);
      out_max = std::max(out_max, size_t(w.out_h) * w.out_w * l.shape.cout);
      w_max = std::max(w_max, size_t(l.shape.cout) * (l.shape.cin / l.shape.groups) * w.kh * w.kw);
      b_max = std::max(b_max, size_t(l.shape.cout));
      ws_max = std::max(ws_max, l.conv->workspace_bytes());
    }
    const size_t e = cuda::storage_bytes(storage);
    for (void** p : {&in_, &out_, &weights_, &bias_, &workspace_}) *p = nullptr;
    cuda_ok(cudaMalloc(&in_, in_max * e), "cudaMalloc");
    cuda_ok(cudaMalloc(&out_, out_max * e), "cudaMalloc");
    cuda_ok(cudaMalloc(&weights_, w_max * e), "cudaMalloc");
    cuda_ok(cudaMalloc(&bias_, b_max * e), "cudaMalloc");
    cuda_ok(cudaMalloc(&workspace_, ws_max), "cudaMalloc");
    workspace_bytes_ = ws_max;
    cuda_ok(cudaMemset(in_, 0, in_max * e), "cudaMemset");
    cuda_ok(cudaMemset(weights_, 0, w_max * e), "cudaMemset");
    cuda_ok(cudaMemset(bias_, 0, b_max * e), "cudaMemset");
  }
  ~CudnnConvChain() {
    if (graph_) cudaGraphExecDestroy(graph_);
    for (void* p : {in_, out_, weights_, bias_, workspace_}) cudaFree(p);
    layers_.clear();
    if (handle_) cudnnDestroy(handle_);
    if (stream_) cudaStreamDestroy(stream_);
  }
  // One frame: every conv once (with bias), then wait for the GPU.
  void run() {
    enqueue();
    cuda_ok(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  }
  // The same frame replayed as one CUDA graph, as a runtime that captures its launches (a
  // TensorRT engine, our own dense frames) pays no per-launch host cost: the first call runs
  // directly (cuDNN loads its kernels), the second records the graph.
  void run_graph() {
    if (calls_++ == 0) return run();
    if (!graph_) {
      cuda_ok(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeRelaxed), "cudaStreamBeginCapture");
      enqueue();
      cudaGraph_t graph = nullptr;
      cuda_ok(cudaStreamEndCapture(stream_, &graph), "cudaStreamEndCapture");
      const cudaError_t err = cudaGraphInstantiate(&graph_, graph, 0);
      cudaGraphDestroy(graph);
      cuda_ok(err, "cudaGraphInstantiate");
    }
    cuda_ok(cudaGraphLaunch(graph_, stream_), "cudaGraphLaunch");
    cuda_ok(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  }

 private:
  struct Layer {
    cuda::ConvShape shape{};
    std::unique_ptr<cuda::CudnnConv> conv;
  };
  void enqueue() {
    for (const Layer& l : layers_)
      cuda_ok(l.conv->forward(handle_, in_, weights_, bias_, out_, workspace_, workspace_bytes_, stream_));
  }
  cudnnHandle_t handle_ = nullptr;
  cudaStream_t stream_ = nullptr;
  cudaGraphExec_t graph_ = nullptr;
  int calls_ = 0;
  std::vector<Layer> layers_;
  void *in_ = nullptr, *out_ = nullptr, *weights_ = nullptr, *bias_ = nullptr, *workspace_ = nullptr;
  size_t workspace_bytes_ = 0;
};

// Runs `step(stream, frame)` for every stream on its own thread over `frames` frames, after
// kWarmUp frames each (the dense first frame, the first delta frame, the one that records the
// CUDA graph, cuDNN first-use costs); returns ms per frame per stream (wall clock / (frames *
// streams)).
constexpr int kWarmUp = 3;
double time_streams(int streams, int frames, const std::function<void(int, int)>& step) {
  auto run_all = [&](int first, int count) {
    std::vector<std::thread> threads;
    for (int s = 0; s < streams; ++s)
      threads.emplace_back([&, s] {
        for (int f = first; f < first + count; ++f) step(s, f);
      });
    for (auto& t : threads) t.join();
  };
  run_all(0, kWarmUp);
  const auto t0 = std::chrono::steady_clock::now();
  run_all(kWarmUp, frames);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return ms / (double(frames) * streams);
}

// The streams stepped together from this thread: per step, every executor's frame is submitted
// before any is finished (as run_together does). Same warm-up and unit as time_streams. Also
// the host time spent submitting (*submit_ms, same unit): when it is close to the total, the
// host's launches, not the GPU, set the pace.
double time_stepped(const std::vector<std::unique_ptr<Executor>>& executors, int frames,
                    const std::function<const float*(int)>& frame, double* submit_ms) {
  using clock = std::chrono::steady_clock;
  double submitting = 0.0;
  auto run_steps = [&](int first, int count) {
    for (int f = first; f < first + count; ++f) {
      const auto t0 = clock::now();
      for (const auto& e : executors) e->submit(frame(f));
      submitting += std::chrono::duration<double, std::milli>(clock::now() - t0).count();
      for (const auto& e : executors) e->finish();
    }
  };
  run_steps(0, kWarmUp);
  submitting = 0.0;
  const auto t0 = clock::now();
  run_steps(kWarmUp, frames);
  const double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  const double unit = double(frames) * double(executors.size());
  *submit_ms = submitting / unit;
  return ms / unit;
}

}  // namespace

nlohmann::json cuda_stream_report(const std::shared_ptr<const CompiledModel>& model,
                                  const DeltaSettings& settings,
                                  const std::vector<std::vector<float>>& frames, int frames_per_run) {
  if (frames.empty()) throw Error(ErrorKind::Input, "bench: no frames for the CUDA stream runs");
  // Errors inside worker threads are carried out and rethrown here.
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto guarded = [&](const std::function<void()>& f) {
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  auto frame = [&](int f) -> const float* { return frames[size_t(f) % frames.size()].data(); };
  DeltaSettings inf = settings;
  inf.threshold_scale = 1e30f;
  DeltaSettings direct = settings;
  direct.cuda_graphs = false;

  std::printf("\nCUDA streams (%s; %s storage, cuDNN in the same; %d frames per stream after %d warm-up\n"
              "frames; ms per frame per stream = wall clock / (frames x streams), every stream on its own\n"
              "CUDA stream, on its own thread except 'stepped': one thread, run_together)\n",
              cuda::describe_device(0).c_str(), to_string(model->precision()), frames_per_run, kWarmUp);
  std::printf("('cuDNN dense' is the model's conv chain alone through cuDNN, launched directly / replayed\n"
              "as one CUDA graph; 'vs cuDNN' divides the faster of the two by our delta)\n");
  std::printf("%8s %12s %12s %12s %14s %12s %14s %14s %14s %10s %10s %12s\n", "streams", "cuDNN direct",
              "cuDNN graph", "our dense", "dense no-graph", "our delta", "delta no-graph", "delta stepped",
              "delta eps=inf", "vs cuDNN", "vs dense", "stepped/cuDNN");
  nlohmann::json out = nlohmann::json::array();
  for (int streams : {1, 8, 32}) {
    std::vector<std::unique_ptr<CudnnConvChain>> chains;
    const cuda::Storage storage = cuda_exec::storage_of(model->precision());
    for (int s = 0; s < streams; ++s) chains.push_back(std::make_unique<CudnnConvChain>(model->graph(), storage));
    const double cudnn_eager_ms =
        time_streams(streams, frames_per_run, [&](int s, int) { guarded([&] { chains[size_t(s)]->run(); }); });
    const double cudnn_graph_ms = time_streams(
        streams, frames_per_run, [&](int s, int) { guarded([&] { chains[size_t(s)]->run_graph(); }); });
    chains.clear();
    // The baseline is the faster of the two: what a dense runtime built on cuDNN can reach.
    const double cudnn_ms = std::min(cudnn_eager_ms, cudnn_graph_ms);
    auto executors = [&](ExecMode mode, const DeltaSettings& s) {
      std::vector<std::unique_ptr<Executor>> e;
      for (int k = 0; k < streams; ++k) e.push_back(std::make_unique<Executor>(model, mode, s));
      return e;
    };
    // Stream 0's stats after the run: its dense frames and the graphs it recorded (a count that
    // keeps growing means every frame pays a capture).
    int64_t keyframes = 0, graphs_recorded = 0, graph_nodes = 0;
    auto time_executors = [&](ExecMode mode, const DeltaSettings& s) {
      auto e = executors(mode, s);
      keyframes = 0;
      const double ms = time_streams(streams, frames_per_run, [&](int k, int f) {
        guarded([&] {
          e[size_t(k)]->run(frame(f));
          if (k == 0 && e[0]->stats().keyframe) ++keyframes;
        });
      });
      graphs_recorded = e[0]->stats().graphs_recorded;
      graph_nodes = e[0]->stats().graph_nodes;
      return ms;
    };
    const double dense_ms = time_executors(ExecMode::Dense, settings);
    const int64_t dense_nodes = graph_nodes;
    const double dense_direct_ms = time_executors(ExecMode::Dense, direct);
    const double direct_ms = time_executors(ExecMode::Delta, direct);
    const double delta_ms = time_executors(ExecMode::Delta, settings);
    const int64_t delta_keyframes = keyframes, delta_graphs = graphs_recorded, delta_nodes = graph_nodes;
    double stepped_ms = 0.0, stepped_submit_ms = 0.0;
    guarded([&] {
      stepped_ms = time_stepped(executors(ExecMode::Delta, settings), frames_per_run, frame, &stepped_submit_ms);
    });
    const double inf_ms = time_executors(ExecMode::Delta, inf);
    const int64_t inf_nodes = graph_nodes;
    if (failure) std::rethrow_exception(failure);
    std::printf("%8d %12.3f %12.3f %12.3f %14.3f %12.3f %14.3f %14.3f %14.3f %9.2fx %9.2fx %11.2fx\n", streams,
                cudnn_eager_ms, cudnn_graph_ms, dense_ms, dense_direct_ms, delta_ms, direct_ms, stepped_ms, inf_ms,
                cudnn_ms / delta_ms, dense_ms / delta_ms, cudnn_ms / stepped_ms);
    std::printf("%8s stream 0: %lld of %d+%d delta frames dense, %lld graphs recorded; graph nodes of its "
                "last frame: dense %lld, delta %lld, eps=inf %lld; stepped: %.3f ms of host submit per frame "
                "per stream\n", "", (long long)delta_keyframes, kWarmUp, frames_per_run, (long long)delta_graphs,
                (long long)dense_nodes, (long long)delta_nodes, (long long)inf_nodes, stepped_submit_ms);
    out.push_back({{"streams", streams}, {"cudnn_dense_ms", cudnn_ms}, {"cudnn_direct_ms", cudnn_eager_ms},
                   {"cudnn_graph_ms", cudnn_graph_ms}, {"dense_ms", dense_ms},
                   {"dense_no_graphs_ms", dense_direct_ms},
                   {"delta_ms", delta_ms}, {"delta_no_graphs_ms", direct_ms},
                   {"delta_stepped_ms", stepped_ms}, {"delta_stepped_submit_ms", stepped_submit_ms},
                   {"stepped_speedup_vs_cudnn", cudnn_ms / stepped_ms},
                   {"delta_keyframes_stream0", delta_keyframes}, {"delta_graphs_recorded_stream0", delta_graphs},
                   {"graph_nodes", {{"dense", dense_nodes}, {"delta", delta_nodes}, {"eps_inf", inf_nodes}}},
                   {"delta_eps_inf_ms", inf_ms},
                   {"speedup_vs_cudnn", cudnn_ms / delta_ms}, {"speedup_vs_dense", dense_ms / delta_ms}});
  }
  std::printf("(keyframe_interval %d applies to our dense/delta runs as configured)\n",
              settings.keyframe_interval);
  return out;
}

}  // namespace dcnn::bench
