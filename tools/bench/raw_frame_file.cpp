#include "tools/bench/raw_frame_file.h"

#include "engine/core/error.h"

namespace dcnn::bench {

RawFrameFile::RawFrameFile(const std::string& path, int width, int height, const std::string& what)
    : file_(std::fopen(path.c_str(), "rb"), &std::fclose), bytes_(size_t(width) * size_t(height) * 3) {
  if (!file_) throw Error(ErrorKind::NotFound, what + " " + path + ": cannot open it");
}

bool RawFrameFile::next(std::vector<float>& frame) {
  if (std::fread(bytes_.data(), 1, bytes_.size(), file_.get()) != bytes_.size()) return false;
  frame.assign(bytes_.begin(), bytes_.end());
  return true;
}

}  // namespace dcnn::bench
