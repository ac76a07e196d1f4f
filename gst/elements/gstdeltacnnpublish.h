// deltacnnpublish: publishes the track events of an upstream deltacnn element to an MQTT broker.
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DELTACNN_PUBLISH (gst_deltacnn_publish_get_type ())
G_DECLARE_FINAL_TYPE (GstDeltaCnnPublish, gst_deltacnn_publish, GST, DELTACNN_PUBLISH,
    GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE (deltacnnpublish);

G_END_DECLS
