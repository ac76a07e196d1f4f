// The check every tool runs on its --video path before OpenCV sees it: cv::VideoCapture would
// otherwise try a bad name as a GStreamer pipeline and an image pattern, print its own noise and
// fail without saying why (a directory included).
#pragma once

#include <string>

#include "engine/core/file_check.h"

namespace dcnn::tools {

// Throws dcnn::Error(NotFound): "--video 'x' does not exist; expected a video file ..." or
// "--video 'data' is a directory, expected a file (a video file ...)".
inline void require_video_file(const std::string& path) {
  require_regular_file(path, "--video",
                       "a video file OpenCV can decode; run ./scripts/setup.sh for data/vtest.avi");
}

}  // namespace dcnn::tools
