// Raw video formats the deltacnn elements accept (system memory), and the mapped frame ->
// engine ImageView conversion.
#pragma once

#include <gst/video/video.h>

#include "engine/pre/preprocess.h"

#define DELTACNN_VIDEO_FORMATS "{ RGB, BGR, RGBx, BGRx, RGBA, BGRA, I420, NV12 }"
#define DELTACNN_VIDEO_CAPS GST_VIDEO_CAPS_MAKE (DELTACNN_VIDEO_FORMATS)

namespace deltacnn_gst {

// False for a format outside DELTACNN_VIDEO_FORMATS (caps negotiation keeps those out).
bool to_pixel_format(GstVideoFormat format, dcnn::PixelFormat* out);

// A view of a mapped frame (no copy); valid while `frame` stays mapped.
dcnn::ImageView image_view(const GstVideoFrame& frame, dcnn::PixelFormat format);

}  // namespace deltacnn_gst
