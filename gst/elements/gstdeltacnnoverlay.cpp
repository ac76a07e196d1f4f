/* deltacnnoverlay: draws deltacnn results onto video.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-deltacnnoverlay
 * @title: deltacnnoverlay
 *
 * Draws every #GstVideoRegionOfInterestMeta of a frame (box, label, confidence and id) and,
 * for pose models, the skeleton from the ROI's `keypoints` structure: points whose confidence
 * is at least `keypoint-threshold`, and the connections between two such points. With
 * `show-stats` it also prints the `DeltaCnnFrameMeta` numbers (keyframe, active fractions,
 * inference time, backend). Drawing is in place; I420 and NV12 frames are drawn on the luma
 * plane (grey lines).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=data/vtest.avi ! avidemux ! avdec_msmpeg4 ! videoconvert ! \
 *   deltacnn config-file-path=configs/movenet-multipose.yaml ! \
 *   deltacnnoverlay show-stats=true ! videoconvert ! autovideosink
 * ]|
 */
#include "gst/elements/gstdeltacnnoverlay.h"

#include <gst/video/video.h>

#include <exception>
#include <mutex>

#include "gst/elements/lost_objects.h"
#include "gst/elements/overlay_drawing.h"
#include "gst/elements/video_formats.h"

GST_DEBUG_CATEGORY_STATIC (gst_deltacnn_overlay_debug);
#define GST_CAT_DEFAULT gst_deltacnn_overlay_debug

#define DEFAULT_KEYPOINT_THRESHOLD 0.3
#define DEFAULT_SHOW_STATS FALSE
#define DEFAULT_THICKNESS 2

namespace {

struct OverlayPrivate {
  std::mutex lock;                         // guards options
  deltacnn_gst::OverlayOptions options;
  GstVideoInfo info;                       // streaming thread
  bool lost_warned = false;                // streaming thread: lost_objects_warning is out
};

}  // namespace

struct _GstDeltaCnnOverlay {
  GstBaseTransform parent;
  OverlayPrivate *priv;
};

enum {
  PROP_0,
  PROP_KEYPOINT_THRESHOLD,
  PROP_SHOW_STATS,
  PROP_THICKNESS,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (DELTACNN_VIDEO_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (DELTACNN_VIDEO_CAPS));

#define gst_deltacnn_overlay_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstDeltaCnnOverlay, gst_deltacnn_overlay, GST_TYPE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_deltacnn_overlay_debug, "deltacnnoverlay", 0,
        "deltacnn metadata overlay"));
GST_ELEMENT_REGISTER_DEFINE (deltacnnoverlay, "deltacnnoverlay", GST_RANK_NONE,
    GST_TYPE_DELTACNN_OVERLAY);

static void
gst_deltacnn_overlay_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstDeltaCnnOverlay *self = GST_DELTACNN_OVERLAY (object);
  std::lock_guard < std::mutex > lock (self->priv->lock);
  deltacnn_gst::OverlayOptions & o = self->priv->options;

  switch (prop_id) {
    case PROP_KEYPOINT_THRESHOLD:
      o.keypoint_threshold = g_value_get_double (value);
      break;
    case PROP_SHOW_STATS:
      o.show_stats = g_value_get_boolean (value);
      break;
    case PROP_THICKNESS:
      o.thickness = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_deltacnn_overlay_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstDeltaCnnOverlay *self = GST_DELTACNN_OVERLAY (object);
  std::lock_guard < std::mutex > lock (self->priv->lock);
  const deltacnn_gst::OverlayOptions & o = self->priv->options;

  switch (prop_id) {
    case PROP_KEYPOINT_THRESHOLD:
      g_value_set_double (value, o.keypoint_threshold);
      break;
    case PROP_SHOW_STATS:
      g_value_set_boolean (value, o.show_stats);
      break;
    case PROP_THICKNESS:
      g_value_set_int (value, o.thickness);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_deltacnn_overlay_finalize (GObject * object)
{
  GstDeltaCnnOverlay *self = GST_DELTACNN_OVERLAY (object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static gboolean
gst_deltacnn_overlay_set_caps (GstBaseTransform * trans, GstCaps * incaps, GstCaps * outcaps)
{
  GstDeltaCnnOverlay *self = GST_DELTACNN_OVERLAY (trans);
  (void) outcaps;
  if (!gst_video_info_from_caps (&self->priv->info, incaps)) {
    GST_ERROR_OBJECT (self, "unsupported caps %" GST_PTR_FORMAT, incaps);
    return FALSE;
  }
  return TRUE;
}

static GstFlowReturn
gst_deltacnn_overlay_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstDeltaCnnOverlay *self = GST_DELTACNN_OVERLAY (trans);
  deltacnn_gst::OverlayOptions options;
  GstVideoFrame frame;
  {
    std::lock_guard < std::mutex > lock (self->priv->lock);
    options = self->priv->options;
  }
  deltacnn_gst::warn_once_of_lost_objects (GST_ELEMENT (self), buf, &self->priv->lost_warned,
      "boxes are drawn without scores or keypoints");
  // Nothing to draw: do not map (mapping for writing may copy shared memory).
  if (!deltacnn_gst::has_overlay_content (buf, options))
    return GST_FLOW_OK;

  if (!gst_video_frame_map (&frame, &self->priv->info, buf, GST_MAP_READWRITE)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Failed to map a video frame for drawing"),
        ("gst_video_frame_map failed on %" GST_PTR_FORMAT, buf));
    return GST_FLOW_ERROR;
  }
  deltacnn_gst::PictureRegion picture;
  std::string outside;
  if (!deltacnn_gst::picture_region (frame, self->priv->info, &picture, &outside)) {
    gst_video_frame_unmap (&frame);
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("A buffer does not hold the picture its caps "
            "describe"), ("%s", outside.c_str ()));
    return GST_FLOW_ERROR;
  }
  try {
    deltacnn_gst::draw_overlay (&frame, picture, options);
  } catch (const std::exception & e) {      // cv::Exception on a broken frame layout
    gst_video_frame_unmap (&frame);
    GST_ELEMENT_ERROR (self, LIBRARY, FAILED, ("Failed to draw the overlay: %s", e.what ()),
        (nullptr));
    return GST_FLOW_ERROR;
  }
  gst_video_frame_unmap (&frame);
  return GST_FLOW_OK;
}

static void
gst_deltacnn_overlay_class_init (GstDeltaCnnOverlayClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const auto flags = static_cast<GParamFlags> (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING);

  gobject_class->set_property = gst_deltacnn_overlay_set_property;
  gobject_class->get_property = gst_deltacnn_overlay_get_property;
  gobject_class->finalize = gst_deltacnn_overlay_finalize;

  g_object_class_install_property (gobject_class, PROP_KEYPOINT_THRESHOLD,
      g_param_spec_double ("keypoint-threshold", "Keypoint threshold",
          "Keypoints with a lower confidence (and their connections) are not drawn. "
          "Default 0.3", 0.0, 1.0, DEFAULT_KEYPOINT_THRESHOLD, flags));
  g_object_class_install_property (gobject_class, PROP_SHOW_STATS,
      g_param_spec_boolean ("show-stats", "Show stats",
          "Print the frame's deltacnn numbers (keyframe, active fractions, inference time, "
          "backend) in the top-left corner. Default false", DEFAULT_SHOW_STATS, flags));
  g_object_class_install_property (gobject_class, PROP_THICKNESS,
      g_param_spec_int ("thickness", "Thickness",
          "Line thickness in pixels. Default 2", 1, 64, DEFAULT_THICKNESS, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "DeltaCNN metadata overlay",
      "Filter/Effect/Video",
      "Draws deltacnn boxes, labels, pose skeletons and frame statistics onto the frames",
      "deltacnn developers");

  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_deltacnn_overlay_set_caps);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_deltacnn_overlay_transform_ip);
  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->transform_ip_on_passthrough = FALSE;
}

static void
gst_deltacnn_overlay_init (GstDeltaCnnOverlay * self)
{
  self->priv = new OverlayPrivate ();
  self->priv->options.keypoint_threshold = DEFAULT_KEYPOINT_THRESHOLD;
  self->priv->options.show_stats = DEFAULT_SHOW_STATS;
  self->priv->options.thickness = DEFAULT_THICKNESS;
  gst_video_info_init (&self->priv->info);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), FALSE);
}
