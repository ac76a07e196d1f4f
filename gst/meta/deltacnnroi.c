/* Per-object metadata: GstVideoRegionOfInterestMeta with DL Streamer-style "detection" and
 * "keypoints" param structures (layout documented in deltacnnmeta.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The structures are owned by the ROI meta (gst_video_region_of_interest_meta_add_param takes
 * them), so they are copied and freed with it: nothing here allocates outside a meta.
 */
#include "gst/meta/deltacnnmeta.h"

#include <math.h>

/* ------------------------------------------------------------------ GValue array helpers */

static void
append_float (GValue * array, gfloat value)
{
  GValue item = G_VALUE_INIT;
  g_value_init (&item, G_TYPE_FLOAT);
  g_value_set_float (&item, value);
  gst_value_array_append_and_take_value (array, &item);
}

static void
append_uint (GValue * array, guint value)
{
  GValue item = G_VALUE_INIT;
  g_value_init (&item, G_TYPE_UINT);
  g_value_set_uint (&item, value);
  gst_value_array_append_and_take_value (array, &item);
}

static void
append_int (GValue * array, gint value)
{
  GValue item = G_VALUE_INIT;
  g_value_init (&item, G_TYPE_INT);
  g_value_set_int (&item, value);
  gst_value_array_append_and_take_value (array, &item);
}

static void
append_string (GValue * array, const gchar * value)
{
  GValue item = G_VALUE_INIT;
  g_value_init (&item, G_TYPE_STRING);
  g_value_set_string (&item, value != NULL ? value : "");
  gst_value_array_append_and_take_value (array, &item);
}

/* Array field of @s, or NULL when absent or not an array. */
static const GValue *
get_array (const GstStructure * s, const gchar * field)
{
  const GValue *v = gst_structure_get_value (s, field);
  return (v != NULL && GST_VALUE_HOLDS_ARRAY (v)) ? v : NULL;
}

/* Numeric array element as a double; foreign producers may have written doubles or ints. */
static gdouble
array_number (const GValue * array, guint index)
{
  const GValue *v = gst_value_array_get_value (array, index);
  if (v == NULL)
    return 0.0;
  if (G_VALUE_HOLDS_FLOAT (v))
    return g_value_get_float (v);
  if (G_VALUE_HOLDS_DOUBLE (v))
    return g_value_get_double (v);
  if (G_VALUE_HOLDS_INT (v))
    return g_value_get_int (v);
  if (G_VALUE_HOLDS_UINT (v))
    return g_value_get_uint (v);
  return 0.0;
}

static guint
array_size (const GValue * array)
{
  return array != NULL ? gst_value_array_get_size (array) : 0;
}

/* String array element, interned (valid after the buffer is gone, as every accessor's strings);
 * "" when absent or not a string. */
static const gchar *
array_string (const GValue * array, guint index)
{
  const GValue *v = index < array_size (array) ? gst_value_array_get_value (array, index) : NULL;
  return (v != NULL && G_VALUE_HOLDS_STRING (v)) ?
      g_intern_string (g_value_get_string (v)) : g_intern_static_string ("");
}

static gdouble
clamp01 (gdouble v)
{
  if (!(v > 0.0))               /* also maps NaN to 0 */
    return 0.0;
  return v > 1.0 ? 1.0 : v;
}

/* ------------------------------------------------------------------ writing */

GstVideoRegionOfInterestMeta *
gst_buffer_add_deltacnn_object (GstBuffer * buffer, const DeltaCnnDetection * detection,
    guint frame_width, guint frame_height)
{
  GstVideoRegionOfInterestMeta *roi;
  GstStructure *s;
  gdouble x_min, y_min, x_max, y_max;
  guint x0, y0, x1, y1;
  const gchar *label;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (gst_buffer_is_writable (buffer), NULL);
  g_return_val_if_fail (detection != NULL, NULL);
  g_return_val_if_fail (frame_width > 0 && frame_height > 0, NULL);

  x_min = clamp01 (detection->x_min);
  y_min = clamp01 (detection->y_min);
  x_max = clamp01 (detection->x_max);
  y_max = clamp01 (detection->y_max);
  if (x_max < x_min)
    x_max = x_min;
  if (y_max < y_min)
    y_max = y_min;

  x0 = (guint) lround (x_min * frame_width);
  y0 = (guint) lround (y_min * frame_height);
  x1 = (guint) lround (x_max * frame_width);
  y1 = (guint) lround (y_max * frame_height);

  label = detection->label != NULL ? detection->label : "";
  roi = gst_buffer_add_video_region_of_interest_meta (buffer, label, x0, y0, x1 - x0, y1 - y0);
  if (roi == NULL)
    return NULL;
  roi->id = detection->id;
  roi->parent_id = -1;

  s = gst_structure_new (DELTACNN_DETECTION_STRUCTURE_NAME,
      "x_min", G_TYPE_DOUBLE, x_min,
      "y_min", G_TYPE_DOUBLE, y_min,
      "x_max", G_TYPE_DOUBLE, x_max,
      "y_max", G_TYPE_DOUBLE, y_max,
      "confidence", G_TYPE_DOUBLE, (gdouble) detection->confidence,
      "label_id", G_TYPE_INT, detection->label_id,
      "label", G_TYPE_STRING, label,
      "unique_id", G_TYPE_UINT, detection->unique_id, NULL);
  gst_video_region_of_interest_meta_add_param (roi, s);
  return roi;
}

gboolean
deltacnn_roi_add_keypoints (GstVideoRegionOfInterestMeta * roi, const DeltaCnnKeypoint * points,
    guint n_points, const guint * connections, guint n_connections, guint frame_width,
    guint frame_height)
{
  GValue dims = G_VALUE_INIT, positions = G_VALUE_INIT, positions_px = G_VALUE_INIT;
  GValue confidences = G_VALUE_INIT, names = G_VALUE_INIT;
  GValue conn_names = G_VALUE_INIT, conn_indices = G_VALUE_INIT;
  GstStructure *s;
  guint i;

  g_return_val_if_fail (roi != NULL, FALSE);
  g_return_val_if_fail (points != NULL || n_points == 0, FALSE);
  g_return_val_if_fail (connections != NULL || n_connections == 0, FALSE);
  g_return_val_if_fail (frame_width > 0 && frame_height > 0, FALSE);
  for (i = 0; i < 2 * n_connections; i++)
    g_return_val_if_fail (connections[i] < n_points, FALSE);

  g_value_init (&dims, GST_TYPE_ARRAY);
  g_value_init (&positions, GST_TYPE_ARRAY);
  g_value_init (&positions_px, GST_TYPE_ARRAY);
  g_value_init (&confidences, GST_TYPE_ARRAY);
  g_value_init (&names, GST_TYPE_ARRAY);
  g_value_init (&conn_names, GST_TYPE_ARRAY);
  g_value_init (&conn_indices, GST_TYPE_ARRAY);

  append_int (&dims, (gint) n_points);
  append_int (&dims, 2);
  for (i = 0; i < n_points; i++) {
    append_float (&positions, (gfloat) clamp01 (points[i].x / (gdouble) frame_width));
    append_float (&positions, (gfloat) clamp01 (points[i].y / (gdouble) frame_height));
    append_float (&positions_px, points[i].x);
    append_float (&positions_px, points[i].y);
    append_float (&confidences, points[i].confidence);
    append_string (&names, points[i].name);
  }
  for (i = 0; i < 2 * n_connections; i++) {
    append_string (&conn_names, points[connections[i]].name);
    append_uint (&conn_indices, connections[i]);
  }

  s = gst_structure_new (DELTACNN_KEYPOINTS_STRUCTURE_NAME,
      "format", G_TYPE_STRING, "keypoints", NULL);
  gst_structure_take_value (s, "dims", &dims);
  gst_structure_take_value (s, "positions", &positions);
  gst_structure_take_value (s, "positions_px", &positions_px);
  gst_structure_take_value (s, "confidences", &confidences);
  gst_structure_take_value (s, "point_names", &names);
  gst_structure_take_value (s, "point_connections", &conn_names);
  gst_structure_take_value (s, "point_connection_indices", &conn_indices);
  gst_video_region_of_interest_meta_add_param (roi, s);
  return TRUE;
}

/* ------------------------------------------------------------------ reading */

gboolean
deltacnn_roi_get_detection (GstVideoRegionOfInterestMeta * roi, DeltaCnnDetection * out)
{
  GstStructure *s;
  gdouble v;
  gint i;
  guint u;

  g_return_val_if_fail (roi != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_DETECTION_STRUCTURE_NAME);
  if (s == NULL)
    return FALSE;

  out->id = roi->id;
  out->label = g_quark_to_string (roi->roi_type);       /* quarks are never freed */
  out->x = roi->x;
  out->y = roi->y;
  out->w = roi->w;
  out->h = roi->h;
  out->x_min = gst_structure_get_double (s, "x_min", &v) ? v : 0.0;
  out->y_min = gst_structure_get_double (s, "y_min", &v) ? v : 0.0;
  out->x_max = gst_structure_get_double (s, "x_max", &v) ? v : 0.0;
  out->y_max = gst_structure_get_double (s, "y_max", &v) ? v : 0.0;
  out->confidence = gst_structure_get_double (s, "confidence", &v) ? v : 0.0;
  out->label_id = gst_structure_get_int (s, "label_id", &i) ? i : 0;
  out->unique_id = gst_structure_get_uint (s, "unique_id", &u) ? u : 0;
  return TRUE;
}

gboolean
deltacnn_roi_set_source (GstVideoRegionOfInterestMeta * roi, const gchar * element_name,
    const gchar * model_name)
{
  GstStructure *s;

  g_return_val_if_fail (roi != NULL, FALSE);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_DETECTION_STRUCTURE_NAME);
  if (s == NULL)
    return FALSE;
  gst_structure_set (s, "element_name", G_TYPE_STRING, element_name != NULL ? element_name : "",
      "model_name", G_TYPE_STRING, model_name != NULL ? model_name : "", NULL);
  return TRUE;
}

gboolean
deltacnn_roi_get_source (GstVideoRegionOfInterestMeta * roi, const gchar ** element_name,
    const gchar ** model_name)
{
  GstStructure *s;
  const gchar *element, *model;

  g_return_val_if_fail (roi != NULL, FALSE);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_DETECTION_STRUCTURE_NAME);
  if (s == NULL)
    return FALSE;
  element = gst_structure_get_string (s, "element_name");
  model = gst_structure_get_string (s, "model_name");
  if (element == NULL)
    return FALSE;
  /* Interned, as the other accessors' strings: valid after the buffer is gone. */
  if (element_name != NULL)
    *element_name = g_intern_string (element);
  if (model_name != NULL)
    *model_name = g_intern_string (model != NULL ? model : "");
  return TRUE;
}

gboolean
deltacnn_roi_set_track_age (GstVideoRegionOfInterestMeta * roi, gint age)
{
  GstStructure *s;

  g_return_val_if_fail (roi != NULL, FALSE);
  g_return_val_if_fail (age >= 1, FALSE);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_DETECTION_STRUCTURE_NAME);
  if (s == NULL)
    return FALSE;
  gst_structure_set (s, "track_age", G_TYPE_INT, age, NULL);
  return TRUE;
}

gboolean
deltacnn_roi_get_track_age (GstVideoRegionOfInterestMeta * roi, gint * age)
{
  GstStructure *s;
  gint value;

  g_return_val_if_fail (roi != NULL, FALSE);
  g_return_val_if_fail (age != NULL, FALSE);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_DETECTION_STRUCTURE_NAME);
  if (s == NULL || !gst_structure_get_int (s, "track_age", &value))
    return FALSE;
  *age = value;
  return TRUE;
}

gboolean
deltacnn_roi_set_zones (GstVideoRegionOfInterestMeta * roi, const gchar * const *zones, guint n)
{
  GstStructure *s;
  GValue names = G_VALUE_INIT;
  guint i;

  g_return_val_if_fail (roi != NULL, FALSE);
  g_return_val_if_fail (zones != NULL || n == 0, FALSE);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_DETECTION_STRUCTURE_NAME);
  if (s == NULL)
    return FALSE;
  g_value_init (&names, GST_TYPE_ARRAY);
  for (i = 0; i < n; i++)
    append_string (&names, zones[i]);
  gst_structure_take_value (s, "zones", &names);
  return TRUE;
}

guint
deltacnn_roi_get_zones (GstVideoRegionOfInterestMeta * roi, const gchar ** out, guint max)
{
  GstStructure *s;
  const GValue *names;
  guint n, i;

  g_return_val_if_fail (roi != NULL, 0);
  g_return_val_if_fail (out != NULL || max == 0, 0);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_DETECTION_STRUCTURE_NAME);
  if (s == NULL)
    return 0;
  names = get_array (s, "zones");
  n = array_size (names);
  for (i = 0; i < n && i < max; i++)
    out[i] = array_string (names, i);
  return n;
}

guint
deltacnn_roi_get_keypoints (GstVideoRegionOfInterestMeta * roi, DeltaCnnKeypoint * out,
    guint max)
{
  GstStructure *s;
  const GValue *positions, *positions_px, *confidences, *names;
  guint n, i;

  g_return_val_if_fail (roi != NULL, 0);
  g_return_val_if_fail (out != NULL || max == 0, 0);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_KEYPOINTS_STRUCTURE_NAME);
  if (s == NULL)
    return 0;

  positions = get_array (s, "positions");
  positions_px = get_array (s, "positions_px");
  confidences = get_array (s, "confidences");
  names = get_array (s, "point_names");
  n = array_size (confidences);

  for (i = 0; i < n && i < max; i++) {
    const gboolean has_norm = 2 * i + 1 < array_size (positions);
    const gboolean has_px = 2 * i + 1 < array_size (positions_px);

    out[i].name = array_string (names, i);
    out[i].confidence = (gfloat) array_number (confidences, i);
    out[i].x_norm = has_norm ? (gfloat) array_number (positions, 2 * i) : 0.f;
    out[i].y_norm = has_norm ? (gfloat) array_number (positions, 2 * i + 1) : 0.f;
    out[i].x = has_px ? (gfloat) array_number (positions_px, 2 * i) : 0.f;
    out[i].y = has_px ? (gfloat) array_number (positions_px, 2 * i + 1) : 0.f;
  }
  return n;
}

guint
deltacnn_roi_get_connections (GstVideoRegionOfInterestMeta * roi, guint * pairs,
    guint max_pairs)
{
  GstStructure *s;
  const GValue *indices;
  guint n, i;

  g_return_val_if_fail (roi != NULL, 0);
  g_return_val_if_fail (pairs != NULL || max_pairs == 0, 0);

  s = gst_video_region_of_interest_meta_get_param (roi, DELTACNN_KEYPOINTS_STRUCTURE_NAME);
  if (s == NULL)
    return 0;
  indices = get_array (s, "point_connection_indices");
  n = array_size (indices) / 2;
  for (i = 0; i < n && i < max_pairs; i++) {
    pairs[2 * i] = (guint) array_number (indices, 2 * i);
    pairs[2 * i + 1] = (guint) array_number (indices, 2 * i + 1);
  }
  return n;
}
