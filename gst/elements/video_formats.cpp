#include "gst/elements/video_formats.h"

namespace deltacnn_gst {

bool to_pixel_format(GstVideoFormat format, dcnn::PixelFormat* out) {
  switch (format) {
    case GST_VIDEO_FORMAT_RGB: *out = dcnn::PixelFormat::RGB; return true;
    case GST_VIDEO_FORMAT_BGR: *out = dcnn::PixelFormat::BGR; return true;
    case GST_VIDEO_FORMAT_RGBx: *out = dcnn::PixelFormat::RGBx; return true;
    case GST_VIDEO_FORMAT_BGRx: *out = dcnn::PixelFormat::BGRx; return true;
    case GST_VIDEO_FORMAT_RGBA: *out = dcnn::PixelFormat::RGBA; return true;
    case GST_VIDEO_FORMAT_BGRA: *out = dcnn::PixelFormat::BGRA; return true;
    case GST_VIDEO_FORMAT_I420: *out = dcnn::PixelFormat::I420; return true;
    case GST_VIDEO_FORMAT_NV12: *out = dcnn::PixelFormat::NV12; return true;
    default: return false;
  }
}

dcnn::ImageView image_view(const GstVideoFrame& frame, dcnn::PixelFormat format) {
  dcnn::ImageView view;
  view.format = format;
  view.width = GST_VIDEO_FRAME_WIDTH(&frame);
  view.height = GST_VIDEO_FRAME_HEIGHT(&frame);
  const guint n_planes = GST_VIDEO_FRAME_N_PLANES(&frame);
  for (guint p = 0; p < n_planes && p < 3; ++p) {
    view.planes[p] = static_cast<const uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p));
    view.strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p);
  }
  return view;
}

}  // namespace deltacnn_gst
