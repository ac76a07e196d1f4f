// Draws deltacnn metadata (ROI boxes, labels, pose skeletons, frame stats) onto a mapped
// frame with OpenCV, in place. Packed RGB formats are drawn in colour; I420 / NV12 on the luma
// plane only (chroma is left as it is).
#pragma once

#include <gst/video/video.h>

#include "gst/elements/video_formats.h"

namespace deltacnn_gst {

struct OverlayOptions {
  double keypoint_threshold = 0.3;  // keypoints (and their connections) below are not drawn
  bool show_stats = false;          // a text line with the frame meta's numbers
  int thickness = 2;                // line thickness in pixels
};

// `frame` must be mapped for writing; metadata is read from frame->buffer. Draws in `picture`
// (picture_region: the caps' picture, a crop of the buffer), whose pixels the metadata's are.
void draw_overlay(GstVideoFrame* frame, const PictureRegion& picture, const OverlayOptions& options);

// True when the buffer carries anything draw_overlay would draw.
bool has_overlay_content(GstBuffer* buffer, const OverlayOptions& options);

}  // namespace deltacnn_gst
