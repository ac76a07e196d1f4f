/* deltacnn metadata: what the `deltacnn` element attaches to every buffer, and C accessors so
 * that NVR code can read it without parsing strings. Plain C, link `gstdeltacnnmeta-1.0`
 * (pkg-config name `gstdeltacnnmeta-1.0`):
 *
 *   #include <gst/deltacnn/deltacnnmeta.h>     (installed path; in-tree "gst/meta/deltacnnmeta.h")
 *   cc nvr.c $(pkg-config --cflags --libs gstdeltacnnmeta-1.0)
 *
 * Reading one frame (see DeltaCnnDetection / DeltaCnnKeypoint below):
 *
 *   DeltaCnnFrameMeta *fm = gst_buffer_get_deltacnn_frame_meta (buffer);
 *   gpointer state = NULL;
 *   GstMeta *m;
 *   while ((m = gst_buffer_iterate_meta_filtered (buffer, &state,
 *               GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
 *     GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
 *     DeltaCnnDetection det;
 *     DeltaCnnKeypoint kp[32];
 *     if (!deltacnn_roi_get_detection (roi, &det))
 *       continue;                               // a ROI from another element
 *     guint n = deltacnn_roi_get_keypoints (roi, kp, G_N_ELEMENTS (kp));
 *     ...
 *   }
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ## Layout
 *
 * Per object: one GstVideoRegionOfInterestMeta (gstreamer-video), DL Streamer compatible:
 *
 *   roi_type   quark of the label ("person", "car", ...)
 *   id         stable object id: the track id with the tracker on (same person keeps it across
 *              frames and short misses), else the previous frame's IoU match; -1 if untracked
 *   parent_id  -1
 *   x, y, w, h box in frame pixels (clipped to the frame)
 *   params     GstStructure "detection":
 *                x_min, y_min, x_max, y_max  (gdouble, box normalised to 0..1 of the frame)
 *                confidence                  (gdouble, 0..1)
 *                label_id                    (gint, index in the model's label list)
 *                label                       (gchararray)
 *                unique_id                   (guint, the producing element's unique id)
 *                element_name                (gchararray, the producing element's name)
 *                model_name                  (gchararray, the model it ran: model.name)
 *                track_age                   (gint, tracker on only: frames since the object's
 *                                             track was first seen, 1 on that frame)
 *                zones                       (GstValueArray of gchararray, only when the YAML
 *                                             has zones: the zones the object is in, in the
 *                                             file's order; may be empty)
 *              pose models only, GstStructure "keypoints":
 *                format             "keypoints"
 *                dims               GstValueArray of gint <n_points, 2>
 *                positions          GstValueArray of gfloat, x0,y0,x1,y1,... normalised 0..1
 *                                   of the frame (not of the box)
 *                positions_px       GstValueArray of gfloat, same points in frame pixels
 *                confidences        GstValueArray of gfloat, one per point, 0..1
 *                point_names        GstValueArray of gchararray, one per point
 *                point_connections  GstValueArray of gchararray, pairs of point names
 *                                   flattened (a0,b0,a1,b1,...), as DL Streamer's model-proc
 *                point_connection_indices  GstValueArray of guint, same pairs as indices
 *
 * Per frame: one DeltaCnnFrameMeta (a registered GstMeta, API "DeltaCnnFrameMetaAPI") per
 * producing element, on EVERY buffer, including frames where nothing changed.
 *
 * Several deltacnn elements on one stream (e.g. pose then detection) each attach their own
 * objects and frame meta. Tell them apart by unique_id (the element's unique-id property;
 * left at 0, each running element takes the lowest id no other running element holds: 1, 2,
 * ...) or by element_name; object ids are unique per producing element, not across them. It is copied on
 * buffer copies and kept through scaling transforms (it holds no coordinates).
 *
 * Strings returned by the accessors (label, keypoint names) are interned GLib strings: they
 * stay valid for the life of the process, after the buffer is gone.
 */
#ifndef __DELTACNN_META_H__
#define __DELTACNN_META_H__

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

#ifndef DELTACNN_META_API
#define DELTACNN_META_API extern
#endif

/* Names of the ROI param structures and of the meta API, for code that wants to look them up
 * itself (e.g. gvametaconvert-style converters). */
#define DELTACNN_DETECTION_STRUCTURE_NAME "detection"
#define DELTACNN_KEYPOINTS_STRUCTURE_NAME "keypoints"

/* ------------------------------------------------------------------ frame meta */

typedef struct _DeltaCnnFrameMeta DeltaCnnFrameMeta;

/**
 * DeltaCnnFrameMeta:
 * @meta: parent
 * @frame_index: frames since the producing element's last reset (flush, caps change,
 *   discontinuity, stream start); 0 is a keyframe
 * @keyframe: the frame ran dense (first frame, reset, periodic keyframe, busy scene, mode=dense)
 * @input_active: fraction (0..1) of input pixels whose change exceeded the input threshold
 * @mean_active: mean over layers of the active fraction, weighted by layer cost
 * @n_layers: length of the three layer arrays below
 * @layer_names: @n_layers ONNX node names (NULL-terminated, owned by the meta)
 * @layer_active: @n_layers active fractions (0..1)
 * @layer_dense: @n_layers flags: the layer ran dense on this frame
 * @preprocess_ms: wall time of colour conversion / resize, milliseconds
 * @infer_ms: wall time of the network, milliseconds
 * @decode_ms: wall time of decoding heads into objects, milliseconds
 * @backend: the backend that ran the frame, "cpu" or "cuda" (owned by the meta)
 * @model_name: the deployment's model name (owned by the meta)
 * @unique_id: the producing element's unique id (its unique-id property, or the id it took
 *   when the property is 0)
 * @n_objects: number of ROI metas the producing element attached to this buffer
 * @element_name: the producing element's GStreamer name, e.g. "deltacnn0" (owned by the meta)
 * @requested_backend: what the element's backend property asked for: "auto", "cpu" or "cuda"
 *   (owned by the meta); "auto" with @backend "cpu" means no usable GPU was found (the element
 *   posted a warning saying why when it started)
 * @input_masked: fraction (0..1) of the model input covered by the deployment's masks (0: none)
 * @shift_x: stabilised streams: the estimated camera shift this frame was moved back by, model
 *   input pixels (0 without `stabilize: shift`)
 * @shift_y: the same, vertical
 * @exposure_gain: stabilised streams: the global gain compensated on this frame (1: none)
 * @refined: the frame ran twice: delta first, then dense because a tracker decision hung on a
 *   score within the deployment's `tracker.refine_margin` (@keyframe is TRUE too)
 *
 * Engine numbers for one frame. Read with gst_buffer_get_deltacnn_frame_meta(); fill with
 * gst_buffer_add_deltacnn_frame_meta() and the setters (which copy their arguments).
 */
struct _DeltaCnnFrameMeta {
  GstMeta meta;

  guint64 frame_index;
  gboolean keyframe;
  gfloat input_active;
  gfloat mean_active;

  guint n_layers;
  gchar **layer_names;
  gfloat *layer_active;
  gboolean *layer_dense;

  gdouble preprocess_ms;
  gdouble infer_ms;
  gdouble decode_ms;

  gchar *backend;
  gchar *model_name;
  guint unique_id;
  guint n_objects;
  /* Appended after the first release: readers compiled against the shorter struct still work. */
  gchar *requested_backend;
  gchar *element_name;
  gfloat input_masked;
  gfloat shift_x;
  gfloat shift_y;
  gfloat exposure_gain;
  gboolean refined;
};

DELTACNN_META_API GType deltacnn_frame_meta_api_get_type (void);
#define DELTACNN_FRAME_META_API_TYPE (deltacnn_frame_meta_api_get_type ())

DELTACNN_META_API const GstMetaInfo *deltacnn_frame_meta_get_info (void);
#define DELTACNN_FRAME_META_INFO (deltacnn_frame_meta_get_info ())

/* Adds an empty frame meta (numbers 0, no layers, strings NULL) to a writable buffer. */
DELTACNN_META_API DeltaCnnFrameMeta *gst_buffer_add_deltacnn_frame_meta (GstBuffer * buffer);

/* The first frame meta on @buffer, or NULL. */
DELTACNN_META_API DeltaCnnFrameMeta *gst_buffer_get_deltacnn_frame_meta (GstBuffer * buffer);

/* The frame meta that the element with unique-id @unique_id attached, or NULL (pipelines
 * with several deltacnn elements, e.g. pose and detection on the same frames). */
DELTACNN_META_API DeltaCnnFrameMeta *
gst_buffer_get_deltacnn_frame_meta_by_unique_id (GstBuffer * buffer, guint unique_id);

/* Replaces the per-layer arrays with copies of the given ones (@names may hold NULLs, stored
 * as ""). @active and @dense may be NULL (stored as 0 / FALSE). */
DELTACNN_META_API void deltacnn_frame_meta_set_layers (DeltaCnnFrameMeta * meta, guint n_layers,
    const gchar * const *names, const gfloat * active, const gboolean * dense);

/* Replace @backend / @model_name / @requested_backend / @element_name with a copy of @value
 * (NULL allowed). */
DELTACNN_META_API void deltacnn_frame_meta_set_backend (DeltaCnnFrameMeta * meta,
    const gchar * value);
DELTACNN_META_API void deltacnn_frame_meta_set_requested_backend (DeltaCnnFrameMeta * meta,
    const gchar * value);
DELTACNN_META_API void deltacnn_frame_meta_set_element_name (DeltaCnnFrameMeta * meta,
    const gchar * value);
DELTACNN_META_API void deltacnn_frame_meta_set_model_name (DeltaCnnFrameMeta * meta,
    const gchar * value);

/* ------------------------------------------------------------------ objects */

/**
 * DeltaCnnDetection:
 * @id: stable object id (GstVideoRegionOfInterestMeta.id)
 * @label_id: index in the model's label list
 * @label: label text (interned string)
 * @confidence: 0..1
 * @x_min: box, normalised 0..1 of the frame (also @y_min, @x_max, @y_max)
 * @x: box in frame pixels, as on the ROI meta (also @y, @w, @h)
 * @unique_id: unique-id of the element that produced the object
 *
 * One object, as deltacnn_roi_get_detection() reads it from a ROI meta and as
 * gst_buffer_add_deltacnn_object() writes it (the normalised box is authoritative when
 * writing; the pixel box is derived from it).
 */
typedef struct {
  gint id;
  gint label_id;
  const gchar *label;
  gdouble confidence;
  gdouble x_min, y_min, x_max, y_max;
  guint x, y, w, h;
  guint unique_id;
} DeltaCnnDetection;

/**
 * DeltaCnnKeypoint:
 * @name: point name, e.g. "left_shoulder" (interned string; NULL when writing = "")
 * @x: frame pixels (also @y)
 * @x_norm: normalised 0..1 of the frame (also @y_norm; ignored when writing: derived from
 *   @x, @y and the frame size)
 * @confidence: 0..1; points below the model's keypoint threshold are still reported
 */
typedef struct {
  const gchar *name;
  gfloat x, y;
  gfloat x_norm, y_norm;
  gfloat confidence;
} DeltaCnnKeypoint;

/* Adds one ROI meta with a "detection" structure to a writable @buffer of the given frame
 * size. Returns the meta (owned by the buffer) or NULL on bad arguments. */
DELTACNN_META_API GstVideoRegionOfInterestMeta *gst_buffer_add_deltacnn_object (GstBuffer * buffer,
    const DeltaCnnDetection * detection, guint frame_width, guint frame_height);

/* Adds the "keypoints" structure to @roi. @connections holds @n_connections index pairs
 * (2 * @n_connections guints, each < @n_points). Returns FALSE on bad arguments. */
DELTACNN_META_API gboolean deltacnn_roi_add_keypoints (GstVideoRegionOfInterestMeta * roi,
    const DeltaCnnKeypoint * points, guint n_points, const guint * connections,
    guint n_connections, guint frame_width, guint frame_height);

/* Fills @out from the ROI's "detection" structure and box. FALSE when @roi has no detection
 * structure (e.g. a ROI from another element); @out is then left untouched. */
DELTACNN_META_API gboolean deltacnn_roi_get_detection (GstVideoRegionOfInterestMeta * roi,
    DeltaCnnDetection * out);

/* Records which element and model produced @roi (a ROI of gst_buffer_add_deltacnn_object())
 * in its "detection" structure. FALSE when @roi has no detection structure. */
DELTACNN_META_API gboolean deltacnn_roi_set_source (GstVideoRegionOfInterestMeta * roi,
    const gchar * element_name, const gchar * model_name);

/* The producing element's name and model name (interned strings; either out pointer may be
 * NULL). FALSE, with the outputs left untouched, when @roi has no detection structure or no
 * source (written before sources were recorded, or by another producer). */
DELTACNN_META_API gboolean deltacnn_roi_get_source (GstVideoRegionOfInterestMeta * roi,
    const gchar ** element_name, const gchar ** model_name);

/* Records the age of the object's track (frames since it was first seen, 1 on that frame) in
 * @roi's "detection" structure. FALSE when @roi has no detection structure or @age < 1. */
DELTACNN_META_API gboolean deltacnn_roi_set_track_age (GstVideoRegionOfInterestMeta * roi,
    gint age);

/* The age of the object's track in frames (then @roi->id is its track id). FALSE, with @age
 * left untouched, when the object was not tracked (tracker off, or another producer). */
DELTACNN_META_API gboolean deltacnn_roi_get_track_age (GstVideoRegionOfInterestMeta * roi,
    gint * age);

/* Records the names of the zones the object is in (YAML `zones:`) in @roi's "detection"
 * structure, as the array "zones" (@n names; @zones may be NULL when @n is 0). FALSE when @roi
 * has no detection structure. */
DELTACNN_META_API gboolean deltacnn_roi_set_zones (GstVideoRegionOfInterestMeta * roi,
    const gchar * const *zones, guint n);

/* Number of zones the object is in (0 when it is in none, or the producer has no zones); fills
 * the first min(count, @max) entries of @out with interned names (@out may be NULL when @max
 * is 0). */
DELTACNN_META_API guint deltacnn_roi_get_zones (GstVideoRegionOfInterestMeta * roi,
    const gchar ** out, guint max);

/* Number of keypoints on @roi (0 when it has no "keypoints" structure); fills the first
 * min(count, @max) entries of @out (which may be NULL when @max is 0). */
DELTACNN_META_API guint deltacnn_roi_get_keypoints (GstVideoRegionOfInterestMeta * roi,
    DeltaCnnKeypoint * out, guint max);

/* Number of skeleton connections on @roi; fills the first min(count, @max_pairs) index pairs
 * into @pairs (2 * @max_pairs guints). */
DELTACNN_META_API guint deltacnn_roi_get_connections (GstVideoRegionOfInterestMeta * roi,
    guint * pairs, guint max_pairs);

G_END_DECLS

#endif /* __DELTACNN_META_H__ */
