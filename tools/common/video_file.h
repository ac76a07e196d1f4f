// The check every tool runs on its --video path before OpenCV sees it: cv::VideoCapture would
// otherwise try a bad name as a GStreamer pipeline and an image pattern, print its own noise and
// fail without saying why (a directory included).
#pragma once

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <iostream>
#include <system_error>
#include <string>

#include "engine/core/error.h"
#include "engine/core/file_check.h"
#include "engine/core/image.h"

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

// Opens --video after require_video_file. A file that exists but that no backend decodes is
// Error(Input) naming it, without the warnings each OpenCV backend prints as it tries and fails
// (GStreamer's typefind, the image-sequence pattern), which only bury the one line that says why.
inline cv::VideoCapture open_video_file(const std::string& path) {
  require_video_file(path);
  const cv::utils::logging::LogLevel level = cv::utils::logging::getLogLevel();
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  cv::VideoCapture capture;
  bool opened = false;
  try {
    opened = capture.open(path);
  } catch (const cv::Exception&) {
    opened = false;
  }
  cv::utils::logging::setLogLevel(level);
  if (!opened)
    throw Error(ErrorKind::Input, "--video '" + path + "': no OpenCV backend can decode it; expected a video "
                                  "file (e.g. data/vtest.avi from ./scripts/setup.sh)");
  return capture;
}

// A frame OpenCV decoded, as the engine's pre-processing reads it (OpenCV decodes to BGR).
inline ImageView bgr_view(const cv::Mat& frame) {
  ImageView view;
  view.format = PixelFormat::BGR;
  view.width = frame.cols;
  view.height = frame.rows;
  view.planes[0] = frame.data;
  view.strides[0] = int(frame.step);
  return view;
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
