// Frame -> model input: colour conversion to the model's order, resize (stretch or letterbox)
// and conversion to float. Output is NHWC HxWx3 float in 0..255 pixel units: normalisation
// (mean/std) is applied inside the executor after the input delta, so the input threshold is in
// pixel units whatever the model wants.
#pragma once

#include <cstdint>

#include "engine/config/config.h"
#include "engine/decode/decoder.h"

namespace dcnn {

enum class PixelFormat { RGB, BGR, RGBx, BGRx, RGBA, BGRA, I420, NV12 };

// A frame in system memory. Packed formats use plane 0; I420 uses planes 0 (Y), 1 (U), 2 (V);
// NV12 uses planes 0 (Y) and 1 (UV). Strides in bytes.
struct ImageView {
  PixelFormat format = PixelFormat::RGB;
  int width = 0;
  int height = 0;
  const uint8_t* planes[3] = {nullptr, nullptr, nullptr};
  int strides[3] = {0, 0, 0};
};

const char* to_string(PixelFormat format) noexcept;

class Preprocessor {
 public:
  explicit Preprocessor(const InputConfig& config);
  FrameGeometry geometry(int frame_width, int frame_height) const;
  // Writes input.height * input.width * 3 floats. Throws dcnn::Error(Input) on a bad view
  // (null plane, stride smaller than a row, odd size for I420/NV12 chroma is handled).
  void run(const ImageView& frame, float* out) const;

 private:
  InputConfig config_;
};

}  // namespace dcnn
