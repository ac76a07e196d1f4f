#include "gst/elements/video_formats.h"

#include <algorithm>

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

bool picture_region(const GstVideoFrame& frame, const GstVideoInfo& caps, PictureRegion* out,
                    std::string* why) {
  const GstVideoFormatInfo* finfo = frame.info.finfo;
  PictureRegion r;
  r.width = GST_VIDEO_INFO_WIDTH(&caps);
  r.height = GST_VIDEO_INFO_HEIGHT(&caps);
  const GstVideoCropMeta* crop = gst_buffer_get_video_crop_meta(frame.buffer);
  auto crop_text = [&] {
    return "(" + std::to_string(crop->x) + ", " + std::to_string(crop->y) + ", " + std::to_string(crop->width) +
           "x" + std::to_string(crop->height) + ")";
  };
  if (crop != nullptr && (int64_t(crop->width) != r.width || int64_t(crop->height) != r.height)) {
    // The caps describe the cropped picture (videocrop, decoders): a crop of another size would
    // be analysed at the caps' size, reading beyond it or leaving part of it out.
    *why = "the buffer's GstVideoCropMeta " + crop_text() + " is not the caps' " + std::to_string(r.width) + "x" +
           std::to_string(r.height) + " picture; expected a crop region the size of the caps";
    return false;
  }
  if (crop != nullptr) {
    // Every component's subsampling; the largest decides where a chroma sample starts.
    int w_sub = 0, h_sub = 0;
    for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS(finfo); ++c) {
      w_sub = std::max(w_sub, int(GST_VIDEO_FORMAT_INFO_W_SUB(finfo, c)));
      h_sub = std::max(h_sub, int(GST_VIDEO_FORMAT_INFO_H_SUB(finfo, c)));
    }
    r.x = int(crop->x >> w_sub << w_sub);
    r.y = int(crop->y >> h_sub << h_sub);
  }
  const int frame_w = GST_VIDEO_FRAME_WIDTH(&frame), frame_h = GST_VIDEO_FRAME_HEIGHT(&frame);
  if (crop == nullptr && (r.width > frame_w || r.height > frame_h)) {
    *why = "the buffer's " + std::to_string(frame_w) + "x" + std::to_string(frame_h) +
           " frame (its GstVideoMeta) is smaller than the caps' " + std::to_string(r.width) + "x" +
           std::to_string(r.height) + " picture; expected a frame at least the caps' size";
    return false;
  }
  if (int64_t(r.x) + r.width > frame_w || int64_t(r.y) + r.height > frame_h) {
    *why = "the buffer's GstVideoCropMeta " + crop_text() + " does not lie inside its " + std::to_string(frame_w) +
           "x" + std::to_string(frame_h) + " frame" +
           (gst_buffer_get_video_meta(frame.buffer) == nullptr
                ? "; expected a GstVideoMeta giving the uncropped frame's size (a buffer larger than its caps "
                  "needs one)"
                : "; expected a crop region inside the GstVideoMeta's frame");
    return false;
  }
  *out = r;
  return true;
}

guint8* plane_at(const GstVideoFrame& frame, guint plane, const PictureRegion& region) {
  auto* data = static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, plane));
  if (region.x == 0 && region.y == 0) return data;
  const GstVideoFormatInfo* finfo = frame.info.finfo;
  gint components[GST_VIDEO_MAX_COMPONENTS];
  gst_video_format_info_component(finfo, plane, components);
  const gint c = components[0];  // every component of a plane has its pixel stride and sampling
  return data + size_t(GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT(finfo, c, region.y)) *
                    size_t(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, plane)) +
         size_t(GST_VIDEO_FORMAT_INFO_SCALE_WIDTH(finfo, c, region.x)) *
             size_t(GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, c));
}

dcnn::ImageView image_view(const GstVideoFrame& frame, dcnn::PixelFormat format,
                           const PictureRegion& region) {
  dcnn::ImageView view;
  view.format = format;
  view.width = region.width;
  view.height = region.height;
  const guint n_planes = GST_VIDEO_FRAME_N_PLANES(&frame);
  for (guint p = 0; p < n_planes && p < 3; ++p) {
    view.planes[p] = plane_at(frame, p, region);
    view.strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p);
  }
  // The caps' colorimetry (GStreamer fills in its default, BT.601 for SD and BT.709 for HD,
  // when the caps name none): what videoconvert would use for the same frame.
  const GstVideoColorimetry& colorimetry = frame.info.colorimetry;
  switch (colorimetry.matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT709:
    case GST_VIDEO_COLOR_MATRIX_SMPTE240M: view.yuv_matrix = dcnn::YuvMatrix::Bt709; break;
    case GST_VIDEO_COLOR_MATRIX_BT2020: view.yuv_matrix = dcnn::YuvMatrix::Bt2020; break;
    default: view.yuv_matrix = dcnn::YuvMatrix::Bt601; break;  // BT.601, FCC (close), unknown
  }
  view.yuv_full_range = colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
  return view;
}

}  // namespace deltacnn_gst
