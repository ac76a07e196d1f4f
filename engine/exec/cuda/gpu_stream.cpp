// One stream of a CUDA model (the GPU side of an Executor). Every buffer is allocated here,
// once: tensors (values, mask, list), op states, the input stage, cuDNN workspace, scratch,
// dense heads on the device and their pinned host copies. A frame enqueues every op on this
// stream's cudaStream_t without host synchronisation (pixel counts stay on the device), then
// makes one batched device->host copy of all counts and one copy per head, and synchronises
// once. Per-frame choices that need counts on the host (dense or sparse form of a conv) use the
// previous frame's counts: both forms are exact, so a stale choice costs time, never accuracy.
// Steady-state delta frames (not the first after a keyframe) are replayed as CUDA graphs keyed
// by those choices (graph_cache.h) unless DeltaSettings::cuda_graphs is off or time_layers on.
//
// The dense tail (engine/exec/dense_tail.h; nodes from dense_tail_plan.h, as on the CPU) runs
// after every other node. Its frontier is accumulated on the device every delta frame. Its plan
// needs the frontier's active fraction on the host; this frame's is only known on the device, and
// reading it would cost a host sync mid-frame (and split the CUDA graph). The previous delta
// frame's counts decide instead, as for the conv forms (choose_tail_plan()).
#include "engine/exec/cuda/gpu_stream.h"

#include <cudnn.h>

#include <algorithm>
#include <utility>
#include <chrono>
#include <map>

#include "engine/core/error.h"
#include "engine/exec/cuda/cuda_model.h"
#include "engine/exec/cuda/graph_cache.h"
#include "engine/exec/cuda/input_stage.h"
#include "engine/exec/dense_tail_plan.h"
#include "engine/exec/keyframe_policy.h"
#include "kernels/cuda/compact.h"
#include "kernels/cuda/densify.h"
#include "kernels/cuda/global_pool.h"

namespace dcnn::cuda_exec {
namespace {

// Device-side resources owned by one stream, destroyed on its device.
struct StreamHandles {
  int device = 0;
  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  std::vector<cudaEvent_t> events;  // per-layer timing (time_layers): start and end per op

  ~StreamHandles() {
    cudaSetDevice(device);
    if (stream) cudaStreamSynchronize(stream);
    for (cudaEvent_t e : events) cudaEventDestroy(e);
    if (cudnn) cudnnDestroy(cudnn);
    if (stream) cudaStreamDestroy(stream);
  }
};

struct Head {
  std::string name;
  Shape shape;
  int tensor = -1;
  DeviceBuffer<float> dense;  // accumulated head on the device
  PinnedBuffer<float> host;   // what output() returns
};

class GpuStreamImpl final : public GpuStream {
 public:
  GpuStreamImpl(std::shared_ptr<const CompiledModel> model, ExecMode mode,
                const DeltaSettings& settings);
  ~GpuStreamImpl() override;

  void submit(const float* input) override;
  void submit_frame(const ImageView& frame, const FramePlacement& placement) override;
  void finish() override;
  void reset() override {
    keyframes_.force();
    frames_since_reset_ = 0;
    repeating_ = false;
  }
  void force_keyframe() override { keyframes_.force(); }
  void repeat_as_keyframe() override {
    keyframes_.force();
    repeating_ = frames_since_reset_ > 0;
  }
  void set_mode(ExecMode mode) override {
    if (mode != mode_) keyframes_.force();
    mode_ = mode;
  }
  void set_threshold_scale(float scale) override { settings_.threshold_scale = scale; }
  void set_keyframe_interval(int interval) override { keyframes_.set_interval(interval); }
  bool next_frame_dense() const override { return next_is_keyframe(); }
  void set_input_ignore_mask(const uint8_t* ignore) override {
    check(cudaSetDevice(handles_.device), "set_input_ignore_mask: ", "cudaSetDevice");
    input_->set_ignore_mask(ignore);
  }
  int num_outputs() const override { return int(heads_.size()); }
  const std::string& output_name(int i) const override { return heads_[size_t(i)].name; }
  Shape output_shape(int i) const override { return heads_[size_t(i)].shape; }
  const float* output(int i) const override { return heads_[size_t(i)].host.get(); }
  const FrameStats& stats() const override { return stats_; }

 private:
  bool next_is_keyframe() const { return mode_ == ExecMode::Dense || keyframes_.next_is_keyframe(); }
  void check_layer_thresholds();
  CudaOpContext context(size_t k);
  void choose_conv_forms();
  void choose_tail_plan();
  void record_event(size_t k, bool end);
  // Enqueue a whole frame on the stream (upload, ops, heads, downloads); no synchronisation.
  // keep: a keyframe that re-initialises the delta state (see KeyframePolicy). A dense frame is
  // the same launches every time, so with graphs on it is replayed as one graph too (its host
  // bookkeeping, note_dense_frame, runs either way).
  void enqueue_dense_frame(bool keep);
  void enqueue_dense_launches(bool keep);
  void note_dense_frame(bool keep);
  void enqueue_delta_frame();
  void enqueue_delta_op(size_t k);
  void enqueue_tail();  // accumulates the frontier, then runs the tail per tail_plan_
  // What a delta frame leaves in host-side tail state (also after a replayed graph).
  void after_delta_frame();
  void enqueue_downloads(bool counts);
  // dst (fp32, the tensor's size) = t's values; dst += t's deltas at t's listed pixels.
  void to_fp32(const GpuTensor& t, DeviceBuffer<float>& dst, const std::string& where);
  void accumulate(const GpuTensor& t, DeviceBuffer<float>& dst, const std::string& where);
  void finish_frame(bool keyframe, std::chrono::steady_clock::time_point t0);
  // After staging: upload the input, then enqueue the dense or delta frame.
  void enqueue_frame();
  // Runs one step of a frame; if it throws, waits for what the frame queued (the staging
  // buffer and the maps must be idle before the next frame touches them) and makes the next
  // frame a keyframe: a frame that failed part-way leaves the delta state half updated (flags
  // set on the host for launches that never ran), and only a dense pass rewrites it whole.
  template <typename Step>
  void abandoning_on_failure(Step&& step);
  // The submitted frame finish() completes.
  bool pending_keyframe_ = false;
  std::chrono::steady_clock::time_point pending_t0_;

  std::shared_ptr<const CompiledModel> model_;
  const CudaCompiledModel& cuda_;
  ExecMode mode_;
  DeltaSettings settings_;
  StreamHandles handles_;
  GpuFrame frame_;
  DeviceBuffer<int> counts_;      // one per graph tensor
  PinnedBuffer<int> host_counts_;
  std::vector<GpuTensor> tensors_;
  std::vector<std::unique_ptr<GpuOpState>> states_;
  std::vector<float> base_eps_;
  std::vector<bool> truncates_linear_;
  std::vector<float> last_active_;  // per op, from the last delta frame (conv form choice)
  std::vector<uint8_t> dense_form_;  // per op, this frame: conv runs dense on the delta map
  GraphCache graphs_{16};  // conv-form choices x tail plans (up to 4 per choice)
  std::vector<uint8_t> graph_key_;  // conv forms, tail plan, threshold scale (capacity kept)
  bool use_graphs_ = false;
  bool dense_ran_directly_[2] = {false, false};  // dense frames without / with kept state
  bool launched_graph_ = false;                   // this frame was a graph launch
  int64_t delta_frames_since_keyframe_ = 0;
  DeviceBuffer<uint8_t> workspace_;
  DeviceBuffer<int> compact_scratch_;
  DeviceBuffer<float> sum_scratch_;
  std::unique_ptr<GpuInputStage> input_;
  std::vector<Head> heads_;
  // The dense tail (empty when head_dense_break_even >= 1 or no node qualifies).
  DenseTailNodes tail_;
  std::vector<DeviceBuffer<float>> tail_accumulated_;  // per frontier tensor: full values, fp32
  // The accumulated frontier in the storage type, swapped into the frontier tensors while the
  // tail runs dense (fp32 accumulation, so fp16 storage does not drift the frontier).
  std::vector<DeviceBuffer<uint8_t>> tail_dense_input_;
  bool tail_state_valid_ = false;    // the tail's delta state matches the accumulated frontier
  bool tail_outputs_dense_ = false;  // the tail's outputs hold full values (dense-written)
  float tail_frontier_active_ = 0.f; // largest frontier active fraction, last delta frame
  TailPlan tail_plan_ = TailPlan::Delta;  // this frame's
  FrameStats stats_;
  int64_t frames_since_reset_ = 0;
  bool repeating_ = false;  // the next frame runs the last frame's input again (repeat_as_keyframe)
  bool pending_repeats_ = false;  // the frame in flight is such a repeat (its index does not advance)
  KeyframePolicy keyframes_;  // the same choice of dense frames as the CPU executor
};

GpuStreamImpl::GpuStreamImpl(std::shared_ptr<const CompiledModel> model, ExecMode mode,
                             const DeltaSettings& settings)
    : model_(std::move(model)),
      cuda_(cuda_model_of(*model_)),
      mode_(mode),
      settings_(settings),
      keyframes_(settings.keyframe_interval, settings.keyframe_break_even) {
  const ir::Graph& g = model_->graph();
  const auto& ops = cuda_.cuda_ops();
  check_layer_thresholds();

  handles_.device = cuda_.device_id();
  const std::string where = "stream set-up: ";
  check(cudaSetDevice(handles_.device), where, "cudaSetDevice");
  check(cudaStreamCreateWithFlags(&handles_.stream, cudaStreamNonBlocking), where, "cudaStreamCreate");
  check(cuda::check_cudnn(cudnnCreate(&handles_.cudnn), "cudnnCreate"), where);
  check(cuda::check_cudnn(cudnnSetStream(handles_.cudnn, handles_.stream), "cudnnSetStream"), where);
  if (settings_.time_layers) {
    handles_.events.resize(2 * ops.size(), nullptr);
    for (cudaEvent_t& e : handles_.events) check(cudaEventCreate(&e), where, "cudaEventCreate");
  }

  counts_.allocate(g.tensors.size(), "pixel counts");
  host_counts_.allocate(g.tensors.size(), "pixel counts (host)");
  tensors_.resize(g.tensors.size());
  int64_t max_pixels = 1;
  int max_c = 1;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    tensors_[t].allocate(g.tensors[t].shape, cuda_.storage(), counts_.get() + t, g.tensors[t].name);
    max_pixels = std::max(max_pixels, g.tensors[t].shape.pixels());
    max_c = std::max(max_c, g.tensors[t].shape.c);
  }

  std::vector<bool> is_output(g.tensors.size(), false);
  for (int id : g.outputs) is_output.at(size_t(id)) = true;
  for (const auto& op : ops) {
    StateOptions so;
    so.truncate_linear = settings_.truncate_linear && op->can_truncate_linear() &&
                         !is_output[size_t(op->output())];
    truncates_linear_.push_back(so.truncate_linear);
    states_.push_back(op->make_state(so));
    auto it = settings_.layer_thresholds.find(op->name());
    base_eps_.push_back(it != settings_.layer_thresholds.end() ? it->second
                                                               : settings_.default_threshold);
  }
  last_active_.assign(ops.size(), 0.f);
  dense_form_.assign(ops.size(), 0);
  use_graphs_ = settings_.cuda_graphs && !settings_.time_layers;

  workspace_.allocate(std::max<size_t>(cuda_.workspace_bytes(), 1), "cuDNN workspace");
  compact_scratch_.allocate(size_t(cuda::compact_scratch_ints(max_pixels)), "compaction scratch");
  sum_scratch_.allocate(size_t(cuda::global_sum_scratch_floats(max_c)), "global pool scratch");
  frame_.stream = handles_.stream;
  frame_.cudnn = handles_.cudnn;
  frame_.workspace = workspace_.get();
  frame_.workspace_bytes = workspace_.bytes();
  frame_.compact_scratch = compact_scratch_.get();
  frame_.sum_scratch = sum_scratch_.get();

  input_ = std::make_unique<GpuInputStage>(model_->input_shape(), model_->normalization(),
                                           InputDeltaRule::from(settings_));
  heads_.resize(g.outputs.size());
  for (size_t h = 0; h < g.outputs.size(); ++h) {
    Head& head = heads_[h];
    head.tensor = g.outputs[h];
    head.name = g.tensors.at(size_t(head.tensor)).name;
    head.shape = g.tensors.at(size_t(head.tensor)).shape;
    head.dense.allocate(size_t(head.shape.size()), "output head '" + head.name + "'");
    head.host.allocate(size_t(head.shape.size()), "output head '" + head.name + "' (host)");
  }
  tail_ = select_dense_tail(g, model_->node_macs(), settings_.head_dense_break_even);
  tail_accumulated_.resize(tail_.frontier.size());
  tail_dense_input_.resize(tail_.frontier.size());
  for (size_t j = 0; j < tail_.frontier.size(); ++j) {
    const ir::Tensor& t = g.tensors[size_t(tail_.frontier[j])];
    tail_accumulated_[j].allocate(size_t(t.shape.size()), "dense tail frontier '" + t.name + "'");
    tail_dense_input_[j].allocate(size_t(t.shape.size()) * cuda::storage_bytes(cuda_.storage()),
                                  "dense tail input '" + t.name + "'");
  }
  stats_.backend = to_string(Backend::Cuda);
  stats_.layers.resize(ops.size());
  for (size_t k = 0; k < ops.size(); ++k) {
    stats_.layers[k].name = ops[k]->name();
    stats_.layers[k].op = ops[k]->kind_name();
  }
}

GpuStreamImpl::~GpuStreamImpl() {
  // Buffers are freed by their own destructors after this; make their device current first.
  cudaSetDevice(handles_.device);
  if (handles_.stream) cudaStreamSynchronize(handles_.stream);
}

// Same rules and messages as the CPU executor (executor.cpp).
void GpuStreamImpl::check_layer_thresholds() {
  const auto& ops = cuda_.cuda_ops();
  std::map<std::string, bool> used;
  for (const auto& kv : settings_.layer_thresholds) {
    if (!(kv.second >= 0.f))
      throw Error(ErrorKind::Config, "delta.layer_thresholds." + kv.first + " is " +
                                         std::to_string(kv.second) + "; expected a value >= 0");
    used[kv.first] = false;
  }
  const ir::Graph& g = model_->graph();
  std::vector<bool> is_output(g.tensors.size(), false);
  for (int id : g.outputs) is_output.at(size_t(id)) = true;
  for (const auto& op : ops) {
    auto it = settings_.layer_thresholds.find(op->name());
    if (it == settings_.layer_thresholds.end()) continue;
    const bool truncates = settings_.truncate_linear && op->can_truncate_linear() &&
                           !is_output[size_t(op->output())];
    if (!op->has_threshold() && !truncates)
      throw Error(ErrorKind::Config, "delta.layer_thresholds." + op->name() + ": node '" +
                                         op->name() + "' (" + op->kind_name() +
                                         ") has no nonlinear activation, so it does not truncate; "
                                         "expected the name of a node with an activation (or "
                                         "truncate_linear on)");
    used[op->name()] = true;
  }
  for (const auto& kv : used)
    if (!kv.second)
      throw Error(ErrorKind::Config, "delta.layer_thresholds." + kv.first + ": the model '" +
                                         g.source + "' has no node named '" + kv.first +
                                         "'; expected an ONNX node name of a layer with an activation");
}

CudaOpContext GpuStreamImpl::context(size_t k) {
  CudaOpContext ctx{tensors_, frame_};
  ctx.state = states_[k].get();
  ctx.eps = base_eps_[k] * settings_.threshold_scale;
  ctx.keep_state = mode_ == ExecMode::Delta;
  ctx.truncate_linear = truncates_linear_[k];
  ctx.stat = &stats_.layers[k];
  return ctx;
}

// break-even 0: always the dense form (as the CPU's "fraction > 0"); 1: never. In between, the
// conv's output active fraction of the previous delta frame decides (0 after a keyframe).
void GpuStreamImpl::choose_conv_forms() {
  const auto& ops = cuda_.cuda_ops();
  const float be = settings_.dense_break_even;
  for (size_t k = 0; k < ops.size(); ++k) {
    bool dense = false;
    if (ops[k]->has_dense_form() && be < 1.f) dense = be <= 0.f || last_active_[k] > be;
    dense_form_[k] = dense ? 1 : 0;
    stats_.layers[k].dense = dense;
  }
}

// The CPU's rule (dense_tail_plan.h) on the previous delta frame's frontier fraction (0 after a
// keyframe). Every plan but Skip is exact whatever the frontier did this frame, so a stale
// fraction costs time, never accuracy. Skip is exact only when the frontier did not change this
// frame, which stale counts cannot tell; in its place the tail runs in delta mode (an empty
// frontier delta gives empty outputs: launches sized by capacity that find no work), or, when
// its state is stale, one dense pass that re-initialises it so that later quiet frames are cheap.
void GpuStreamImpl::choose_tail_plan() {
  if (tail_.empty()) return;
  TailPlan plan = dcnn::choose_tail_plan(tail_frontier_active_, settings_.head_dense_break_even,
                                         tail_state_valid_);
  if (plan == TailPlan::Skip) plan = tail_state_valid_ ? TailPlan::Delta : TailPlan::DenseReinit;
  tail_plan_ = plan;
}

void GpuStreamImpl::record_event(size_t k, bool end) {
  if (!handles_.events.empty())
    check(cudaEventRecord(handles_.events[2 * k + (end ? 1 : 0)], handles_.stream), "layer timing: ",
          "cudaEventRecord");
}

// Graph keys start with the kind of frame, so a dense frame's key never equals a delta one's.
constexpr uint8_t kDenseFrameKey = 0, kDeltaFrameKey = 1;

void GpuStreamImpl::enqueue_dense_frame(bool keep) {
  // The first dense frame of each kind runs directly: it loads cuDNN's and our kernels
  // (lazy module loading), which a stream capture must not be the first to do.
  bool& ran_directly = dense_ran_directly_[keep ? 1 : 0];
  if (use_graphs_ && ran_directly) {
    graph_key_.assign({kDenseFrameKey, uint8_t(keep ? 1 : 0)});
    graphs_.launch(graph_key_, handles_.stream, [this, keep] { enqueue_dense_launches(keep); },
                   "dense frame graph: ");
    launched_graph_ = true;
  } else {
    enqueue_dense_launches(keep);
    ran_directly = true;
  }
  note_dense_frame(keep);
}

// Launches only: a replayed graph runs none of this host code.
void GpuStreamImpl::enqueue_dense_launches(bool keep) {
  const auto& ops = cuda_.cuda_ops();
  const ir::Graph& g = model_->graph();
  input_->dense(tensors_[size_t(g.input)], keep, handles_.stream);
  for (size_t k = 0; k < ops.size(); ++k) {
    record_event(k, false);
    CudaOpContext ctx = context(k);
    ctx.keep_state = keep;
    ops[k]->run_dense(ctx);
    record_event(k, true);
  }
  for (Head& h : heads_) to_fp32(tensors_[size_t(h.tensor)], h.dense, "output head '" + h.name + "': ");
  if (keep) {  // the tail's frontier starts from this pass's full values
    for (size_t j = 0; j < tail_.frontier.size(); ++j)
      to_fp32(tensors_[size_t(tail_.frontier[j])], tail_accumulated_[j], "dense tail frontier: ");
  }
  enqueue_downloads(false);
}

// What a dense frame leaves in host-side state, recorded or replayed.
void GpuStreamImpl::note_dense_frame(bool keep) {
  const auto& ops = cuda_.cuda_ops();
  tensors_[size_t(model_->graph().input)].mark_dense_write();
  for (size_t k = 0; k < ops.size(); ++k) {
    tensors_[size_t(ops[k]->output())].mark_dense_write();
    stats_.layers[k].active = stats_.layers[k].computed = 1.f;
    stats_.layers[k].dense = true;
  }
  if (keep) {  // the tail's state is valid and its outputs hold full values
    tail_state_valid_ = true;
    tail_outputs_dense_ = true;
    tail_frontier_active_ = 0.f;
  }
}

void GpuStreamImpl::enqueue_delta_op(size_t k) {
  const auto& ops = cuda_.cuda_ops();
  record_event(k, false);
  GpuTensor& o = tensors_[size_t(ops[k]->output())];
  o.clear_for_write(handles_.stream);
  CudaOpContext ctx = context(k);
  ctx.conv_dense_form = dense_form_[k] != 0;
  ops[k]->run_delta(ctx);
  record_event(k, true);
}

// The frontier tensors hold the accumulated values while the tail runs dense, and their deltas
// again afterwards (also when an op throws).
class FrontierSwap {
 public:
  FrontierSwap(std::vector<GpuTensor>& tensors, const std::vector<int>& frontier,
               std::vector<DeviceBuffer<uint8_t>>& accumulated)
      : tensors_(tensors), frontier_(frontier), accumulated_(accumulated) {
    swap();
  }
  ~FrontierSwap() { swap(); }
  FrontierSwap(const FrontierSwap&) = delete;
  FrontierSwap& operator=(const FrontierSwap&) = delete;

 private:
  void swap() {
    for (size_t j = 0; j < frontier_.size(); ++j)
      tensors_[size_t(frontier_[j])].swap_values(accumulated_[j]);
  }
  std::vector<GpuTensor>& tensors_;
  const std::vector<int>& frontier_;
  std::vector<DeviceBuffer<uint8_t>>& accumulated_;
};

// The tail's nodes read only frontier tensors and each other (dense_tail_plan.h), so they run
// after every other node, on this frame's frontier.
void GpuStreamImpl::enqueue_tail() {
  const auto& ops = cuda_.cuda_ops();
  for (size_t j = 0; j < tail_.frontier.size(); ++j)
    accumulate(tensors_[size_t(tail_.frontier[j])], tail_accumulated_[j],
               "dense tail frontier '" + model_->graph().tensors[size_t(tail_.frontier[j])].name + "': ");
  if (!runs_dense(tail_plan_)) {
    for (size_t k : tail_.nodes) enqueue_delta_op(k);
    return;
  }
  // Dense on the accumulated frontier (in the storage type); DenseReinit also re-initialises the
  // tail's delta state.
  for (size_t j = 0; j < tail_.frontier.size(); ++j)
    with_storage(cuda_.storage(), [&](auto zero) {
      using T = decltype(zero);
      check(cuda::check_cuda(cuda::convert(tail_accumulated_[j].get(),
                                           reinterpret_cast<T*>(tail_dense_input_[j].get()),
                                           int64_t(tail_accumulated_[j].size()), handles_.stream),
                             "convert"),
            "dense tail input: ");
    });
  FrontierSwap swapped(tensors_, tail_.frontier, tail_dense_input_);
  for (size_t k : tail_.nodes) {
    record_event(k, false);
    CudaOpContext ctx = context(k);
    ctx.keep_state = tail_plan_ == TailPlan::DenseReinit;
    ops[k]->run_dense(ctx);
    tensors_[size_t(ops[k]->output())].mark_dense_write();
    record_event(k, true);
  }
}

void GpuStreamImpl::after_delta_frame() {
  if (tail_.empty()) return;
  const bool dense = runs_dense(tail_plan_);
  for (int t : tail_.produced) tensors_[size_t(t)].restore_dense_written(dense);
  tail_outputs_dense_ = dense;
  if (dense) tail_state_valid_ = tail_plan_ == TailPlan::DenseReinit;
}

void GpuStreamImpl::enqueue_delta_frame() {
  const auto& ops = cuda_.cuda_ops();
  const ir::Graph& g = model_->graph();
  GpuTensor& in = tensors_[size_t(g.input)];
  in.clear_for_write(handles_.stream);
  input_->delta(in, frame_.compact_scratch, handles_.stream);
  for (size_t k = 0; k < ops.size(); ++k)
    if (!tail_.in_tail[k]) enqueue_delta_op(k);
  if (!tail_.empty()) enqueue_tail();
  const bool tail_dense = !tail_.empty() && runs_dense(tail_plan_);
  for (Head& h : heads_) {
    const GpuTensor& t = tensors_[size_t(h.tensor)];
    if (tail_dense && tail_.produces(h.tensor)) {  // full values: the head takes them as they are
      to_fp32(t, h.dense, "output head '" + h.name + "' (dense tail): ");
      continue;
    }
    accumulate(t, h.dense, "output head '" + h.name + "': ");
  }
  enqueue_downloads(true);
}

void GpuStreamImpl::to_fp32(const GpuTensor& t, DeviceBuffer<float>& dst, const std::string& where) {
  with_storage(t.storage(), [&](auto zero) {
    using T = decltype(zero);
    check(cuda::check_cuda(cuda::convert(t.values<T>(), dst.get(), int64_t(dst.size()), handles_.stream),
                           "convert"),
          where);
  });
}

void GpuStreamImpl::accumulate(const GpuTensor& t, DeviceBuffer<float>& dst, const std::string& where) {
  with_storage(t.storage(), [&](auto zero) {
    using T = decltype(zero);
    check(cuda::check_cuda(cuda::accumulate_pixels(dst.get(), t.values<T>(), t.list(), t.count(),
                                                   t.pixels(), t.channels(), handles_.stream),
                           "accumulate_pixels"),
          where);
  });
}

// Heads to their pinned host copies; in delta frames every tensor's count in one copy.
void GpuStreamImpl::enqueue_downloads(bool counts) {
  cudaStream_t s = handles_.stream;
  for (Head& h : heads_)
    check(cudaMemcpyAsync(h.host.get(), h.dense.get(), h.dense.bytes(), cudaMemcpyDeviceToHost, s),
          "output head '" + h.name + "': ", "cudaMemcpyAsync (head download)");
  if (counts)
    check(cudaMemcpyAsync(host_counts_.get(), counts_.get(), counts_.bytes(), cudaMemcpyDeviceToHost, s),
          "frame end: ", "cudaMemcpyAsync (pixel counts)");
}

template <typename Step>
void GpuStreamImpl::abandoning_on_failure(Step&& step) {
  try {
    step();
  } catch (...) {
    // The frame's own error is the one to report; this wait's result is not.
    (void) cudaStreamSynchronize(handles_.stream);
    keyframes_.force();
    throw;
  }
}

void GpuStreamImpl::submit(const float* input) {
  pending_t0_ = std::chrono::steady_clock::now();
  pending_repeats_ = std::exchange(repeating_, false);  // taken even if this frame fails
  check(cudaSetDevice(handles_.device), "run: ", "cudaSetDevice");
  abandoning_on_failure([&] {
    input_->stage(input);
    enqueue_frame();
  });
}

void GpuStreamImpl::submit_frame(const ImageView& frame, const FramePlacement& placement) {
  pending_t0_ = std::chrono::steady_clock::now();
  pending_repeats_ = std::exchange(repeating_, false);  // taken even if this frame fails
  check(cudaSetDevice(handles_.device), "run: ", "cudaSetDevice");
  abandoning_on_failure([&] {
    input_->stage_frame(frame, placement);
    enqueue_frame();
  });
}

void GpuStreamImpl::enqueue_frame() {
  const bool keyframe = pending_keyframe_ = next_is_keyframe();
  launched_graph_ = false;
  // The input is uploaded (and a frame converted) ahead of the recorded graphs: its size and
  // kind may change from frame to frame, the graphs' launches do not.
  input_->enqueue_input(handles_.stream);
  if (keyframe) {
    enqueue_dense_frame(mode_ == ExecMode::Delta && keyframes_.keeps_state());
    delta_frames_since_keyframe_ = 0;
    std::fill(last_active_.begin(), last_active_.end(), 0.f);
  } else {
    choose_conv_forms();
    choose_tail_plan();
    // The first delta frame after a dense pass clears whole maps (different launches), so it
    // runs directly; later frames replay the graph recorded for this frame's choices. The tail's
    // outputs are cleared whole after a dense tail pass too: that flag is part of the key.
    if (use_graphs_ && delta_frames_since_keyframe_ > 0) {
      graph_key_.assign(1, kDeltaFrameKey);
      graph_key_.insert(graph_key_.end(), dense_form_.begin(), dense_form_.end());
      graph_key_.push_back(uint8_t(tail_plan_));
      // Only a delta-mode tail clears its outputs (a dense one overwrites them).
      graph_key_.push_back(tail_plan_ == TailPlan::Delta && tail_outputs_dense_ ? 1 : 0);
      // Zone masks add launches to the input stage.
      graph_key_.push_back(input_->has_ignore_mask() ? 1 : 0);
      const uint8_t* scale = reinterpret_cast<const uint8_t*>(&settings_.threshold_scale);
      graph_key_.insert(graph_key_.end(), scale, scale + sizeof(float));
      graphs_.launch(graph_key_, handles_.stream, [this] { enqueue_delta_frame(); }, "delta frame graph: ");
      launched_graph_ = true;
    } else {
      enqueue_delta_frame();
    }
    after_delta_frame();
    delta_frames_since_keyframe_++;
  }
}

void GpuStreamImpl::finish() {
  abandoning_on_failure([&] { finish_frame(pending_keyframe_, pending_t0_); });
}

void GpuStreamImpl::finish_frame(bool keyframe, std::chrono::steady_clock::time_point t0) {
  const auto& ops = cuda_.cuda_ops();
  cudaStream_t s = handles_.stream;
  // Kernel execution errors are asynchronous: they surface here without the layer that caused
  // them; CUDA_LAUNCH_BLOCKING=1 makes the failing launch's own check report it instead.
  check(cudaStreamSynchronize(s),
        "frame " + std::to_string(frames_since_reset_) +
            " (an asynchronous kernel failure; rerun with CUDA_LAUNCH_BLOCKING=1 to name the layer): ",
        "cudaStreamSynchronize");

  const ir::Graph& g = model_->graph();
  if (!keyframe) {
    const bool tail_dense = runs_dense(tail_plan_);
    for (size_t k = 0; k < ops.size(); ++k) {
      if (tail_dense && tail_.in_tail[k]) {  // ran dense: its count is stale, as on the CPU
        stats_.layers[k].active = stats_.layers[k].computed = 1.f;
        stats_.layers[k].dense = true;
        continue;
      }
      const GpuTensor& t = tensors_[size_t(ops[k]->output())];
      const float active = float(host_counts_.get()[ops[k]->output()]) / float(t.pixels());
      stats_.layers[k].active = stats_.layers[k].computed = active;
      last_active_[k] = active;
    }
    tail_frontier_active_ = 0.f;
    for (int t : tail_.frontier)
      tail_frontier_active_ = std::max(tail_frontier_active_, float(host_counts_.get()[t]) /
                                                                  float(tensors_[size_t(t)].pixels()));
  }
  if (settings_.time_layers) {
    for (size_t k = 0; k < ops.size(); ++k) {
      float ms = 0.f;
      check(cudaEventElapsedTime(&ms, handles_.events[2 * k], handles_.events[2 * k + 1]),
            "layer timing: ", "cudaEventElapsedTime");
      stats_.layers[k].ms = ms;
    }
  } else {
    for (auto& l : stats_.layers) l.ms = 0.0;
  }
  stats_.infer_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  stats_.frame_index = pending_repeats_ ? frames_since_reset_ - 1 : frames_since_reset_++;
  stats_.keyframe = keyframe;
  stats_.graphs_recorded = int64_t(graphs_.recorded());
  stats_.graph_nodes = launched_graph_ ? int64_t(graphs_.last_nodes()) : 0;
  stats_.mode = mode_ == ExecMode::Delta ? "delta" : "dense";
  const GpuTensor& in = tensors_[size_t(g.input)];
  stats_.input_active = keyframe ? 1.f : float(host_counts_.get()[g.input]) / float(in.pixels());
  // Mean active fraction, weighted by the cost of each layer (its dense MACs), as on the CPU.
  double weighted = 0.0, total = 0.0;
  for (size_t k = 0; k < ops.size(); ++k) {
    const double w = double(ops[k]->macs());
    weighted += w * stats_.layers[k].active;
    total += w;
  }
  stats_.mean_active = total > 0.0 ? float(weighted / total) : (keyframe ? 1.f : stats_.input_active);
  keyframes_.after_frame(keyframe, stats_.mean_active);
}

}  // namespace

std::unique_ptr<GpuStream> make_gpu_stream(std::shared_ptr<const CompiledModel> model,
                                           ExecMode mode, const DeltaSettings& settings) {
  return std::make_unique<GpuStreamImpl>(std::move(model), mode, settings);
}

}  // namespace dcnn::cuda_exec
