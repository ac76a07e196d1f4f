// One stream: every per-stream buffer (tensor deltas, masks, active lists, op states, input
// reference, dense heads) is allocated here once, so steady-state frames allocate nothing.
#include "engine/exec/executor.h"

#include <algorithm>
#include <exception>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <utility>

#include "engine/core/error.h"
#include "engine/core/memory_budget.h"
#include "engine/exec/buffer_plan.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/cuda_backend.h"
#include "engine/exec/dense_tail.h"
#include "engine/exec/inert_thresholds.h"
#include "engine/exec/keyframe_policy.h"
#include "engine/exec/ops/input_stage.h"
#include "engine/exec/ops/output_densify.h"

namespace dcnn {

struct Executor::Impl {
  std::shared_ptr<const CompiledModel> model;
  std::unique_ptr<cuda_exec::GpuStream> gpu;  // Backend::Cuda: the stream runs there
  ExecMode mode = ExecMode::Delta;
  DeltaSettings settings;
  std::vector<TensorBuffer> tensors;
  // Every tensor's values shared by lifetime (buffer_plan.h): the tensors of a dense stream, and
  // in a delta stream with the busy-scene rule on, the tensors of the dense frames that keep no
  // state. Those run in the arena, hot in cache, instead of through the per-tensor buffers
  // spread over the whole delta state: measured 10-15 % faster on CenterNet's busy frames.
  // The arena lives in the workspace of the runner the frame runs on (cpu_frame_runner.h),
  // shared with the model's other streams; nothing in it outlives a frame.
  std::vector<TensorBuffer> arena_tensors;  // delta streams: views into the arena
  std::vector<TensorBuffer>* arena_views = nullptr;  // tensors (dense streams) or arena_tensors
  std::vector<size_t> arena_offsets;                 // per tensor, BufferPlan::kUnused if none
  size_t arena_floats = 0;
  // Floats of workspace a frame needs: the arena and the recompute scratch (they share it).
  size_t workspace_floats = 1;
  float* workspace = nullptr;  // the workspace the views point into (null: none yet)
  bool scratch_in_workspace = false;  // the recompute scratch (map_scratch) is the workspace's start
  // Points the arena views, the recompute scratch and the unstored tensors at `base` (a
  // workspace of at least workspace_floats) when it is not where they point already.
  void bind_workspace(float* base);
  // The output heads: for dense streams and the propagate form; none in recompute delta streams.
  void allocate_heads(ExecMode for_mode);
  std::vector<bool> unstored_now;  // unstored_tensors(mode, false) of the current allocation
  std::vector<std::unique_ptr<OpState>> states;
  std::vector<float> base_eps;  // per op, before threshold_scale
  // delta.path_choice: measured (recompute form): per op, the measured cost of its two forms.
  std::vector<LayerPathCost> path_costs;
  bool measures_paths() const { return !path_costs.empty(); }
  std::vector<bool> truncates_linear;  // per op: runs an identity truncation step
  std::unique_ptr<InputStage> input;
  std::vector<OutputDensify> heads;
  std::unique_ptr<DenseTail> tail;  // delta mode: the output heads' dense path
  std::vector<std::string> head_names;
  std::vector<std::string> warnings;  // Executor::warnings
  std::map<std::string, std::string> threshold_owners;  // Executor::threshold_owner, where not itself
  AlignedBuffer<uint8_t> mask_scratch;
  AlignedBuffer<double> sum_scratch;
  // DeltaForm::Recompute: where ops compute candidates (and dense fallbacks) before they fire.
  // Recompute frames and the arena's dense frames never overlap, so it starts where the arena
  // does, in the workspace.
  size_t map_scratch_floats = 0;
  // The stream's buffers, counted against the next streams' memory budget until the first
  // frame has written them (they are mappings that become resident as they are written).
  PendingStreamBytes pending_bytes;
  float* map_scratch = nullptr;
  // Pairs whose consumer computes the producer's output (Op::can_compute_input_from): per op,
  // the producer it computes its input 0 from (always the op just before it). Recompute passes
  // run every pair fused, so that tensor has no stored map; dense passes that run a pair apart
  // put it in map_scratch (delta streams) or the arena (dense streams).
  std::vector<const Op*> input_producer;
  // Chains of three (Op::can_compute_input_from_chain, Op::can_compute_input_from_pair): per
  // op, the op two before it, whose output its producer would read; the producer then has that
  // op as its input_producer, so neither inner tensor is held. Chains run fused in every pass;
  // whole blocks (from_pair) only in recompute passes: their dense passes put the two inner
  // tensors at unstored_offset in the scratch.
  std::vector<const Op*> chain_head;
  // Per tensor without a map in recompute passes: where a dense pass that runs its pair apart
  // puts it, in floats from the scratch's start (0 but for the inner tensors of whole blocks,
  // which sit after the block output's dense form: ConvOp::run_block_dense).
  std::vector<size_t> unstored_offset;
  // Whether op k's output is such a tensor.
  bool output_unstored(size_t k) const { return k + 1 < input_producer.size() && input_producer[k + 1]; }
  // Per op: it has an input_producer and its dense passes run the pair fused as well
  // (Op::fuses_dense_pass_with); the other pairs run apart in dense passes.
  std::vector<bool> dense_fused;
  // Ops that fire the sum after them in recompute passes (Op::can_fire_residual_sum: a block's
  // projection and its residual add, the FPN's upsampling and its lateral sum): per op, the
  // add's index (always the next op) or -1, and the add's other operand. The op's output then
  // has no map (dense passes put it at unstored_offset in the scratch, and the add runs apart
  // there) and the add has no pass of its own in recompute passes.
  std::vector<int> residual_add;
  std::vector<int> residual_tensor;
  void plan_residual_adds();
  // Whether op k's output is computed by the op before it (an add that op fires).
  bool computed_by_previous(size_t k) const { return k > 0 && residual_add[k - 1] == int(k); }
  // Executor::set_queried_outputs: per output, whether it is computed at the cells asked for
  // only (in recompute delta frames); per op, whether such frames skip it (the output's op and
  // the pair or chain inside it); whether the last frame did (else the output maps are whole).
  std::vector<bool> queried_output;
  std::vector<bool> queried_op;
  bool queried_skipped = false;
  // The op writing output i.
  size_t output_op(int i) const;
  // Per tensor: how many op inputs and graph outputs read it.
  std::vector<int> tensor_readers() const;
  FrameStats stats;
  int64_t frames_since_reset = 0;
  bool repeating = false;  // the next frame runs the last frame's input again (repeat_as_keyframe)
  KeyframePolicy keyframes{0, 1.f};  // set from settings in the constructor
  bool in_flight = false;            // submitted, not yet finished (CUDA only)

  void finish_pending() {
    if (in_flight) {
      in_flight = false;  // a frame whose finish throws is over all the same
      gpu->finish();
    }
  }
  void require_finished(const char* what) const {
    if (in_flight)
      throw Error(ErrorKind::Internal, std::string("Executor::") + what +
                                           ": a frame is in flight; call finish() first (the GPU may "
                                           "still be writing the outputs and stats)");
  }
  // `repeats`: the frame is the last one again (repeat_as_keyframe): its index does not advance.
  void run_cpu_frame(const float* frame, bool repeats);
  // (Re)allocates tensors and op states for `mode`: one buffer per tensor plus the delta state in
  // delta mode; lifetime-shared values and no delta state in dense mode.
  void allocate_for(ExecMode mode);
  // allocate_for after checking the planned bytes against memory_budget(); a shortfall or a
  // std::bad_alloc becomes an Error(Memory) naming the model, input size, mode and bytes.
  void allocate_checked(ExecMode mode);
  // The bytes allocate_for(mode) takes, after checking them against memory_budget(): a
  // shortfall (or running out while planning) is an Error(Memory), and nothing has changed.
  size_t checked_need(ExecMode for_mode) const;
  // A running stream's buffers for another mode (Executor::set_mode). Refused with nothing
  // changed when they do not fit; when the allocation fails part-way the buffers of the mode it
  // runs are allocated again and Error(Memory) follows; when that fails too the stream is
  // unusable (every frame an Error(Internal)) and so is this call's error.
  void reallocate_for(ExecMode to);
  bool unusable = false;  // a failed mode change left no buffers (reallocate_for)
  // "model '...' at WxH, a delta stream": how out-of-memory errors name what ran out.
  std::string stream_description(ExecMode for_mode) const;
  // Error(Memory): the stream's description, `what` happened, and what would help.
  Error out_of_memory(ExecMode for_mode, const std::string& what) const {
    return Error(ErrorKind::Memory, stream_description(for_mode) + what +
                                        "; expected a smaller input size, mode dense, or more memory");
  }
  // Bytes allocate_for(mode) will take for tensor storage (a lower bound in the propagate form,
  // whose op states come on top).
  size_t planned_bytes(ExecMode mode) const;
  // What a workspace of `workspace_bytes` adds to what the model's runners hold already.
  size_t new_workspace_bytes(size_t workspace_bytes) const;
  BufferPlan arena_plan(ExecMode for_mode) const;

  bool next_is_keyframe() const { return mode == ExecMode::Dense || keyframes.next_is_keyframe(); }
  void run_dense(const float* x, bool keep);
  void run_delta(const float* x);
  void run_recompute(const float* x);
  // Delta frames keep full maps per tensor instead of acc/res (DeltaForm::Recompute).
  bool recomputes() const { return settings.form == DeltaForm::Recompute; }
  // Recompute form, delta mode: the output tensors' maps are the heads (allocate_heads).
  bool outputs_in_maps() const { return mode == ExecMode::Delta && recomputes(); }
  // Which tensors the stream never holds (output_unstored / input_producer): computed by their
  // consumer, in dense passes and in recompute passes (fuses()).
  void plan_unstored_tensors();
  // Whether passes of `for_mode` run those pairs fused: not in the propagate form's delta
  // passes, whose keyframes must leave every tensor's accumulators behind.
  bool fuses(ExecMode for_mode) const { return for_mode == ExecMode::Dense || recomputes(); }
  // Per tensor: written by a producer whose consumer computes it, in passes of `for_mode`;
  // dense_only: only the pairs whose dense passes run fused.
  std::vector<bool> unstored_tensors(ExecMode for_mode, bool dense_only) const;
  // Attaches `views` to a fresh arena holding every tensor of a dense pass of a `for_mode`
  // stream.
  void plan_arena(std::vector<TensorBuffer>& views, ExecMode for_mode);
  void run_delta_op(size_t k);
  bool run_tail(DenseTail::Plan plan);
  OpContext context(size_t k) { return context(k, tensors); }
  OpContext context(size_t k, std::vector<TensorBuffer>& on);
};

namespace {

void validate_settings(const DeltaSettings& s) {
  auto bad = [](const std::string& key, const std::string& value, const std::string& expected) {
    return Error(ErrorKind::Config, "delta setting '" + key + "' is " + value + "; expected " + expected);
  };
  if (!(s.input_threshold >= 0.f)) throw bad("input_threshold", std::to_string(s.input_threshold), "a value >= 0");
  if (s.input_dilation < 0) throw bad("input_dilation", std::to_string(s.input_dilation), "0 or more pixels");
  if (s.input_block < 0) throw bad("input_block", std::to_string(s.input_block), "0 (off) or a tile size in pixels");
  if (!(s.input_block_threshold >= 0.f))
    throw bad("input_block_threshold", std::to_string(s.input_block_threshold), "a value >= 0");
  if (!(s.head_dense_break_even >= 0.f))
    throw bad("head_dense_break_even", std::to_string(s.head_dense_break_even), "a fraction >= 0 (1 = never)");
  if (!(s.default_threshold >= 0.f)) throw bad("threshold", std::to_string(s.default_threshold), "a value >= 0");
  if (!(s.threshold_scale >= 0.f)) throw bad("threshold_scale", std::to_string(s.threshold_scale), "a value >= 0");
  if (s.keyframe_interval < 0) throw bad("keyframe_interval", std::to_string(s.keyframe_interval), "0 (never) or a frame count");
  if (!(s.keyframe_break_even >= 0.f))
    throw bad("keyframe_break_even", std::to_string(s.keyframe_break_even), "a fraction >= 0 (1 = never)");
  if (!(s.dense_break_even >= 0.f && s.dense_break_even <= 1.f))
    throw bad("dense_break_even", std::to_string(s.dense_break_even), "a fraction in [0, 1]");
}

}  // namespace

Executor::Executor(std::shared_ptr<const CompiledModel> model, ExecMode mode, DeltaSettings settings)
    : impl_(std::make_unique<Impl>()) {
  if (!model) throw Error(ErrorKind::Internal, "Executor created without a compiled model");
  validate_settings(settings);
  Impl& m = *impl_;
  m.model = std::move(model);
  m.mode = mode;
  m.settings = std::move(settings);
  m.keyframes = KeyframePolicy(m.settings.keyframe_interval, m.settings.keyframe_break_even);
  if (m.model->backend() == Backend::Cuda && m.settings.input_phase_tolerant)
    throw Error(ErrorKind::Unsupported, "the phase-tolerant input test (stabilize: shift) runs on the CPU "
                                        "backend only; expected backend 'cpu' or stabilize.shift off");
  if (m.model->backend() == Backend::Cuda) {
    // A CUDA model exists only if its backend was loaded, so this cannot fail here.
    std::string why;
    const cuda_exec::CudaBackendApi* cuda = cuda_exec::cuda_backend(&why);
    if (!cuda) throw Error(ErrorKind::Internal, "a CUDA model without a CUDA backend: " + why);
    m.gpu = cuda->make_stream(m.model, mode, m.settings);
    return;
  }
  const ir::Graph& g = m.model->graph();
  const auto& ops = m.model->ops();
  size_t scratch = 0;
  int max_c = 1;
  std::map<std::string, bool> used;
  for (const auto& kv : m.settings.layer_thresholds) {
    if (!(kv.second >= 0.f))
      throw Error(ErrorKind::Config, "delta.layer_thresholds." + kv.first + " is " +
                                         std::to_string(kv.second) + "; expected a value >= 0");
    used[kv.first] = false;
  }
  std::vector<bool> is_output(g.tensors.size(), false);
  for (int id : g.outputs) is_output.at(size_t(id)) = true;
  for (const auto& op : ops) {
    m.truncates_linear.push_back(m.settings.truncate_linear && op->can_truncate_linear() &&
                                 !is_output[size_t(op->output())]);
    scratch = std::max(scratch, op->mask_scratch_bytes());
    max_c = std::max(max_c, op->output_shape().c);
    float eps = m.settings.default_threshold;
    auto it = m.settings.layer_thresholds.find(op->name());
    if (it != m.settings.layer_thresholds.end()) {
      if (!op->has_threshold() && !m.truncates_linear.back())
        throw Error(ErrorKind::Config, "delta.layer_thresholds." + op->name() + ": node '" +
                                           op->name() + "' (" + op->kind_name() +
                                           ") has no nonlinear activation, so it does not truncate; "
                                           "expected the name of a node with an activation (or "
                                           "truncate_linear on)");
      eps = it->second;
      used[op->name()] = true;
    }
    m.base_eps.push_back(eps);
  }
  for (const auto& kv : used)
    if (!kv.second)
      throw Error(ErrorKind::Config, "delta.layer_thresholds." + kv.first + ": the model '" +
                                         g.source + "' has no node named '" + kv.first +
                                         "'; expected an ONNX node name of a layer with an activation");
  m.plan_unstored_tensors();
  m.plan_residual_adds();
  if (m.recomputes()) {
    std::string missing;
    size_t map_floats = 0;
    for (size_t k = 0; k < ops.size(); ++k) {
      const Op& op = *ops[k];
      // A producer whose consumer computes its output never falls back to a dense pass; the
      // scratch holds its output only in dense passes that run the pair apart.
      if (!m.output_unstored(k))
        map_floats = std::max(map_floats, op.recompute_scratch_floats());
      // An output without a map that dense passes write into the scratch: a pair run apart there,
      // or an op that fires the sum after it in recompute passes.
      if (m.residual_add[k] >= 0 || (m.output_unstored(k) && !m.dense_fused[k + 1]))
        map_floats = std::max(map_floats, m.unstored_offset[size_t(op.output())] + size_t(op.output_shape().size()));
      // The dense form of a pair whose dense passes run apart holds the expanded tensor after
      // the output (ConvOp::run_pair_dense), a whole block's both inner tensors.
      if (m.input_producer[k] && !m.dense_fused[k]) {
        size_t floats = size_t(op.output_shape().size() + ops[k - 1]->output_shape().size());
        if (m.chain_head[k] && !m.dense_fused[k - 1]) floats += size_t(ops[k - 2]->output_shape().size());
        map_floats = std::max(map_floats, floats);
      }
      if (!op.can_recompute()) missing += (missing.empty() ? "" : ", ") + op.name() + " (" + op.kind_name() + ")";
    }
    if (!missing.empty())
      throw Error(ErrorKind::Config, "delta.form is recompute, but these nodes of '" + g.source +
                                         "' have no recompute form yet: " + missing +
                                         "; expected delta.form: propagate for this model");
    m.map_scratch_floats = std::max<size_t>(map_floats, 1);
    if (m.settings.measured_path_choice) m.path_costs.assign(ops.size(), LayerPathCost{});
  }
  m.allocate_checked(m.mode);
  m.mask_scratch.resize(std::max<size_t>(scratch, 1));
  m.sum_scratch.resize(size_t(max_c));

  m.input = std::make_unique<InputStage>(m.model->input_shape(), m.model->normalization(),
                                         InputDeltaRule::from(m.settings));
  for (int id : g.outputs) m.head_names.push_back(g.tensors.at(size_t(id)).name);
  m.tail = std::make_unique<DenseTail>(*m.model, m.settings.head_dense_break_even);
  m.stats.backend = to_string(m.model->backend());
  m.stats.layers.resize(ops.size());
  m.queried_output.assign(g.outputs.size(), false);
  m.queried_op.assign(ops.size(), false);
  for (size_t k = 0; k < ops.size(); ++k) {
    m.stats.layers[k].name = ops[k]->name();
    m.stats.layers[k].op = ops[k]->kind_name();
  }
  if (m.recomputes()) {
    // Delta frames fuse what plan_unstored_tensors paired: say so in the stats, whose per-layer
    // times then book a pair's first conv under its second.
    for (size_t k = 0; k < ops.size(); ++k) {
      if (m.input_producer[k]) m.stats.layers[k - 1].computed_in = int(k);
      if (m.chain_head[k]) m.stats.layers[k - 2].computed_in = int(k);
      if (m.residual_add[k] >= 0) m.stats.layers[size_t(m.residual_add[k])].computed_in = int(k);
    }
    // Each node's unit fires with the threshold of the tensor it writes: the residual sum's
    // where the unit fires one, else its last node's.
    std::vector<std::string> names;
    std::vector<int> governing;
    for (size_t k = 0; k < ops.size(); ++k) {
      int unit = int(k);
      for (size_t hops = 0; m.stats.layers[size_t(unit)].computed_in >= 0 && hops < ops.size(); ++hops)
        unit = m.stats.layers[size_t(unit)].computed_in;
      const int fired = m.residual_add[size_t(unit)];
      names.push_back(ops[k]->name());
      governing.push_back(fired >= 0 ? fired : unit);
    }
    m.warnings = inert_threshold_warnings(names, governing, m.base_eps, m.settings.layer_thresholds);
    for (size_t k = 0; k < names.size(); ++k)
      if (governing[k] != int(k)) m.threshold_owners[names[k]] = names[size_t(governing[k])];
  }
}

Executor::~Executor() = default;

void Executor::Impl::allocate_for(ExecMode for_mode) {
  const ir::Graph& g = model->graph();
  const auto& ops = model->ops();
  states.clear();
  for (size_t k = 0; k < ops.size(); ++k) {
    StateOptions so;
    so.truncate_linear = truncates_linear[k];
    // Recompute keeps its state in the tensors' own maps: the ops need none.
    so.keeps_state = for_mode == ExecMode::Delta && !recomputes();
    states.push_back(ops[k]->make_state(so));
  }
  tensors.clear();
  arena_tensors.clear();
  arena_views = nullptr;
  arena_offsets.clear();
  arena_floats = 0;
  workspace = nullptr;
  map_scratch = nullptr;
  tensors.resize(g.tensors.size());
  unstored_now.assign(g.tensors.size(), false);
  if (for_mode == ExecMode::Dense) {
    plan_arena(tensors, for_mode);
  } else {
    unstored_now = unstored_tensors(for_mode, false);
    for (size_t t = 0; t < g.tensors.size(); ++t)
      if (!unstored_now[t]) tensors[t].allocate(g.tensors[t].shape);
    if (settings.keyframe_break_even < 1.f) plan_arena(arena_tensors, for_mode);  // busy runs are possible
    // Dense passes of the pairs that run apart there (keyframes) write the inner tensor into the
    // scratch, which a dense pass uses for nothing else, and the consumer reads it right away
    // (the pair is adjacent in the op order, so two such tensors never meet in it).
    for (size_t t = 0; t < g.tensors.size(); ++t)
      if (unstored_now[t]) tensors[t].allocate_unstored(g.tensors[t].shape, nullptr);
  }
  allocate_heads(for_mode);
  scratch_in_workspace = recomputes() && for_mode == ExecMode::Delta;
  workspace_floats = std::max<size_t>({arena_floats, scratch_in_workspace ? map_scratch_floats : 0, 1});
}

void Executor::Impl::allocate_heads(ExecMode for_mode) {
  heads.clear();
  // A recompute delta stream reads its outputs from the output tensors' maps (run_dense).
  if (for_mode == ExecMode::Delta && recomputes()) return;
  for (int id : model->graph().outputs) heads.emplace_back(model->graph().tensors.at(size_t(id)).shape);
}

void Executor::Impl::bind_workspace(float* base) {
  if (base == workspace) return;
  const ir::Graph& g = model->graph();
  if (arena_views)
    for (size_t t = 0; t < arena_offsets.size(); ++t)
      if (arena_offsets[t] != BufferPlan::kUnused) (*arena_views)[t].attach_dense(g.tensors[t].shape, base + arena_offsets[t]);
  if (scratch_in_workspace) {
    map_scratch = base;
    for (size_t t = 0; t < unstored_now.size(); ++t)
      if (unstored_now[t]) tensors[t].rebind_unstored(base + unstored_offset[t]);
  }
  workspace = base;
}

std::vector<bool> Executor::Impl::unstored_tensors(ExecMode for_mode, bool dense_only) const {
  std::vector<bool> unstored(model->graph().tensors.size(), false);
  if (!fuses(for_mode)) return unstored;
  const auto& ops = model->ops();
  for (size_t k = 0; k < ops.size(); ++k)
    if ((output_unstored(k) && (!dense_only || dense_fused[k + 1])) || (!dense_only && residual_add[k] >= 0))
      unstored[size_t(ops[k]->output())] = true;
  return unstored;
}

void Executor::Impl::plan_unstored_tensors() {
  const ir::Graph& g = model->graph();
  const auto& ops = model->ops();
  input_producer.assign(ops.size(), nullptr);
  chain_head.assign(ops.size(), nullptr);
  dense_fused.assign(ops.size(), false);
  unstored_offset.assign(g.tensors.size(), 0);
  // DELTACNN_CPU_FUSE_EXPAND=0: every tensor is held and every op runs on its own (the ablation
  // of docs/cpu-engine.md).
  if (const char* v = std::getenv("DELTACNN_CPU_FUSE_EXPAND"); v && std::string(v) == "0") return;
  const std::vector<int> readers = tensor_readers();
  // Whether op k reads only op k - 1's output and nothing else reads it: what every pair and
  // chain link needs.
  auto sole_reader_of_previous = [&](size_t k) {
    const int t = ops[k - 1]->output();
    return ops[k]->inputs().size() == 1 && ops[k]->inputs()[0] == t && readers[size_t(t)] == 1 && t != g.input;
  };
  for (size_t k = 1; k < ops.size(); ++k) {
    const Op& producer = *ops[k - 1];
    const Op& consumer = *ops[k];
    if (sole_reader_of_previous(k) && !input_producer[k - 1] && consumer.can_compute_input_from(producer)) {
      input_producer[k] = &producer;
      dense_fused[k] = consumer.fuses_dense_pass_with(producer);
    }
  }
  // A pair whose first op's input is written by the op before it, read by nothing else.
  // DELTACNN_CPU_CHAINS=0: pairs only (the ablation of docs/cpu-engine.md section 9).
  if (const char* v = std::getenv("DELTACNN_CPU_CHAINS"); v && std::string(v) == "0") return;
  for (size_t k = 2; k < ops.size(); ++k) {
    if (!input_producer[k] || input_producer[k - 1] || input_producer[k - 2]) continue;
    const Op& head = *ops[k - 2];
    const Op& producer = *ops[k - 1];
    if (sole_reader_of_previous(k - 1) && ops[k]->can_compute_input_from_chain(head, producer)) {
      input_producer[k - 1] = &head;
      chain_head[k] = &head;
      dense_fused[k - 1] = dense_fused[k] = true;
    }
  }
  // Whole blocks (Op::can_compute_input_from_pair): a pair that no chain took, whose output
  // only the next op reads. DELTACNN_CPU_BLOCKS=0 leaves them pairs (the ablation of
  // docs/cpu-engine.md section 13).
  const char* blocks = std::getenv("DELTACNN_CPU_BLOCKS");
  if (!(blocks && std::string(blocks) == "0"))
    for (size_t k = 2; k < ops.size(); ++k) {
      if (!input_producer[k - 1] || chain_head[k - 1] || input_producer[k] || input_producer[k - 2]) continue;
      if (sole_reader_of_previous(k) && ops[k]->can_compute_input_from_pair(*ops[k - 2], *ops[k - 1])) {
        input_producer[k] = ops[k - 1].get();
        chain_head[k] = ops[k - 2].get();
        // Dense passes run the block's projection apart: [its output | depthwise | expanded].
        const size_t out = size_t(ops[k]->output_shape().size());
        unstored_offset[size_t(ops[k - 1]->output())] = out;
        unstored_offset[size_t(ops[k - 2]->output())] = out + size_t(ops[k - 1]->output_shape().size());
      }
    }
  // Last, the pairs that must not take a chain's first link (Op::can_compute_input_from_after_
  // chains): where neither op is in a pair or chain yet. DELTACNN_CPU_DEPTHWISE_PAIRS=0 leaves
  // them apart (the ablation of docs/cpu-engine.md section 12).
  if (const char* v = std::getenv("DELTACNN_CPU_DEPTHWISE_PAIRS"); v && std::string(v) == "0") return;
  for (size_t k = 1; k < ops.size(); ++k) {
    const bool taken = input_producer[k] || input_producer[k - 1] || output_unstored(k);  // (chains set these)
    if (!taken && sole_reader_of_previous(k) && ops[k]->can_compute_input_from_after_chains(*ops[k - 1]))
      input_producer[k] = ops[k - 1].get();  // dense passes run it apart: dense_fused stays false
  }
}

void Executor::Impl::plan_residual_adds() {
  const ir::Graph& g = model->graph();
  const auto& ops = model->ops();
  residual_add.assign(ops.size(), -1);
  residual_tensor.assign(ops.size(), -1);
  // DELTACNN_CPU_RESIDUAL_ADDS=0: every residual add runs on its own (the ablation of
  // docs/cpu-engine.md section 18).
  if (const char* v = std::getenv("DELTACNN_CPU_RESIDUAL_ADDS"); v && std::string(v) == "0") return;
  const std::vector<int> readers = tensor_readers();
  std::vector<bool> paired_away(g.tensors.size(), false);  // the pairs' inner tensors: no map
  for (size_t k = 0; k < ops.size(); ++k)
    if (output_unstored(k)) paired_away[size_t(ops[k]->output())] = true;
  for (size_t k = 0; k + 1 < ops.size(); ++k) {
    const Op& last = *ops[k];  // the sum's operand's last op
    const Op& add = *ops[k + 1];
    const int t = last.output();
    if (readers[size_t(t)] != 1 || output_unstored(k) || output_unstored(k + 1) || input_producer[k + 1]) continue;
    const int r = add.residual_partner(t);
    // The residual must be a map the stream holds, written before `last` runs.
    if (r < 0 || paired_away[size_t(r)] || !last.can_fire_residual_sum(input_producer[k], chain_head[k])) continue;
    residual_add[k] = int(k + 1);
    residual_tensor[k] = r;
    // Dense passes run `last` apart and put its output in the scratch, where the add reads
    // it: after the depthwise output of a pair whose dense passes run apart (unstored at its
    // own offset), else at the start (a whole block's inner tensors sit after its output's
    // place: unstored_offset above).
    const Op* producer = input_producer[k];
    if (producer && !chain_head[k] && !dense_fused[k])
      unstored_offset[size_t(t)] = unstored_offset[size_t(producer->output())] + size_t(producer->output_shape().size());
  }
}

void Executor::Impl::plan_arena(std::vector<TensorBuffer>& views, ExecMode for_mode) {
  const ir::Graph& g = model->graph();
  views.resize(g.tensors.size());
  BufferPlan plan = arena_plan(for_mode);
  arena_floats = plan.arena_floats;
  arena_offsets = std::move(plan.offset_of_tensor);
  arena_views = &views;  // attached to a workspace by bind_workspace, before each frame
}

BufferPlan Executor::Impl::arena_plan(ExecMode for_mode) const {
  const ir::Graph& g = model->graph();
  const auto& ops = model->ops();
  std::vector<size_t> floats(g.tensors.size());
  // The inner tensors of pairs fused in dense passes need no place in the arena.
  const std::vector<bool> unstored = unstored_tensors(for_mode, true);
  for (size_t t = 0; t < g.tensors.size(); ++t) floats[t] = unstored[t] ? 0 : size_t(g.tensors[t].shape.size());
  std::vector<int> writes;
  std::vector<std::vector<int>> reads;
  for (size_t k = 0; k < ops.size(); ++k) {
    writes.push_back(ops[k]->output());
    reads.push_back(ops[k]->inputs());
    // A fused consumer reads its producer's input, which must outlive the producer.
    if (fuses(for_mode) && dense_fused[k]) {
      for (int t : input_producer[k]->inputs()) reads.back().push_back(t);
      if (chain_head[k])
        for (int t : chain_head[k]->inputs()) reads.back().push_back(t);
    }
  }
  return plan_buffers(floats, writes, reads, g.input, g.outputs);
}

size_t Executor::Impl::planned_bytes(ExecMode for_mode) const {
  const ir::Graph& g = model->graph();
  const size_t arena = arena_plan(for_mode).arena_floats * sizeof(float);
  if (for_mode == ExecMode::Dense) return new_workspace_bytes(arena);
  const std::vector<bool> unstored = unstored_tensors(for_mode, false);
  size_t bytes = 0;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const Shape& s = g.tensors[t].shape;
    bytes += size_t(s.pixels()) * (sizeof(uint8_t) + sizeof(int32_t));  // mask and list
    if (!unstored[t]) bytes += size_t(s.size()) * sizeof(float);
  }
  size_t workspace_bytes = settings.keyframe_break_even < 1.f ? arena : 0;
  if (recomputes()) workspace_bytes = std::max(workspace_bytes, map_scratch_floats * sizeof(float));
  return bytes + new_workspace_bytes(workspace_bytes);  // the propagate form's op states come on top
}

size_t Executor::Impl::new_workspace_bytes(size_t workspace_bytes) const {
  // The model's runners may already hold a workspace this large (another stream's frames).
  const size_t held = model->cpu_runner()->largest_workspace_bytes();
  return workspace_bytes > held ? workspace_bytes - held : 0;
}

std::string Executor::Impl::stream_description(ExecMode for_mode) const {
  const ir::Graph& g = model->graph();
  const Shape& in = g.tensors.at(size_t(g.input)).shape;
  return "model '" + g.source + "' at " + std::to_string(in.w) + "x" + std::to_string(in.h) + ", a " +
         (for_mode == ExecMode::Dense ? "dense" : "delta") + " stream";
}

size_t Executor::Impl::checked_need(ExecMode for_mode) const {
  size_t need = 0;
  MemoryBudget budget;
  try {
    need = planned_bytes(for_mode);
    budget = memory_budget();
  } catch (const std::bad_alloc&) {
    throw out_of_memory(for_mode, ": out of memory while planning its buffers");
  }
  if (need > budget.bytes)
    throw out_of_memory(for_mode, " needs at least " + megabytes(need) +
                                      " of activation buffers, but this process may take only " +
                                      megabytes(budget.bytes) + " more (" + budget.limit + ")");
  return need;
}

void Executor::Impl::allocate_checked(ExecMode for_mode) {
  const size_t need = checked_need(for_mode);
  try {
    allocate_for(for_mode);
    pending_bytes = PendingStreamBytes(need);
  } catch (const std::bad_alloc&) {
    throw out_of_memory(for_mode, ": allocating its buffers (at least " + megabytes(need) + ") failed: out of memory");
  }
}

void Executor::Impl::reallocate_for(ExecMode to) {
  // Checked without this stream's own promise (its buffers for the old mode go); refused, it
  // keeps its promise, as it keeps its buffers.
  const size_t promised = pending_bytes.bytes();
  pending_bytes.release();
  size_t need = 0;
  try {
    need = checked_need(to);
  } catch (...) {
    if (promised > 0) pending_bytes = PendingStreamBytes(promised);
    throw;
  }
  std::exception_ptr failure;
  try {
    allocate_for(to);
    pending_bytes = PendingStreamBytes(need);
    return;
  } catch (...) {
    failure = std::current_exception();
  }
  // Failed part-way: the stream goes on in the mode it runs, with its buffers allocated for it
  // again (fresh maps, resident only as the forced dense frame writes them).
  try {
    allocate_for(mode);
    pending_bytes = PendingStreamBytes(planned_bytes(mode));
  } catch (...) {
    unusable = true;
    throw Error(ErrorKind::Internal, stream_description(mode) + ": out of memory restoring its buffers after a "
                                         "failed change of mode; the stream cannot run frames; expected a "
                                         "restart with more memory");
  }
  keyframes.force();
  try {
    std::rethrow_exception(failure);
  } catch (const std::bad_alloc&) {
    throw out_of_memory(to, ": allocating its buffers (at least " + megabytes(need) +
                                ") failed: out of memory; the stream goes on in its mode");
  }
}

OpContext Executor::Impl::context(size_t k, std::vector<TensorBuffer>& on) {
  OpContext ctx{on};
  ctx.state = states[k].get();
  ctx.eps = base_eps[k] * settings.threshold_scale;
  ctx.dense_break_even = settings.dense_break_even;
  ctx.keep_state = mode == ExecMode::Delta;
  ctx.mask_scratch = mask_scratch.data();
  ctx.sum_scratch = sum_scratch.data();
  ctx.stat = &stats.layers[k];
  ctx.truncate_linear = truncates_linear[k];
  ctx.map_scratch = map_scratch;
  return ctx;
}

// keep: re-initialise every delta state from this pass (a keyframe); false for dense mode
// and for dense frames of a busy run that another dense frame follows (KeyframePolicy).
void Executor::Impl::run_dense(const float* x, bool keep) {
  const auto& ops = model->ops();
  const ir::Graph& g = model->graph();
  // A delta stream's dense frame that leaves no state behind runs in the arena when it has one.
  const bool in_arena = mode == ExecMode::Delta && !keep && !arena_tensors.empty();
  std::vector<TensorBuffer>& ts = in_arena ? arena_tensors : tensors;
  // Recompute form: the tensors' maps are the state and a dense pass over them rewrites all of
  // them, so it leaves an exact state (the input reference included) and the ops keep none.
  const bool state_in_maps = mode == ExecMode::Delta && recomputes() && !in_arena;
  input->dense(x, ts[size_t(g.input)], keep || state_in_maps);
  ts[size_t(g.input)].mark_dense_write();
  for (size_t k = 0; k < ops.size(); ++k) {
    auto t0 = std::chrono::steady_clock::now();
    OpContext ctx = context(k, ts);
    ctx.keep_state = keep && !state_in_maps && !in_arena;
    if (fuses(mode)) {
      ctx.output_unstored = output_unstored(k) && dense_fused[k + 1];
      if (dense_fused[k]) {
        ctx.input_producer = input_producer[k];
        ctx.chain_head = chain_head[k];
      }
    }
    ops[k]->run_dense(ctx);
    ts[size_t(ops[k]->output())].mark_dense_write();
    LayerStat& st = stats.layers[k];
    st.active = st.computed = 1.f;
    st.dense = true;
    if (settings.time_layers || measures_paths())
      st.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    // A dense pass is the first estimate of each layer's dense form; a pair whose expanded
    // tensor has no map pays for both convs in its dense form.
    if (measures_paths())
      seed_dense_cost(path_costs[k], st.ms + (input_producer[k] ? stats.layers[k - 1].ms : 0.0) +
                                         (chain_head[k] ? stats.layers[k - 2].ms : 0.0));
  }
  if (state_in_maps) return;  // the heads are the output tensors' maps (Executor::output)
  if (in_arena && recomputes()) {
    // A recompute stream keeps no heads of its own: its outputs are the output tensors' maps.
    // A dense frame that keeps no state is always followed by another dense frame (KeyframePolicy),
    // which rewrites every map, so until then the output maps may hold this frame's outputs.
    for (int id : g.outputs) {
      const TensorBuffer& from = ts[size_t(id)];
      std::memcpy(tensors[size_t(id)].values_for_full_write(), from.values(), size_t(from.shape().size()) * sizeof(float));
    }
    return;
  }
  for (size_t h = 0; h < heads.size(); ++h) heads[h].dense(ts[size_t(g.outputs[h])]);
  if (keep && !in_arena) tail->on_dense_pass(tensors);
}

std::vector<int> Executor::Impl::tensor_readers() const {
  const ir::Graph& g = model->graph();
  std::vector<int> readers(g.tensors.size(), 0);
  for (const auto& op : model->ops())
    for (int t : op->inputs()) ++readers[size_t(t)];
  for (int t : g.outputs) ++readers[size_t(t)];
  return readers;
}

size_t Executor::Impl::output_op(int i) const {
  const int t = model->graph().outputs[size_t(i)];
  const auto& ops = model->ops();
  for (size_t k = 0; k < ops.size(); ++k)
    if (ops[k]->output() == t) return k;
  throw Error(ErrorKind::Internal, "executor: no op writes output " + std::to_string(i));
}

void Executor::Impl::run_recompute(const float* x) {
  const auto& ops = model->ops();
  const ir::Graph& g = model->graph();
  TensorBuffer& in = tensors[size_t(g.input)];
  in.clear_fired();
  input->recompute(x, in);
  for (size_t k = 0; k < ops.size(); ++k) {
    LayerStat& st = stats.layers[k];
    st.dense = false;
    if (queried_op[k]) {  // computed where the decoder asks (Executor::output_at)
      st.active = st.computed = 0.f;
      st.ms = 0.0;
      continue;
    }
    if (computed_by_previous(k)) {  // fired by the op before it, in that op's time
      const TensorBuffer& o = tensors[size_t(ops[k]->output())];
      st.active = o.active_fraction();
      st.computed = o.computed_fraction();
      st.dense = stats.layers[k - 1].dense;
      st.ms = 0.0;
      continue;
    }
    auto t0 = std::chrono::steady_clock::now();
    TensorBuffer& o = tensors[size_t(ops[k]->output())];
    o.clear_fired();
    OpContext ctx = context(k);
    ctx.keep_state = false;  // the maps are the state; a dense pass inside keeps none of its own
    ctx.output_unstored = output_unstored(k);
    ctx.input_producer = input_producer[k];
    ctx.chain_head = chain_head[k];
    if (residual_add[k] >= 0) {  // fires the add's output, with the add's threshold
      const size_t j = size_t(residual_add[k]);
      ctx.fired_into = &tensors[size_t(ops[j]->output())];
      ctx.fired_into->clear_fired();
      ctx.residual = &tensors[size_t(residual_tensor[k])];
      ctx.eps = base_eps[j] * settings.threshold_scale;
      ctx.truncate_linear = truncates_linear[j];
    }
    if (measures_paths()) ctx.path_cost = &path_costs[k];
    ops[k]->run_recompute(ctx);
    const TensorBuffer& written = ctx.fired_into ? *ctx.fired_into : o;
    st.active = written.active_fraction();
    st.computed = written.computed_fraction();
    if (settings.time_layers || measures_paths())
      st.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (measures_paths() && ctx.candidates >= 0)
      record_layer_path(path_costs[k], st.dense ? LayerPath::Dense : LayerPath::Sparse, st.ms, ctx.candidates);
  }
}

void Executor::Impl::run_delta_op(size_t k) {
  auto t0 = std::chrono::steady_clock::now();
  const auto& ops = model->ops();
  TensorBuffer& o = tensors[size_t(ops[k]->output())];
  o.clear_for_write();
  LayerStat& st = stats.layers[k];
  st.dense = false;
  OpContext ctx = context(k);
  ops[k]->run_delta(ctx);
  o.finish_write();
  st.active = st.computed = o.active_fraction();
  if (settings.time_layers)
    st.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Executor::Impl::run_delta(const float* x) {
  const auto& ops = model->ops();
  const ir::Graph& g = model->graph();
  TensorBuffer& in = tensors[size_t(g.input)];
  in.clear_for_write();
  input->delta(x, in);
  in.finish_write();
  for (size_t k = 0; k < ops.size(); ++k)
    if (!tail->contains(k)) run_delta_op(k);  // the tail runs after the rest: see run_tail
  const bool tail_dense = !tail->empty() && run_tail(tail->plan(tensors));
  for (size_t h = 0; h < heads.size(); ++h) {
    const TensorBuffer& t = tensors[size_t(g.outputs[h])];
    if (tail_dense && tail->produces(g.outputs[h]))
      heads[h].dense(t);
    else
      heads[h].delta(t);
  }
}

// The tail's nodes read only frontier tensors and each other (DenseTail), so they may run after
// every other node. Returns whether the tail's outputs now hold full values.
bool Executor::Impl::run_tail(DenseTail::Plan plan) {
  const auto& ops = model->ops();
  tail->accumulate(tensors);
  switch (plan) {
    case DenseTail::Plan::Skip:
      // Nothing the tail reads changed: its outputs carry no delta (the heads stay as they are).
      for (size_t k : tail->ops()) {
        TensorBuffer& o = tensors[size_t(ops[k]->output())];
        o.clear_for_write();
        o.finish_write();
        stats.layers[k].active = stats.layers[k].computed = 0.f;
        stats.layers[k].dense = false;
        stats.layers[k].ms = 0.0;
      }
      return false;
    case DenseTail::Plan::Delta:
      for (size_t k : tail->ops()) run_delta_op(k);
      return false;
    case DenseTail::Plan::DenseStateless:
    case DenseTail::Plan::DenseReinit:
      break;
  }
  // Dense on the accumulated frontier; DenseReinit also re-initialises the tail's delta state.
  const bool keep = plan == DenseTail::Plan::DenseReinit;
  tail->swap_frontier(tensors);
  for (size_t k : tail->ops()) {
    auto t0 = std::chrono::steady_clock::now();
    OpContext ctx = context(k);
    ctx.keep_state = keep;
    ops[k]->run_dense(ctx);
    tensors[size_t(ops[k]->output())].mark_dense_write();
    LayerStat& st = stats.layers[k];
    st.active = st.computed = 1.f;
    st.dense = true;
    if (settings.time_layers)
      st.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  tail->swap_frontier(tensors);
  tail->set_state_valid(keep);
  return true;
}

void Executor::run(const float* input) {
  submit(input);
  finish();
}

void Executor::submit(const float* input) {
  if (!input) throw Error(ErrorKind::Input, "Executor::run: input is null; expected H*W*3 floats");
  Impl& m = *impl_;
  if (!m.gpu) {
    const bool repeats = std::exchange(m.repeating, false);  // taken even if this frame fails
    // The runner's workspace and the kernels' per-thread scratch grow on a frame's first run,
    // after the budget check at start (allocate_checked): a process near its memory limit runs
    // out here, and must hear which stream, not a bare std::bad_alloc. A frame that fails
    // part-way leaves the delta state half updated: the next frame is a keyframe, which
    // rewrites it whole.
    try {
      // On one of the model's runner threads, in its workspace (cpu_frame_runner.h).
      m.model->cpu_runner()->run([&m, input, repeats](CpuWorkspace& ws) {
        m.bind_workspace(ws.at_least(m.workspace_floats));
        m.run_cpu_frame(input, repeats);
        m.pending_bytes.release();  // written now: MemAvailable shows them
      });
    } catch (const std::bad_alloc&) {
      m.keyframes.force();
      throw m.out_of_memory(m.mode, ": out of memory while running a frame (its workspace is " +
                                        megabytes(m.workspace_floats * sizeof(float)) + ")");
    } catch (...) {
      m.keyframes.force();
      throw;
    }
    return;
  }
  m.finish_pending();
  m.gpu->submit(input);
  m.in_flight = true;
}

void Executor::finish() { impl_->finish_pending(); }

bool Executor::takes_frames() const { return impl_->gpu != nullptr; }

void Executor::submit_frame(const ImageView& frame, const FramePlacement& placement) {
  Impl& m = *impl_;
  if (!m.gpu)
    throw Error(ErrorKind::Unsupported, "Executor::submit_frame: backend 'cpu' pre-processes frames on "
                                        "the host (engine/pre); expected run() with the model input");
  const Shape& in = m.model->input_shape();
  if (placement.width != in.w || placement.height != in.h || placement.content_w <= 0 ||
      placement.content_h <= 0 || placement.content_x < 0 || placement.content_y < 0 ||
      placement.content_x + placement.content_w > in.w || placement.content_y + placement.content_h > in.h)
    throw Error(ErrorKind::Input, "Executor::submit_frame: placement " + std::to_string(placement.width) +
                                      "x" + std::to_string(placement.height) + " with content " +
                                      std::to_string(placement.content_w) + "x" +
                                      std::to_string(placement.content_h) + " at (" +
                                      std::to_string(placement.content_x) + ", " +
                                      std::to_string(placement.content_y) + "); expected content inside the " +
                                      std::to_string(in.w) + "x" + std::to_string(in.h) + " model input");
  check_image_view(frame);
  m.finish_pending();
  m.gpu->submit_frame(frame, placement);
  m.in_flight = true;
}

bool Executor::in_flight() const { return impl_->in_flight; }

void Executor::Impl::run_cpu_frame(const float* frame, bool repeats) {
  if (unusable)
    throw Error(ErrorKind::Internal, stream_description(mode) + ": has no buffers since a failed change of "
                                         "mode; expected a restart with more memory");
  const bool keyframe = next_is_keyframe();
  auto t0 = std::chrono::steady_clock::now();
  queried_skipped = !keyframe && recomputes() && mode == ExecMode::Delta &&
                    std::find(queried_op.begin(), queried_op.end(), true) != queried_op.end();
  if (keyframe)
    run_dense(frame, mode == ExecMode::Delta && keyframes.keeps_state());
  else if (recomputes())
    run_recompute(frame);
  else
    run_delta(frame);
  stats.infer_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  stats.frame_index = repeats ? frames_since_reset - 1 : frames_since_reset++;
  stats.keyframe = keyframe;
  stats.mode = mode == ExecMode::Delta ? "delta" : "dense";
  stats.input_active = keyframe ? 1.f : input->active_fraction();
  if (!settings.time_layers)
    for (auto& l : stats.layers) l.ms = 0.0;
  // Mean active fraction, weighted by the cost of each layer (its dense MACs). A tensor without
  // a stored map is computed inside its consumer, so its producer's MACs count at the
  // consumer's activity: the pair is one unit of work, measured at its thresholded output.
  double weighted = 0.0, total = 0.0;
  const auto& ops = model->ops();
  double carried = 0.0;
  for (size_t k = 0; k < ops.size(); ++k) {
    const double w = double(ops[k]->macs()) + carried;
    carried = 0.0;
    if (queried_skipped && queried_op[k]) continue;  // not this frame's work: no weight
    if (mode == ExecMode::Delta && !keyframe && (output_unstored(k) || (recomputes() && residual_add[k] >= 0))) {
      carried = w;
      continue;
    }
    weighted += w * stats.layers[k].active;
    total += w;
  }
  stats.mean_active = total > 0.0 ? float(weighted / total) : (keyframe ? 1.f : stats.input_active);
  keyframes.after_frame(keyframe, stats.mean_active);
}

void Executor::reset() {
  impl_->finish_pending();
  if (impl_->gpu) return impl_->gpu->reset();
  impl_->keyframes.force();
  impl_->frames_since_reset = 0;
  impl_->repeating = false;
}

void Executor::force_keyframe() {
  impl_->finish_pending();
  if (impl_->gpu) return impl_->gpu->force_keyframe();
  impl_->keyframes.force();
}

void Executor::repeat_as_keyframe() {
  impl_->finish_pending();
  if (impl_->gpu) return impl_->gpu->repeat_as_keyframe();
  impl_->keyframes.force();
  impl_->repeating = impl_->frames_since_reset > 0;
}

bool Executor::next_frame_dense() {
  impl_->finish_pending();  // a frame in flight decides the busy rule's next frames
  return impl_->gpu ? impl_->gpu->next_frame_dense() : impl_->next_is_keyframe();
}

void Executor::set_input_ignore_mask(const std::vector<uint8_t>& ignore) {
  const Shape& in = impl_->model->input_shape();
  if (!ignore.empty() && int64_t(ignore.size()) != in.pixels())
    throw Error(ErrorKind::Input, "input ignore mask has " + std::to_string(ignore.size()) +
                                      " bytes; expected " + std::to_string(in.pixels()) + " (the " +
                                      std::to_string(in.w) + "x" + std::to_string(in.h) +
                                      " model input), or none");
  for (uint8_t b : ignore)
    if (b > 1)
      throw Error(ErrorKind::Input, "input ignore mask holds the byte " + std::to_string(b) +
                                        "; expected 0 (tested) or 1 (ignored)");
  impl_->finish_pending();
  const uint8_t* bytes = ignore.empty() ? nullptr : ignore.data();
  if (impl_->gpu) return impl_->gpu->set_input_ignore_mask(bytes);
  impl_->input->set_ignore_mask(bytes);
}

void Executor::set_input_phase_tolerant(bool on) {
  if (on && impl_->gpu)
    throw Error(ErrorKind::Unsupported, "the phase-tolerant input test (stabilize: shift) runs on the CPU "
                                        "backend only; expected backend 'cpu' or stabilize.shift off");
  impl_->finish_pending();
  impl_->settings.input_phase_tolerant = on;
  if (!impl_->gpu) impl_->input->set_phase_tolerant(on);
}

void Executor::set_mode(ExecMode mode) {
  impl_->finish_pending();
  if (impl_->gpu) impl_->gpu->set_mode(mode);
  if (mode != impl_->mode) {
    if (!impl_->gpu) impl_->reallocate_for(mode);  // the next frame is dense: nothing to carry over
    impl_->keyframes.force();
  }
  impl_->mode = mode;
}

void Executor::set_threshold_scale(float scale) {
  if (!(scale >= 0.f))
    throw Error(ErrorKind::Config, "threshold scale is " + std::to_string(scale) + "; expected a value >= 0");
  impl_->finish_pending();
  impl_->settings.threshold_scale = scale;
  if (impl_->gpu) impl_->gpu->set_threshold_scale(scale);
}

void Executor::set_keyframe_interval(int interval) {
  if (interval < 0)
    throw Error(ErrorKind::Config, "keyframe interval is " + std::to_string(interval) +
                                       "; expected 0 (never) or a frame count");
  impl_->finish_pending();
  impl_->keyframes.set_interval(interval);  // the policy owns the interval from construction on
  if (impl_->gpu) impl_->gpu->set_keyframe_interval(interval);
}

int Executor::num_outputs() const {
  return impl_->gpu ? impl_->gpu->num_outputs() : int(impl_->head_names.size());
}

const std::string& Executor::output_name(int i) const {
  if (i < 0 || i >= num_outputs())
    throw Error(ErrorKind::Internal, "output index " + std::to_string(i) + " out of range (model has " +
                                         std::to_string(num_outputs()) + " outputs)");
  return impl_->gpu ? impl_->gpu->output_name(i) : impl_->head_names[size_t(i)];
}

Shape Executor::output_shape(int i) const {
  output_name(i);  // range check
  if (impl_->gpu) return impl_->gpu->output_shape(i);
  const ir::Graph& g = impl_->model->graph();
  return g.tensors.at(size_t(g.outputs[size_t(i)])).shape;
}

void Executor::set_queried_outputs(const std::vector<int>& outputs) {
  Impl& m = *impl_;
  m.finish_pending();
  if (m.gpu || !m.recomputes()) return;  // the CUDA backend and the propagate form compute every output
  const auto& ops = m.model->ops();
  const ir::Graph& g = m.model->graph();
  m.queried_output.assign(g.outputs.size(), false);
  m.queried_op.assign(ops.size(), false);
  const std::vector<int> readers = m.tensor_readers();
  for (int i : outputs) {
    output_name(i);  // range check
    const size_t k = m.output_op(i);
    OpContext ctx = m.context(k);
    ctx.input_producer = m.input_producer[k];
    ctx.chain_head = m.chain_head[k];
    // Only an output nothing else reads (no op, no second output), whose op computes it from
    // maps the stream holds.
    if (readers[size_t(g.outputs[size_t(i)])] != 1 || !ops[k]->computes_rows_at(ctx)) continue;
    m.queried_output[size_t(i)] = true;
    m.queried_op[k] = true;
    if (m.input_producer[k]) m.queried_op[k - 1] = true;
    if (m.chain_head[k]) m.queried_op[k - 2] = true;
  }
}

bool Executor::output_at_cells_only(int i) const {
  impl_->require_finished("output_at_cells_only");
  output_name(i);  // range check
  return impl_->queried_skipped && impl_->queried_output[size_t(i)];
}

void Executor::output_at(int i, const int32_t* cells, int n, float* values) const {
  const Impl& m = *impl_;
  m.require_finished("output_at");
  const Shape s = output_shape(i);
  for (int j = 0; j < n; ++j)
    if (cells[j] < 0 || cells[j] >= s.pixels())
      throw Error(ErrorKind::Input, "Executor::output_at: cell " + std::to_string(cells[j]) + " of output '" +
                                        output_name(i) + "' (" + s.str() + "); expected 0.." +
                                        std::to_string(s.pixels() - 1));
  if (!output_at_cells_only(i)) {
    const float* map = output(i);
    for (int j = 0; j < n; ++j)
      std::copy_n(map + int64_t{cells[j]} * s.c, s.c, values + int64_t{j} * s.c);
    return;
  }
  const size_t k = m.output_op(i);
  OpContext ctx{const_cast<std::vector<TensorBuffer>&>(m.tensors)};  // rows_at only reads
  ctx.input_producer = m.input_producer[k];
  ctx.chain_head = m.chain_head[k];
  m.model->ops()[k]->rows_at(ctx, cells, n, values);
}

const float* Executor::output(int i) const {
  impl_->require_finished("output");
  output_name(i);  // range check
  if (impl_->gpu) return impl_->gpu->output(i);
  if (output_at_cells_only(i)) return nullptr;
  if (impl_->outputs_in_maps())
    return impl_->tensors[size_t(impl_->model->graph().outputs[size_t(i)])].values();
  return impl_->heads[size_t(i)].head();
}

size_t Executor::activation_bytes() const {
  const Impl& m = *impl_;
  if (m.gpu) return 0;
  return persistent_bytes() + m.workspace_floats * sizeof(float);
}

size_t Executor::persistent_bytes() const {
  const Impl& m = *impl_;
  if (m.gpu) return 0;
  size_t bytes = m.mask_scratch.size() + m.sum_scratch.size() * sizeof(double) + m.input->bytes();
  for (const TensorBuffer& t : m.tensors) bytes += t.owned_bytes();
  for (const TensorBuffer& t : m.arena_tensors) bytes += t.owned_bytes();
  for (const OutputDensify& h : m.heads) bytes += size_t(h.shape().size()) * sizeof(float);
  return bytes;
}

const std::vector<std::string>& Executor::warnings() const { return impl_->warnings; }

std::string Executor::threshold_owner(const std::string& node) const {
  const auto it = impl_->threshold_owners.find(node);
  return it == impl_->threshold_owners.end() ? node : it->second;
}

const FrameStats& Executor::stats() const {
  impl_->require_finished("stats");
  return impl_->gpu ? impl_->gpu->stats() : impl_->stats;
}
const ir::Graph& Executor::graph() const { return impl_->model->graph(); }

}  // namespace dcnn
