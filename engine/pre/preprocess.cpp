// Frame -> model input on the CPU with OpenCV: cv::Mat headers over the caller's planes (no
// copy for packed formats), one cvtColor to the model's channel order (I420/NV12 in BT.601
// limited range; other matrices and ranges by engine/core/yuv.h), then resize and conversion
// to float.
#include "engine/pre/preprocess.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstring>

#include "engine/core/error.h"
#include "engine/core/yuv.h"

namespace dcnn {
namespace {

// Any other matrix or range than OpenCV's (BT.601 limited): the integer form shared with the
// CUDA kernel (engine/core/yuv.h), each 2x2 block sharing its chroma sample as there.
cv::Mat yuv420_to_rgb_by(const ImageView& f, const YuvToRgb& k, bool to_bgr) {
  cv::Mat rgb(f.height, f.width, CV_8UC3);
  const bool nv12 = f.format == PixelFormat::NV12;
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* luma = f.planes[0] + int64_t(y) * f.strides[0];
    const uint8_t* u_row = f.planes[1] + int64_t(y / 2) * f.strides[1];
    const uint8_t* v_row = nv12 ? u_row + 1 : f.planes[2] + int64_t(y / 2) * f.strides[2];
    const int chroma_step = nv12 ? 2 : 1;
    uint8_t* out = rgb.ptr<uint8_t>(y);
    for (int x = 0; x < f.width; ++x, out += 3) {
      const int c = (x / 2) * chroma_step;
      uint8_t px[3];
      yuv_to_rgb(luma[x], u_row[c], v_row[c], k, px);
      out[0] = px[to_bgr ? 2 : 0];
      out[1] = px[1];
      out[2] = px[to_bgr ? 0 : 2];
    }
  }
  return rgb;
}

// BT.601 limited range: copies planar/semi-planar YUV into one contiguous buffer of even size
// (OpenCV's YUV 4:2:0 converters want that), replicating the last row/column for odd sizes so
// the extra pixels (cropped away afterwards) see the same chroma as their neighbours.
cv::Mat yuv420_to_rgb(const ImageView& f, bool to_bgr) {
  const YuvToRgb k = yuv_to_rgb_coefficients(f.yuv_matrix, f.yuv_full_range);
  if (!(k == YuvToRgb{})) return yuv420_to_rgb_by(f, k, to_bgr);
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
  return yuv420_to_rgb(f, bgr);
}

}  // namespace

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

FramePlacement Preprocessor::placement(int frame_width, int frame_height) const {
  return frame_placement(config_, frame_width, frame_height);
}

void Preprocessor::run(const ImageView& frame, float* out) const {
  check_image_view(frame);
  if (!out) throw Error(ErrorKind::Internal, "pre-processing: output buffer is null");
  const cv::Mat rgb = to_model_order(frame, config_.color);
  const int W = config_.width, H = config_.height;
  cv::Mat dst(H, W, CV_32FC3, out);
  const FramePlacement p = placement(frame.width, frame.height);
  cv::Mat target = dst;
  const int content_w = p.content_w, content_h = p.content_h;
  if (config_.resize == ResizeKind::Letterbox) {
    dst.setTo(cv::Scalar::all(config_.pad_value));
    target = dst(cv::Rect(p.content_x, p.content_y, content_w, content_h));
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
