// Compiles an ir::Graph into ops with re-laid-out weights (shared, immutable), and runs it for
// one stream (Executor: all per-stream state) in dense or delta mode, per the delta semantics of
// ../shared/DESIGN.md.
//
// Input: the raw model input, HxWx3 float in 0..255 pixel units (engine/pre). The executor
// applies the input delta test on these raw values (so input_threshold is in pixel units), then
// the model's normalisation (InputNormalization) to what enters the graph.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/api/results.h"
#include "engine/core/image.h"
#include "engine/core/precision.h"
#include "engine/core/shape.h"
#include "engine/ir/graph.h"

namespace dcnn {

enum class Backend { Cpu, Cuda };
const char* to_string(Backend backend) noexcept;

enum class ExecMode { Dense, Delta };

// Element type of the activations a backend stores. F16 halves the memory and the bytes moved by
// the memory-bound delta kernels; arithmetic, accumulators, residuals and the output heads stay
// fp32, and keyframes bound the rounding that fp16 deltas add up. Only the CUDA backend stores
// fp16; the CPU backend stores fp32 (compile_model refuses F16 there).
// BF16 (engine/core/precision.h) is the CPU backend's: GEMM convs in bfloat16, fp32 sums.
const char* to_string(Precision precision) noexcept;

struct InputNormalization {
  float mean[3] = {0.f, 0.f, 0.f};
  float std[3] = {1.f, 1.f, 1.f};
};

// How the CPU backend keeps a stream's delta state (docs/cpu-engine.md); both obey the delta
// semantics of ../shared/DESIGN.md and give the same results to float tolerance.
//  - Propagate: deltas flow between layers; each activation keeps its accumulated
//    pre-activation and a truncation residual (acc + res).
//  - Recompute: every tensor keeps its propagated map; at the pixels whose inputs fired, a layer
//    recomputes conv + bias + activation from its stored input map and writes what differs from
//    its stored output by more than eps. No accumulators or residuals.
// The CUDA backend always propagates.
enum class DeltaForm { Propagate, Recompute };
const char* to_string(DeltaForm form) noexcept;

struct DeltaSettings {
  float input_threshold = 8.f;  // raw pixel units, max over channels
  int input_dilation = 0;       // grow the input mask by this many pixels
  // Block test (0 = off): a whole input_block x input_block tile is active when the mean change of
  // a channel over the tile exceeds input_block_threshold (raw pixel units). Catches the faint,
  // coherent change of a slow low-contrast object that stays under input_threshold per pixel,
  // while independent per-pixel codec noise averages out over the tile.
  int input_block = 0;
  float input_block_threshold = 2.f;
  // Stabilised cameras (docs/stabilize.md), CPU backend only: an input pixel counts as changed
  // only when it leaves the [min, max] range of its reference 3x3 neighbourhood by more than
  // input_threshold, so re-sampling at a new sub-pixel phase does not fire it. Approximation:
  // a pixel that does not fire keeps its reference value, off by at most its local contrast.
  bool input_phase_tolerant = false;
  float default_threshold = 0.05f;
  float threshold_scale = 1.f;  // multiplies every eps (input threshold excluded)
  std::map<std::string, float> layer_thresholds;  // node name -> eps (unknown names: error at Executor creation)
  int keyframe_interval = 300;  // 0 = never
  // A delta frame whose MAC-weighted active fraction exceeds this makes the next frames dense
  // keyframes until a probe finds the scene calm again (engine/exec/keyframe_policy.h);
  // >= 1 never does.
  float keyframe_break_even = 1.f;
  float dense_break_even = 0.4f;  // conv runs dense on deltas when its output active fraction exceeds this
  // Recompute form: each layer takes its dense or sparse form by the measured cost of both
  // (engine/exec/layer_path.h); dense_break_even decides until a layer has measured both.
  bool measured_path_choice = false;
  bool time_layers = false;       // fill LayerStat::ms (costs a clock read per node)
  // Also truncate the outputs of convs / adds / affines that have no activation (an identity
  // activation step with the same eps bookkeeping: DeltaCNN's "pure truncation layer"), except
  // graph outputs. Stops linear layers (MobileNet projections, residual adds) from passing on
  // every tiny change, at the cost of two state buffers per such layer. Off by default.
  bool truncate_linear = false;
  // The output heads (engine/exec/dense_tail.h) run dense on their accumulated input when more
  // than this fraction of it changed; >= 1 keeps them in delta mode always.
  float head_dense_break_even = 1.f;
  // Backend 'cuda' only: replay steady-state delta frames as CUDA graphs (one launch per frame
  // instead of several per layer). Off launches every kernel directly (debugging); time_layers
  // also launches directly, to time each layer. Results are the same either way.
  bool cuda_graphs = true;
  DeltaForm form = DeltaForm::Propagate;  // CPU backend only; see DeltaForm
};

class CompiledModel;  // defined in engine/exec/compiled_model.h

// Builds the ops for `graph` on `backend` (throws dcnn::Error: Unsupported naming the node for an
// op/shape the backend cannot run, or for a precision it cannot run (runnable_precision); Device when the backend is
// unavailable). A per-channel Affine that is the input's only reader (the model's own
// normalisation) leaves the graph and joins `norm` (CompiledModel::normalization() says the
// result), so that pre-processing does it instead of an op over the whole input.
std::shared_ptr<const CompiledModel> compile_model(ir::Graph graph, Backend backend,
                                                   const InputNormalization& norm, int device_id = 0,
                                                   Precision precision = Precision::F32);

// The precision a model that asks for `wanted` runs in on `backend` and this CPU: fp16 needs the
// CUDA backend, bf16 the CPU backend on a CPU with AVX-512 BF16 (kernels/cpu/gather_gemm_bf16.h);
// otherwise fp32, and *why (when given) says so, else is left empty. Model::load and
// deltacnn-bench resolve a config's model.precision through it.
Precision runnable_precision(Precision wanted, Backend backend, std::string* why = nullptr);

class Executor {
 public:
  Executor(std::shared_ptr<const CompiledModel> model, ExecMode mode, DeltaSettings settings);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs one frame. `input` is H*W*3 floats (see above). In delta mode the first frame, the
  // frame after reset() and every keyframe_interval-th frame run dense and re-initialise every
  // stateful buffer.
  void run(const float* input);

  // run() in two halves, so that several streams can step together (run_together.h): submit()
  // starts the frame and returns as soon as the backend allows. The CUDA backend enqueues the
  // whole frame on this stream's own CUDA stream and returns with the GPU still working; the CPU
  // backend runs the frame inside submit(). finish() waits for the frame and publishes its
  // outputs and stats. run() is submit() then finish(). The input is copied before submit()
  // returns, so the caller may reuse it at once. A submit() while a frame is in flight finishes
  // that frame first. Outputs and stats are the last finished frame's; reading them while a
  // frame is in flight is an error (Internal) because the GPU may be overwriting them.
  void submit(const float* input);
  void finish();
  bool in_flight() const;

  // The CUDA backend also takes the decoded frame itself and pre-processes it on the GPU: its
  // planes are packed into pinned memory here (row padding dropped), uploaded, converted to the
  // model's channel order and resized into `placement` (Preprocessor::placement) by one kernel,
  // in place of the host pre-processing and the upload of model-input floats. Same results as
  // engine/pre's OpenCV path: exact colour conversion, resampling within one level. Like
  // submit(), finish() completes it. Backend 'cpu' pre-processes on the host: takes_frames() is
  // false there and submit_frame is an Unsupported error. Input errors name the format and plane.
  bool takes_frames() const;
  void submit_frame(const ImageView& frame, const FramePlacement& placement);

  void reset();
  // The next frame runs dense and re-initialises every delta state, as after reset(), while the
  // frame index goes on: the same stream in a new input geometry (the stabiliser's new reference).
  void force_keyframe();
  // The next frame is the last frame again, run dense (tracker.refine_margin's second run of a
  // delta frame): as force_keyframe(), and the frame index stays that frame's, so a frame counts
  // once however often it ran.
  void repeat_as_keyframe();
  // Whether the next frame runs dense (the first frame, a reset, the periodic keyframe, a busy
  // scene's dense run; always in mode dense): the stabiliser renews its reference on such a frame.
  bool next_frame_dense();
  // Takes effect at the next frame (forces a dense pass). Error(Memory) when the new mode's
  // buffers do not fit or run out part-way: the stream then goes on in its mode (after a
  // part-way failure with fresh buffers and a dense frame). Error(Internal) when restoring those
  // failed too: the stream cannot run frames any more.
  void set_mode(ExecMode mode);
  void set_threshold_scale(float scale);    // takes effect at the next frame
  void set_keyframe_interval(int interval);
  // Input pixels the delta change test ignores (engine/zones masks): model width * height bytes,
  // row-major, 1 = never fires (its reference keeps the value it had), 0 = tested as usual; an
  // empty vector clears it. Delta frames only: dense passes (keyframes, mode dense) read every
  // pixel and refresh the reference there too. Takes effect at the next frame; Error(Input) for
  // a wrong size or a byte other than 0 or 1.
  void set_input_ignore_mask(const std::vector<uint8_t>& ignore);
  // Whether the next delta frames' input test is the phase-tolerant one
  // (DeltaSettings::input_phase_tolerant): the stabiliser turns it on for frames it resampled
  // and off for frames it left as they came, where a change within the local contrast is real.
  // Takes effect at the next frame. Error(Unsupported) turning it on for a CUDA model.
  void set_input_phase_tolerant(bool on);

  // Dense head tensors (accumulated in delta mode), valid until the next run() or submit().
  int num_outputs() const;
  const std::string& output_name(int i) const;
  Shape output_shape(int i) const;
  const float* output(int i) const;  // host memory, NHWC; null where output_at_cells_only(i)

  // Outputs a decoder reads at a few cells only (MoveNet MultiPose's box and joint-regression
  // heads, read at six centres and the chosen joint cells, and its heatmap, read inside the
  // people's boxes): recompute-form delta frames skip
  // them and output_at computes the cells asked for, from the maps the stream holds, with the
  // float operations the skipped op would have used. Taken where the output's op can
  // (Op::computes_rows_at) and no op reads the output; ignored by the CUDA backend and the
  // propagate form. Dense passes (keyframes, busy frames, mode dense) compute them whole.
  void set_queried_outputs(const std::vector<int>& outputs);
  // Whether the last frame left output i to output_at (output(i) is then null).
  bool output_at_cells_only(int i) const;
  // values[j * C ..] = output i at cells[j] (pixel index y * W + x), C = output_shape(i).c.
  // Error(Input) for a cell outside the map.
  void output_at(int i, const int32_t* cells, int n, float* values) const;

  // What the stream does with the settings other than as written, for the caller to tell the
  // user once (Stream::warnings): in the recompute form a unit of fused nodes fires with the
  // threshold of the node it writes, so a delta.layer_thresholds entry on a node inside it that
  // differs from that threshold has no effect. Empty when every entry applies.
  const std::vector<std::string>& warnings() const;
  // The node whose threshold decides when `node`'s values fire in this stream: `node` itself,
  // or in the recompute form the node that writes the tensor of the fused unit `node` is
  // computed in (whose threshold makes `node`'s own entry inert, see warnings()). deltacnn-tune
  // tunes a unit's nodes together by it. An unknown name is returned as it is.
  std::string threshold_owner(const std::string& node) const;

  // Stats of the last run: keyframe flag, input/per-layer active fractions, dense choices.
  const FrameStats& stats() const;
  const ir::Graph& graph() const;
  // Host bytes of this stream's tensor storage: persistent_bytes() plus the workspace its frames
  // need (the lifetime-shared arena and the recompute scratch), which it shares with the other
  // streams of its model (engine/exec/cpu_frame_runner.h). 0 on the CUDA backend, whose buffers
  // are device memory.
  size_t activation_bytes() const;
  // What this stream alone holds between frames: maps, masks, lists, output heads, the input
  // reference.
  size_t persistent_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcnn
