// Frame sources of deltacnn-bench: a video file (cv::VideoCapture, pre-processed as the element
// does: the YAML's input section, stretch or letterbox, colour order) or a deterministic synthetic
// scene (static background, a few moving squares, mild sensor noise). Frames come out as HxWx3
// float in 0..255.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <opencv2/videoio.hpp>

#include "engine/config/config.h"

namespace dcnn::bench {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Fills `out` (h*w*3 floats); false at the end of the source.
  virtual bool next(std::vector<float>& out) = 0;
  virtual std::string describe() const = 0;
  // Size of the source's frames before the resize to the model input (where zone and mask
  // coordinates live).
  virtual int source_width() const = 0;
  virtual int source_height() const = 0;
};

// Throws dcnn::Error(NotFound) when the file cannot be opened. `input`: the YAML's input section
// (with --model: its size, RGB, stretch).
std::unique_ptr<FrameSource> open_video(const std::string& path, const InputConfig& input);
std::unique_ptr<FrameSource> make_synthetic(int width, int height, uint32_t seed = 1);

}  // namespace dcnn::bench
