#include "engine/exec/cuda/input_stage.h"

#include <cstring>

#include "engine/exec/op_checks.h"
#include "engine/exec/cuda/frame_mapping.h"
#include "kernels/cuda/frame_convert.h"
#include "kernels/cuda/mask_dilate.h"

namespace dcnn::cuda_exec {

namespace {
const char* const kWhere = "input stage: ";
// check_input_stage admits HxWx3 inputs only, which is what the kernels are written for.
static_assert(cuda::kInputChannels == 3, "the CUDA input kernels must take 3 channels");
}

GpuInputStage::GpuInputStage(const Shape& shape, const InputNormalization& norm,
                             const InputDeltaRule& rule)
    : shape_(shape), rule_(rule) {
  check_input_stage(shape, norm, rule);
  for (int c = 0; c < 3; ++c) {
    norm_.mean[c] = norm.mean[c];
    norm_.inv_std[c] = 1.f / norm.std[c];
  }
  const size_t n = size_t(shape.size());
  staging_.allocate(n, "input staging");
  x_.allocate(n, "input frame");
  ref_.allocate(n, "input reference");
  if (rule_.dilation > 0) {
    const int d = rule_.dilation;
    change_mask_.allocate(size_t(shape.pixels()), "input change mask");
    grow_.in_h = grow_.out_h = shape.h;
    grow_.in_w = grow_.out_w = shape.w;
    grow_.kh = grow_.kw = 2 * d + 1;
    grow_.pad_top = grow_.pad_left = grow_.pad_bottom = grow_.pad_right = d;
  }
}

void GpuInputStage::stage(const float* host) {
  std::memcpy(staging_.get(), host, sizeof(float) * size_t(shape_.size()));
  frame_staged_ = false;
}

void GpuInputStage::stage_frame(const ImageView& frame, const FramePlacement& placement) {
  size_t offsets[3] = {0, 0, 0};
  int strides[3] = {0, 0, 0};
  size_t total = 0;
  for (int p = 0; p < plane_count(frame.format); ++p) {
    offsets[p] = total;
    strides[p] = plane_row_bytes(frame, p);
    total += size_t(strides[p]) * size_t(plane_rows(frame, p));
  }
  if (total > frame_bytes_) {
    frame_host_.allocate(total, "frame staging (" + std::to_string(frame.width) + "x" +
                                    std::to_string(frame.height) + " " + to_string(frame.format) + ")");
    frame_device_.allocate(total, "frame on the device");
    frame_bytes_ = total;
  }
  const uint8_t* device_planes[3] = {nullptr, nullptr, nullptr};
  for (int p = 0; p < plane_count(frame.format); ++p) {
    uint8_t* dst = frame_host_.get() + offsets[p];
    for (int y = 0; y < plane_rows(frame, p); ++y)
      std::memcpy(dst + size_t(y) * size_t(strides[p]), frame.planes[p] + int64_t(y) * frame.strides[p],
                  size_t(strides[p]));
    device_planes[p] = frame_device_.get() + offsets[p];
  }
  frame_planes_ = to_frame_planes(frame, device_planes, strides);
  mapping_ = to_input_mapping(placement);
  frame_used_bytes_ = total;
  frame_staged_ = true;
}

void GpuInputStage::enqueue_input(cudaStream_t stream) {
  if (!frame_staged_) {
    check(cudaMemcpyAsync(x_.get(), staging_.get(), x_.bytes(), cudaMemcpyHostToDevice, stream),
          kWhere, "cudaMemcpyAsync (model input upload)");
    return;
  }
  check(cudaMemcpyAsync(frame_device_.get(), frame_host_.get(), frame_used_bytes_,
                        cudaMemcpyHostToDevice, stream),
        kWhere, "cudaMemcpyAsync (frame upload)");
  check(cuda::frame_to_input(frame_planes_, mapping_, x_.get(), stream), kWhere, "frame_to_input");
}

void GpuInputStage::dense(GpuTensor& out, bool keep_state, cudaStream_t stream) {
  with_storage(out.storage(), [&](auto zero) {
    using T = decltype(zero);
    check(cuda::input_dense(x_.get(), keep_state ? ref_.get() : nullptr, norm_, out.values<T>(),
                            shape_.pixels(), stream),
          kWhere, "input_dense");
  });
}

void GpuInputStage::set_ignore_mask(const uint8_t* ignore) {
  has_ignore_ = ignore != nullptr;
  if (!ignore) return;
  const size_t pixels = size_t(shape_.pixels());
  if (!ignore_.get()) ignore_.allocate(pixels, "input ignore mask");
  check(cudaMemcpy(ignore_.get(), ignore, pixels, cudaMemcpyHostToDevice), kWhere,
        "cudaMemcpy (input ignore mask)");
}

void GpuInputStage::delta(GpuTensor& out, int* compact_scratch, cudaStream_t stream) {
  // The change mask goes straight to the output unless dilation grows it from a scratch copy.
  uint8_t* change = rule_.dilation > 0 ? change_mask_.get() : out.mask();
  check(cuda::input_change_mask(x_.get(), ref_.get(), shape_.pixels(), rule_.threshold, change,
                                stream),
        kWhere, "input_change_mask");
  if (rule_.block > 0)
    check(cuda::input_block_change_mask(x_.get(), ref_.get(), shape_.h, shape_.w, rule_.block,
                                        rule_.block_threshold, change, stream),
          kWhere, "input_block_change_mask");
  if (has_ignore_) {
    // Masked pixels are cleared last, so dilation does not grow changes back into them.
    if (rule_.dilation > 0)
      check(cuda::dilate_mask(change, grow_, out.mask(), stream), kWhere, "dilate_mask");
    check(cuda::input_clear_ignored(out.mask(), ignore_.get(), shape_.pixels(), stream), kWhere,
          "input_clear_ignored");
    out.compact(compact_scratch, stream);
  } else if (rule_.dilation > 0) {
    check(cuda::dilate_mask_to_list(change, grow_, out.mask(), out.list(), out.count(),
                                    compact_scratch, stream),
          kWhere, "dilate_mask_to_list");
  } else {
    out.compact(compact_scratch, stream);
  }
  with_storage(out.storage(), [&](auto zero) {
    using T = decltype(zero);
    check(cuda::input_delta_emit(x_.get(), ref_.get(), norm_, out.values<T>(), out.list(), out.count(),
                                 out.pixels(), stream),
          kWhere, "input_delta_emit");
  });
}

}  // namespace dcnn::cuda_exec
