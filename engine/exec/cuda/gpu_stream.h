// The CUDA backend as the rest of the engine sees it: compile a graph for a GPU, and create the
// per-stream runner an Executor forwards to. This header has no CUDA includes, so executor.cpp
// and compiled_model.cpp include it in every build; the definitions exist only in CUDA builds,
// and the engine reaches them through the entry table of cuda_backend.h, never by linking.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/api/results.h"
#include "engine/core/shape.h"
#include "engine/exec/executor.h"

namespace dcnn {

class CompiledModel;

namespace cuda_exec {

// One stream of a CUDA model: everything Executor's public API needs, with the same meaning
// (executor.h). Created only for models whose backend is Backend::Cuda.
class GpuStream {
 public:
  virtual ~GpuStream() = default;
  // Enqueue a frame and return without waiting for the GPU; finish() waits and publishes the
  // outputs and stats. Called strictly alternately by the Executor.
  virtual void submit(const float* input) = 0;
  // A decoded frame pre-processed on the GPU (Executor::submit_frame; arguments validated).
  virtual void submit_frame(const ImageView& frame, const FramePlacement& placement) = 0;
  virtual void finish() = 0;
  virtual void reset() = 0;
  virtual void force_keyframe() = 0;
  virtual void repeat_as_keyframe() = 0;  // Executor::repeat_as_keyframe
  virtual bool next_frame_dense() const = 0;  // after finish()
  virtual void set_mode(ExecMode mode) = 0;
  virtual void set_threshold_scale(float scale) = 0;  // validated by the Executor
  virtual void set_keyframe_interval(int interval) = 0;
  // Executor::set_input_ignore_mask (validated there): model-input pixels bytes, or nullptr.
  virtual void set_input_ignore_mask(const uint8_t* ignore) = 0;
  virtual int num_outputs() const = 0;
  virtual const std::string& output_name(int i) const = 0;  // i range-checked by the caller
  virtual Shape output_shape(int i) const = 0;
  virtual const float* output(int i) const = 0;  // pinned host memory, valid until next run()
  virtual const FrameStats& stats() const = 0;
};

// Weights uploaded (in the storage type of `precision` where a kernel reads them so) and cuDNN
// algorithms chosen once on GPU `device_id`; throws dcnn::Error
// (Device: no usable GPU or a CUDA/cuDNN failure, naming the node; Unsupported: an op the
// CUDA backend does not run).
std::shared_ptr<const CompiledModel> compile_cuda_model(ir::Graph graph,
                                                        const InputNormalization& norm,
                                                        int device_id, Precision precision);

// Allocates every per-stream buffer; `settings` were validated by the Executor.
std::unique_ptr<GpuStream> make_gpu_stream(std::shared_ptr<const CompiledModel> model,
                                           ExecMode mode, const DeltaSettings& settings);

}  // namespace cuda_exec
}  // namespace dcnn
