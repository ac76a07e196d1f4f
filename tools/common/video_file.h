// The check every tool runs on its --video path before OpenCV sees it: cv::VideoCapture would
// otherwise try a bad name as a GStreamer pipeline and an image pattern, print its own noise and
// fail without saying why (a directory included).
#pragma once

#include <filesystem>
#include <iostream>
#include <system_error>
#include <string>

#include "engine/core/error.h"
#include "engine/core/file_check.h"

namespace dcnn::tools {

// Throws dcnn::Error(NotFound): "--video 'x' does not exist; expected a video file ..." or
// "--video 'data' is a directory, expected a file (a video file ...)".
inline void require_video_file(const std::string& path) {
  const std::string expected = "a video file OpenCV can decode; run ./scripts/setup.sh for data/vtest.avi";
  require_regular_file(path, "--video", expected);
  // An empty file: OpenCV's GStreamer backend would try it and print GStreamer-CRITICAL noise.
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 && !ec)
    throw Error(ErrorKind::Input, "--video '" + path + "' is empty (0 bytes); expected " + expected);
}

// A video with fewer frames than --frames asked for is not an error: the tools run on the frames
// it has (the numbers they print are per frame) and say so on stderr, with both counts.
inline void warn_if_short(const char* tool, const std::string& path, int frames_read,
                          int frames_asked) {
  if (frames_read >= frames_asked) return;
  std::cerr << tool << ": warning: --video '" << path << "' has only " << frames_read
            << " frame" << (frames_read == 1 ? "" : "s") << ", fewer than --frames " << frames_asked
            << "; the results are over those " << frames_read << "\n";
}

}  // namespace dcnn::tools
