// Frame -> model input on the CPU with OpenCV: cv::Mat headers over the caller's planes (no
// copy for packed formats), one cvtColor to the model's channel order (BT.601 limited range for
// I420/NV12, the matrix GStreamer assigns to SD YUV), then resize and conversion to float.
#include "engine/pre/preprocess.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstring>

#include "engine/core/error.h"

namespace dcnn {
namespace {

int packed_channels(PixelFormat f) {
  switch (f) {
    case PixelFormat::RGB:
    case PixelFormat::BGR: return 3;
    case PixelFormat::RGBx:
    case PixelFormat::BGRx:
    case PixelFormat::RGBA:
    case PixelFormat::BGRA: return 4;
    default: return 0;
  }
}

[[noreturn]] void bad_frame(const ImageView& f, const std::string& problem,
                            const std::string& expected) {
  throw Error(ErrorKind::Input, std::string("pre-processing ") + to_string(f.format) + " " +
                                    std::to_string(f.width) + "x" + std::to_string(f.height) +
                                    " frame: " + problem + "; expected " + expected);
}

void check_plane(const ImageView& f, int plane, int row_bytes) {
  if (!f.planes[plane]) bad_frame(f, "plane " + std::to_string(plane) + " is null", "a mapped plane");
  if (f.strides[plane] < row_bytes) {
    bad_frame(f, "plane " + std::to_string(plane) + " stride " + std::to_string(f.strides[plane]) +
                     " is smaller than a row", "a stride >= " + std::to_string(row_bytes) + " bytes");
  }
}

// Copies planar/semi-planar YUV into one contiguous buffer of even size (OpenCV's YUV 4:2:0
// converters want that), replicating the last row/column for odd sizes so the extra pixels
// (cropped away afterwards) see the same chroma as their neighbours.
cv::Mat yuv420_to_rgb(const ImageView& f, bool to_bgr) {
  const int w = f.width, h = f.height;
  const int ew = (w + 1) & ~1, eh = (h + 1) & ~1;
  const int cw = ew / 2, ch = eh / 2;
  cv::Mat buf(eh * 3 / 2, ew, CV_8UC1);
  uint8_t* base = buf.ptr<uint8_t>();
  for (int y = 0; y < eh; ++y) {
    const uint8_t* src = f.planes[0] + int64_t(std::min(y, h - 1)) * f.strides[0];
    uint8_t* dst = base + int64_t(y) * ew;
    std::memcpy(dst, src, size_t(w));
    if (ew != w) dst[w] = src[w - 1];
  }
  uint8_t* chroma = base + int64_t(eh) * ew;
  if (f.format == PixelFormat::I420) {
    // U plane then V plane, each cw x ch, packed back to back.
    for (int p = 1; p <= 2; ++p) {
      uint8_t* out = chroma + int64_t(p - 1) * cw * ch;
      for (int y = 0; y < ch; ++y)
        std::memcpy(out + int64_t(y) * cw, f.planes[p] + int64_t(y) * f.strides[p], size_t(cw));
    }
    cv::Mat rgb;
    cv::cvtColor(buf, rgb, to_bgr ? cv::COLOR_YUV2BGR_I420 : cv::COLOR_YUV2RGB_I420);
    return rgb(cv::Rect(0, 0, w, h));
  }
  for (int y = 0; y < ch; ++y)
    std::memcpy(chroma + int64_t(y) * ew, f.planes[1] + int64_t(y) * f.strides[1], size_t(2 * cw));
  cv::Mat rgb;
  cv::cvtColor(buf, rgb, to_bgr ? cv::COLOR_YUV2BGR_NV12 : cv::COLOR_YUV2RGB_NV12);
  return rgb(cv::Rect(0, 0, w, h));
}

// 8-bit, 3 channels, in the model's channel order. May alias the frame (no copy).
cv::Mat to_model_order(const ImageView& f, ColorOrder order) {
  const bool bgr = order == ColorOrder::BGR;
  const int channels = packed_channels(f.format);
  if (channels > 0) {
    check_plane(f, 0, f.width * channels);
    const cv::Mat src(f.height, f.width, CV_8UC(channels), const_cast<uint8_t*>(f.planes[0]),
                      size_t(f.strides[0]));
    cv::Mat out;
    switch (f.format) {
      case PixelFormat::RGB:
        if (!bgr) return src;
        cv::cvtColor(src, out, cv::COLOR_RGB2BGR);
        return out;
      case PixelFormat::BGR:
        if (bgr) return src;
        cv::cvtColor(src, out, cv::COLOR_BGR2RGB);
        return out;
      case PixelFormat::RGBx:
      case PixelFormat::RGBA:
        cv::cvtColor(src, out, bgr ? cv::COLOR_RGBA2BGR : cv::COLOR_RGBA2RGB);
        return out;
      default:  // BGRx, BGRA
        cv::cvtColor(src, out, bgr ? cv::COLOR_BGRA2BGR : cv::COLOR_BGRA2RGB);
        return out;
    }
  }
  const int cw = (f.width + 1) / 2;
  check_plane(f, 0, f.width);
  if (f.format == PixelFormat::I420) {
    check_plane(f, 1, cw);
    check_plane(f, 2, cw);
  } else if (f.format == PixelFormat::NV12) {
    check_plane(f, 1, 2 * cw);
  } else {
    bad_frame(f, "unknown pixel format", "RGB, BGR, RGBx, BGRx, RGBA, BGRA, I420 or NV12");
  }
  return yuv420_to_rgb(f, bgr);
}

}  // namespace

const char* to_string(PixelFormat format) noexcept {
  switch (format) {
    case PixelFormat::RGB: return "RGB";
    case PixelFormat::BGR: return "BGR";
    case PixelFormat::RGBx: return "RGBx";
    case PixelFormat::BGRx: return "BGRx";
    case PixelFormat::RGBA: return "RGBA";
    case PixelFormat::BGRA: return "BGRA";
    case PixelFormat::I420: return "I420";
    case PixelFormat::NV12: return "NV12";
  }
  return "unknown";
}

Preprocessor::Preprocessor(const InputConfig& config) : config_(config) {
  if (config_.width <= 0 || config_.height <= 0) {
    throw Error(ErrorKind::Config, "pre-processing: model input size " +
                                       std::to_string(config_.width) + "x" +
                                       std::to_string(config_.height) +
                                       "; expected positive input.width and input.height");
  }
}

FrameGeometry Preprocessor::geometry(int frame_width, int frame_height) const {
  return FrameGeometry::make(frame_width, frame_height, config_.width, config_.height,
                             config_.resize);
}

void Preprocessor::run(const ImageView& frame, float* out) const {
  if (frame.width <= 0 || frame.height <= 0) bad_frame(frame, "zero or negative size", "a positive width and height");
  if (!out) throw Error(ErrorKind::Internal, "pre-processing: output buffer is null");
  const cv::Mat rgb = to_model_order(frame, config_.color);
  const int W = config_.width, H = config_.height;
  cv::Mat dst(H, W, CV_32FC3, out);
  const FrameGeometry g = geometry(frame.width, frame.height);
  cv::Mat target = dst;
  int content_w = W, content_h = H;
  if (config_.resize == ResizeKind::Letterbox) {
    content_w = int(std::lround(frame.width * double(g.scale_x)));
    content_h = int(std::lround(frame.height * double(g.scale_y)));
    dst.setTo(cv::Scalar::all(config_.pad_value));
    target = dst(cv::Rect(int(g.pad_x), int(g.pad_y), content_w, content_h));
  }
  if (rgb.cols == content_w && rgb.rows == content_h) {
    rgb.convertTo(target, CV_32F);  // same size: no interpolation at all
    return;
  }
  cv::Mat resized;
  cv::resize(rgb, resized, cv::Size(content_w, content_h), 0, 0, cv::INTER_LINEAR);
  resized.convertTo(target, CV_32F);
}

}  // namespace dcnn
