// Frame -> model input: colour conversion to the model's order, resize (stretch or letterbox)
// and conversion to float. Output is NHWC HxWx3 float in 0..255 pixel units: normalisation
// (mean/std) is applied inside the executor after the input delta, so the input threshold is in
// pixel units whatever the model wants.
#pragma once

#include <cstdint>

#include "engine/config/config.h"
#include "engine/core/image.h"
#include "engine/decode/decoder.h"

namespace dcnn {

class Preprocessor {
 public:
  explicit Preprocessor(const InputConfig& config);
  FrameGeometry geometry(int frame_width, int frame_height) const;
  // Where a frame of this size lands in the model input (what run() fills, and what the CUDA
  // executor's on-GPU pre-processing is told).
  FramePlacement placement(int frame_width, int frame_height) const;
  // Writes input.height * input.width * 3 floats. Throws dcnn::Error(Input) on a bad view
  // (null plane, stride smaller than a row, odd size for I420/NV12 chroma is handled).
  void run(const ImageView& frame, float* out) const;

 private:
  InputConfig config_;
};

}  // namespace dcnn
