#include "tests/gst/gst_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "tests/common/test_paths.h"

namespace deltacnn_test {

namespace {

std::string program_name() {
  char exe[PATH_MAX] = {0};
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return "deltacnn-test";
  std::string path(exe, static_cast<size_t>(n));
  return path.substr(path.find_last_of('/') + 1);
}

}  // namespace

void init_gstreamer() {
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string plugin_dir = dcnn::test::build_root() + "/gst/elements";
    const std::string registry =
        dcnn::test::build_root() + "/tests/gst/registry-" + program_name() + ".bin";
    ::setenv("GST_PLUGIN_PATH", plugin_dir.c_str(), 1);
    ::setenv("GST_REGISTRY", registry.c_str(), 1);
    gst_init(nullptr, nullptr);
  });
}

std::string config_path(const std::string& name) {
  return dcnn::test::source_path("configs/" + name);
}
std::string model_path(const std::string& name) {
  return dcnn::test::source_path("models/" + name);
}
std::string vtest_path() { return dcnn::test::source_path("data/vtest.avi"); }

bool require_asset(const std::string& path) {
  if (dcnn::test::file_exists(path)) return true;
  ADD_FAILURE() << dcnn::test::missing_asset_message(path);
  return false;
}

cv::Mat vtest_frame(int index) {
  cv::VideoCapture capture(vtest_path());
  if (!capture.isOpened()) return {};
  cv::Mat frame;
  for (int i = 0; i <= index; ++i)
    if (!capture.read(frame)) return {};
  return frame.clone();
}

cv::Mat synthetic_bgr(int width, int height, int shift) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>((x * 3) & 255),
                                            static_cast<uchar>((y * 5) & 255), 96);
  cv::rectangle(image, cv::Rect(width / 4 + shift, height / 4, width / 5, height / 3),
                cv::Scalar(240, 240, 240), cv::FILLED);
  return image;
}

const std::vector<GstVideoFormat>& supported_formats() {
  static const std::vector<GstVideoFormat> formats = {
      GST_VIDEO_FORMAT_RGB,  GST_VIDEO_FORMAT_BGR,  GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_BGRx,
      GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_NV12};
  return formats;
}

std::string caps_string(GstVideoFormat format, int width, int height) {
  return std::string("video/x-raw,format=") + gst_video_format_to_string(format) +
         ",width=" + std::to_string(width) + ",height=" + std::to_string(height) +
         ",framerate=10/1";
}

namespace {

void copy_rows(const cv::Mat& src, uint8_t* dst, int stride) {
  const size_t row_bytes = src.cols * src.elemSize();
  for (int y = 0; y < src.rows; ++y) std::memcpy(dst + y * stride, src.ptr(y), row_bytes);
}

}  // namespace

GstBuffer* make_buffer(const cv::Mat& bgr, GstVideoFormat format, GstClockTime pts_ns) {
  GstVideoInfo info;
  gst_video_info_set_format(&info, format, bgr.cols, bgr.rows);
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  GST_BUFFER_PTS(buffer) = pts_ns;
  GST_BUFFER_DURATION(buffer) = GST_SECOND / 10;
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &info, buffer, GST_MAP_WRITE)) {
    ADD_FAILURE() << "could not map a new buffer";
    return buffer;
  }
  auto plane = [&](int p) { return static_cast<uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p)); };
  auto stride = [&](int p) { return GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p); };
  cv::Mat converted;
  switch (format) {
    case GST_VIDEO_FORMAT_RGB: cv::cvtColor(bgr, converted, cv::COLOR_BGR2RGB); break;
    case GST_VIDEO_FORMAT_BGR: converted = bgr; break;
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_RGBA: cv::cvtColor(bgr, converted, cv::COLOR_BGR2RGBA); break;
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_BGRA: cv::cvtColor(bgr, converted, cv::COLOR_BGR2BGRA); break;
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_NV12: {
      // OpenCV converts even sizes only: pad odd frames by one edge pixel (GStreamer's chroma
      // planes of odd frames are rounded up the same way).
      cv::Mat even;
      cv::copyMakeBorder(bgr, even, 0, bgr.rows % 2, 0, bgr.cols % 2, cv::BORDER_REPLICATE);
      cv::cvtColor(even, converted, cv::COLOR_BGR2YUV_I420);
      break;
    }
    default: ADD_FAILURE() << "unsupported test format"; break;
  }
  const int w = bgr.cols, h = bgr.rows;
  if (format == GST_VIDEO_FORMAT_I420 || format == GST_VIDEO_FORMAT_NV12) {
    // OpenCV's I420 is one (H * 3/2) x W plane of the even-padded W x H frame: Y rows, then
    // U (W/2 x H/2), then V.
    const int ew = w + w % 2, eh = h + h % 2, cw = ew / 2, ch = eh / 2;
    const uint8_t* y_src = converted.ptr(0);
    const uint8_t* u_src = y_src + ew * eh;
    const uint8_t* v_src = u_src + cw * ch;
    for (int y = 0; y < h; ++y) std::memcpy(plane(0) + y * stride(0), y_src + y * ew, w);
    for (int y = 0; y < ch; ++y) {
      if (format == GST_VIDEO_FORMAT_I420) {
        std::memcpy(plane(1) + y * stride(1), u_src + y * cw, cw);
        std::memcpy(plane(2) + y * stride(2), v_src + y * cw, cw);
      } else {
        uint8_t* uv = plane(1) + y * stride(1);
        for (int x = 0; x < cw; ++x) {
          uv[2 * x] = u_src[y * cw + x];
          uv[2 * x + 1] = v_src[y * cw + x];
        }
      }
    }
  } else {
    copy_rows(converted, plane(0), stride(0));
  }
  gst_video_frame_unmap(&frame);
  return buffer;
}

BusError to_bus_error(GstMessage* message) {
  BusError out;
  GError* error = nullptr;
  gchar* debug = nullptr;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_WARNING)
    gst_message_parse_warning(message, &error, &debug);
  else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_INFO)
    gst_message_parse_info(message, &error, &debug);
  else
    gst_message_parse_error(message, &error, &debug);
  out.domain = error->domain;
  out.code = error->code;
  out.message = error->message ? error->message : "";
  out.debug = debug ? debug : "";
  out.source = GST_MESSAGE_SRC_NAME(message) ? GST_MESSAGE_SRC_NAME(message) : "";
  g_error_free(error);
  g_free(debug);
  return out;
}


std::optional<BusError> start_and_get_error(GstElement* element) {
  GstElement* pipeline = gst_pipeline_new("start-test");
  gst_bin_add(GST_BIN(pipeline), element);
  GstStateChangeReturn ret = gst_element_set_state(pipeline, GST_STATE_PAUSED);
  std::optional<BusError> result;
  GstBus* bus = gst_element_get_bus(pipeline);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    if (message != nullptr) {
      result = to_bus_error(message);
      gst_message_unref(message);
    } else {
      result = BusError{};
      result->message = "<state change failed without an ERROR message>";
    }
  }
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return result;
}

std::optional<BusError> run_pipeline(const std::string& description, int timeout_s,
                                     bool* reached_eos, std::vector<BusError>* warnings) {
  *reached_eos = false;
  GError* parse_error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &parse_error);
  if (parse_error != nullptr) {
    BusError e;
    e.domain = parse_error->domain;
    e.code = parse_error->code;
    e.message = std::string("parse error: ") + parse_error->message;
    g_error_free(parse_error);
    if (pipeline) gst_object_unref(pipeline);
    return e;
  }
  std::optional<BusError> result;
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  const gint64 deadline = g_get_monotonic_time() + gint64(timeout_s) * G_USEC_PER_SEC;
  GstMessage* message = nullptr;
  for (;;) {
    const gint64 left_us = std::max<gint64>(0, deadline - g_get_monotonic_time());
    message = gst_bus_timed_pop_filtered(
        bus, static_cast<GstClockTime>(left_us) * GST_USECOND,
        static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_WARNING));
    if (message == nullptr || GST_MESSAGE_TYPE(message) != GST_MESSAGE_WARNING) break;
    if (warnings != nullptr) warnings->push_back(to_bus_error(message));
    gst_message_unref(message);
  }
  if (message == nullptr) {
    result = BusError{};
    result->message = "timeout after " + std::to_string(timeout_s) + " s";
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    result = to_bus_error(message);
  } else {
    *reached_eos = true;
  }
  if (message) gst_message_unref(message);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return result;
}

std::vector<nlohmann::json> read_json_records(const std::string& path) {
  std::vector<nlohmann::json> records;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

std::string temp_path(const std::string& stem, const std::string& suffix) {
  static std::atomic<int> counter{0};
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp && *tmp ? tmp : "/tmp") + "/" + stem + "-" + std::to_string(::getpid()) +
         "-" + std::to_string(counter++) + suffix;
}

std::string config_with(const std::string& shipped, const std::string& extra_yaml) {
  const std::string source = config_path(shipped);
  std::ifstream in(source);
  if (!in) return "";
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The copy lives under TMPDIR: its model path must not be relative to configs/.
  const std::string relative = "onnx: ../models/";
  const size_t at = yaml.find(relative);
  if (at == std::string::npos) return "";
  yaml.replace(at, relative.size(), "onnx: " + model_path(""));
  const std::string path = temp_path("deltacnn-config", ".yaml");
  std::ofstream(path) << yaml << "\n" << extra_yaml;
  return path;
}

void expect_pushed_buffer_unchanged(GstHarness* h, GstBuffer* in) {
  GstBuffer* reference = gst_buffer_copy_deep(in);
  GstBuffer* out = gst_harness_push_and_pull(h, in);
  ASSERT_NE(out, nullptr);
  GstMapInfo a, b;
  ASSERT_TRUE(gst_buffer_map(out, &a, GST_MAP_READ));
  ASSERT_TRUE(gst_buffer_map(reference, &b, GST_MAP_READ));
  ASSERT_EQ(a.size, b.size);
  EXPECT_EQ(memcmp(a.data, b.data, a.size), 0);
  gst_buffer_unmap(out, &a);
  gst_buffer_unmap(reference, &b);
  gst_buffer_unref(out);
  gst_buffer_unref(reference);
}

}  // namespace deltacnn_test
