// deltacnnoverlay: draws deltacnn metadata (boxes, labels, skeletons, stats) onto the frames.
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DELTACNN_OVERLAY (gst_deltacnn_overlay_get_type ())
G_DECLARE_FINAL_TYPE (GstDeltaCnnOverlay, gst_deltacnn_overlay, GST, DELTACNN_OVERLAY,
    GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE (deltacnnoverlay);

G_END_DECLS
