// deltacnnjson: writes the deltacnn metadata of every frame as one JSON object per line.
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DELTACNN_JSON (gst_deltacnn_json_get_type ())
G_DECLARE_FINAL_TYPE (GstDeltaCnnJson, gst_deltacnn_json, GST, DELTACNN_JSON, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE (deltacnnjson);

G_END_DECLS
