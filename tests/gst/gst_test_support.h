// Shared helpers of the GStreamer suites (tests/gst, tests/e2e): GStreamer initialised with the
// plugin from the build dir, frames in every supported format, errors read off the bus.
#pragma once

#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace deltacnn_test {

// gst_init once, with GST_PLUGIN_PATH pointing at <build>/gst/elements and a registry file of
// this test binary's own (so that tests never touch the user's registry).
void init_gstreamer();

// <source>/configs/<name>, <source>/models/<name>, <source>/data/vtest.avi. These do not check
// existence: use require_asset() in the test body (it FAILs with the set-up hint).
std::string config_path(const std::string& name);
std::string model_path(const std::string& name);
std::string vtest_path();
// True when `path` exists; otherwise records a failure "… is missing: run ./scripts/setup.sh".
bool require_asset(const std::string& path);

// Frame `index` of data/vtest.avi as BGR (768x576), decoded with OpenCV. Empty on failure.
cv::Mat vtest_frame(int index);
// A deterministic synthetic BGR image: gradient background and a few bright blocks.
cv::Mat synthetic_bgr(int width, int height, int shift = 0);

// `bgr` converted into a new buffer of `format` (any DELTACNN format), with GstVideoMeta-free
// default strides. Sets PTS = pts_ns.
GstBuffer* make_buffer(const cv::Mat& bgr, GstVideoFormat format, GstClockTime pts_ns = 0);
std::string caps_string(GstVideoFormat format, int width, int height);

// Pushes `in` (ownership taken) through the harness and asserts (gtest) that the buffer that
// comes out holds exactly the input's bytes: the element did not touch the pixels.
void expect_pushed_buffer_unchanged(GstHarness* h, GstBuffer* in);

// All formats the elements accept.
const std::vector<GstVideoFormat>& supported_formats();

struct BusError {
  GQuark domain = 0;
  int code = 0;
  std::string message;
  std::string debug;
  std::string source;  // name of the element that posted it
};

// An ERROR, WARNING or INFO message as a BusError.
BusError to_bus_error(GstMessage* message);

// Puts `element` alone into a pipeline, sets it to PAUSED and returns the first ERROR message
// if the state change failed (nullopt when it succeeded). Takes ownership of `element`.
std::optional<BusError> start_and_get_error(GstElement* element);

// Runs a gst_parse_launch pipeline to EOS or ERROR (timeout in seconds); returns the error,
// if any. *reached_eos tells whether EOS came; `warnings`, when given, gets every WARNING
// message posted until then.
std::optional<BusError> run_pipeline(const std::string& description, int timeout_s,
                                     bool* reached_eos, std::vector<BusError>* warnings = nullptr);

// The JSON records of a deltacnnjson output file, one per line.
std::vector<nlohmann::json> read_json_records(const std::string& path);

// A fresh file name under TMPDIR (the file does not exist yet).
std::string temp_path(const std::string& stem, const std::string& suffix);

// A copy of configs/<shipped> under TMPDIR with its model path made absolute and `extra_yaml`
// appended (e.g. a zones: block); "" when the shipped file cannot be read. The caller removes it.
std::string config_with(const std::string& shipped, const std::string& extra_yaml);

}  // namespace deltacnn_test
