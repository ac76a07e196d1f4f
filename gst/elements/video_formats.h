// Raw video formats the deltacnn elements accept (system memory), and the mapped frame ->
// engine ImageView conversion.
#pragma once

#include <gst/video/video.h>

#include <string>

#include "engine/pre/preprocess.h"

#define DELTACNN_VIDEO_FORMATS "{ RGB, BGR, RGBx, BGRx, RGBA, BGRA, I420, NV12 }"
#define DELTACNN_VIDEO_CAPS GST_VIDEO_CAPS_MAKE (DELTACNN_VIDEO_FORMATS)
// The inference element's caps: sides up to the pre-processing's limit (dcnn::kMaxFrameSide,
// asserted equal below), so a larger frame fails negotiation, not its first buffer.
#define DELTACNN_MAX_FRAME_SIDE 65536
#define DELTACNN_INFER_CAPS "video/x-raw, format = (string) " DELTACNN_VIDEO_FORMATS ", " \
    "width = (int) [ 1, " G_STRINGIFY (DELTACNN_MAX_FRAME_SIDE) " ], " \
    "height = (int) [ 1, " G_STRINGIFY (DELTACNN_MAX_FRAME_SIDE) " ], framerate = " GST_VIDEO_FPS_RANGE

static_assert(DELTACNN_MAX_FRAME_SIDE == dcnn::kMaxFrameSide, "the caps' largest side is the engine's");

namespace deltacnn_gst {

// False for a format outside DELTACNN_VIDEO_FORMATS (caps negotiation keeps those out).
bool to_pixel_format(GstVideoFormat format, dcnn::PixelFormat* out);

// The picture the caps describe, in the pixels of a mapped frame. A buffer can be larger than
// its caps: a decoder's padded lines (1920x1088 for 1080), or a crop made by metadata
// (videocrop, hardware decoders) when a downstream element accepts GstVideoCropMeta: the caps
// then give the cropped size and the buffer still holds the whole picture. The picture is the
// caps' size at the crop meta's corner (the frame's corner without one). A 4:2:0 picture starts
// on an even column and row, where a chroma sample starts (an odd crop offset is rounded down).
struct PictureRegion {
  int x = 0, y = 0, width = 0, height = 0;
};

// False, with *why saying so, when that picture does not lie inside the mapped frame.
bool picture_region(const GstVideoFrame& frame, const GstVideoInfo& caps, PictureRegion* out,
                    std::string* why);

// Plane `plane` of a mapped frame at the region's top-left pixel.
guint8* plane_at(const GstVideoFrame& frame, guint plane, const PictureRegion& region);

// A view of the region of a mapped frame (no copy); valid while `frame` stays mapped.
dcnn::ImageView image_view(const GstVideoFrame& frame, dcnn::PixelFormat format,
                           const PictureRegion& region);

}  // namespace deltacnn_gst
