// Frames of 8-bit RGB at one size stored back to back, width * height * 3 bytes each: what
// gpu-bundle's run.sh decodes a video into for deltacnn-cuda-bench on a machine whose bundle
// carries no codecs. Read one at a time as 0..255 floats (the executors' input).
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace dcnn::bench {

class RawFrameFile {
 public:
  // Throws Error(NotFound) "<what> <path>: cannot open it".
  RawFrameFile(const std::string& path, int width, int height, const std::string& what);
  // The next whole frame into `frame` (resized to frame_bytes()); false at the end of the file
  // (a trailing partial frame is not a frame).
  bool next(std::vector<float>& frame);
  size_t frame_bytes() const { return bytes_.size(); }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::vector<unsigned char> bytes_;
};

}  // namespace dcnn::bench
