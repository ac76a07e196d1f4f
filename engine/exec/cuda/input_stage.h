// The executor's input stage on the GPU: raw HxWx3 pixels (0..255) -> the graph's input tensor,
// with the rule of the CPU stage (engine/exec/ops/input_stage.h), kept here in one place:
// dense: (x - mean) / std, ref = x. Delta: a pixel is active where max_c |x - ref| > threshold,
// or (block test) its tile's mean change exceeds the block threshold; then the mask optionally
// grows by `dilation` pixels; active pixels emit (x - ref) / std and set ref = x; inactive
// pixels keep ref, so a slow drift is sent later in full. The rule's parameters come from the
// CPU stage's InputDeltaRule, so a new parameter shows up here as a compile-time reminder.
// Zone masks clear their pixels from the change mask after dilation, before compaction.
#pragma once

#include <cuda_runtime.h>

#include "engine/core/image.h"
#include "engine/exec/cuda/device_memory.h"
#include "engine/exec/cuda/gpu_tensor.h"
#include "engine/exec/executor.h"
#include "engine/exec/ops/input_stage.h"
#include "kernels/cuda/frame_sample.h"
#include "kernels/cuda/input_stage.h"
#include "kernels/cuda/window.h"

namespace dcnn::cuda_exec {

class GpuInputStage {
 public:
  GpuInputStage(const Shape& shape, const InputNormalization& norm, const InputDeltaRule& rule);
  // Copies the host model input into the pinned staging buffer (host side, before any launch).
  void stage(const float* host);
  // Or a decoded frame to pre-process on the GPU (Executor::submit_frame): its planes are packed
  // into pinned staging, row padding dropped. The frame buffers grow when a larger frame comes
  // (the first frame, a resolution change), never per frame.
  void stage_frame(const ImageView& frame, const FramePlacement& placement);
  // Queues what was staged on `stream`: the upload of the model input, or the frame's upload and
  // its conversion into the model input (kernels/cuda/frame_convert.h). Outside any CUDA graph,
  // since a frame's size and planes may change. The staging buffers are reused: the caller
  // synchronises before staging the next frame.
  void enqueue_input(cudaStream_t stream);
  void dense(GpuTensor& out, bool keep_state, cudaStream_t stream);
  void delta(GpuTensor& out, int* compact_scratch, cudaStream_t stream);
  // Executor::set_input_ignore_mask: model-input pixels bytes (1 = never fires), or nullptr.
  // Synchronous copy, between frames; the device buffer is allocated once, so recorded CUDA
  // graphs keep pointing at it (whether it is applied is part of the graph key).
  void set_ignore_mask(const uint8_t* ignore);
  bool has_ignore_mask() const { return has_ignore_; }

 private:
  Shape shape_;
  cuda::InputNormalisation norm_;
  InputDeltaRule rule_;
  cuda::Window2D grow_{};  // (2 * dilation + 1)^2 window, stride 1, same size
  PinnedBuffer<float> staging_;
  DeviceBuffer<float> x_, ref_;
  // The staged frame (stage_frame): packed planes on the host and the device, their offsets.
  bool frame_staged_ = false;
  PinnedBuffer<uint8_t> frame_host_;
  DeviceBuffer<uint8_t> frame_device_;
  size_t frame_bytes_ = 0;       // allocated
  size_t frame_used_bytes_ = 0;  // this frame's
  cuda::FramePlanes frame_planes_{};  // pointers into frame_device_
  cuda::InputMapping mapping_{};
  DeviceBuffer<uint8_t> change_mask_;  // before dilation
  DeviceBuffer<uint8_t> ignore_;       // zone masks (allocated on first use)
  bool has_ignore_ = false;
};

}  // namespace dcnn::cuda_exec
