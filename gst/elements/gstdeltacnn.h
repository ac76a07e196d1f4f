// The deltacnn element: runs a CNN on every frame as a sparse delta network and attaches
// per-object and per-frame metadata (gst/meta/deltacnnmeta.h). Never modifies pixels.
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DELTACNN (gst_deltacnn_get_type ())
G_DECLARE_FINAL_TYPE (GstDeltaCnn, gst_deltacnn, GST, DELTACNN, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE (deltacnn);

G_END_DECLS
