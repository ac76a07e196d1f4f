// Frame sources of deltacnn-bench: a video file (cv::VideoCapture, resized INTER_LINEAR to the
// model input, colour order of the model) or a deterministic synthetic scene (static background,
// a few moving squares, mild sensor noise). Frames come out as HxWx3 float in 0..255.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <opencv2/videoio.hpp>

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

// Throws dcnn::Error(NotFound) when the file cannot be opened.
std::unique_ptr<FrameSource> open_video(const std::string& path, int width, int height, bool bgr);
std::unique_ptr<FrameSource> make_synthetic(int width, int height, uint32_t seed = 1);

}  // namespace dcnn::bench
