/* DeltaCnnFrameMeta: the engine's numbers for one frame, as a registered GstMeta.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The meta owns its arrays and strings, so a copy (buffer copy, gst_buffer_make_writable)
 * duplicates them and the free function releases them: no per-frame leak over a long run.
 */
#include "gst/meta/deltacnnmeta.h"

#include <string.h>

static gboolean
deltacnn_frame_meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  DeltaCnnFrameMeta *m = (DeltaCnnFrameMeta *) meta;
  (void) params;
  (void) buffer;

  m->frame_index = 0;
  m->keyframe = FALSE;
  m->input_active = 0.f;
  m->mean_active = 0.f;
  m->input_masked = 0.f;
  m->shift_x = 0.f;
  m->shift_y = 0.f;
  m->exposure_gain = 1.f;
  m->refined = FALSE;
  m->n_layers = 0;
  m->layer_names = NULL;
  m->layer_active = NULL;
  m->layer_dense = NULL;
  m->preprocess_ms = 0.0;
  m->infer_ms = 0.0;
  m->decode_ms = 0.0;
  m->backend = NULL;
  m->model_name = NULL;
  m->unique_id = 0;
  m->n_objects = 0;
  m->requested_backend = NULL;
  m->element_name = NULL;
  return TRUE;
}

static void
clear_layers (DeltaCnnFrameMeta * m)
{
  g_strfreev (m->layer_names);
  g_free (m->layer_active);
  g_free (m->layer_dense);
  m->layer_names = NULL;
  m->layer_active = NULL;
  m->layer_dense = NULL;
  m->n_layers = 0;
}

static void
deltacnn_frame_meta_free (GstMeta * meta, GstBuffer * buffer)
{
  DeltaCnnFrameMeta *m = (DeltaCnnFrameMeta *) meta;
  (void) buffer;

  clear_layers (m);
  g_free (m->backend);
  g_free (m->model_name);
  g_free (m->requested_backend);
  g_free (m->element_name);
  m->backend = NULL;
  m->model_name = NULL;
  m->requested_backend = NULL;
  m->element_name = NULL;
}

/* Every transform (copy, scale, colour conversion) keeps the meta: it describes the frame's
 * content, not its geometry. */
static gboolean
deltacnn_frame_meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  DeltaCnnFrameMeta *src = (DeltaCnnFrameMeta *) meta;
  DeltaCnnFrameMeta *dst;
  (void) buffer;
  (void) type;
  (void) data;

  dst = gst_buffer_add_deltacnn_frame_meta (dest);
  if (dst == NULL)
    return FALSE;

  dst->frame_index = src->frame_index;
  dst->keyframe = src->keyframe;
  dst->input_active = src->input_active;
  dst->mean_active = src->mean_active;
  dst->input_masked = src->input_masked;
  dst->shift_x = src->shift_x;
  dst->shift_y = src->shift_y;
  dst->exposure_gain = src->exposure_gain;
  dst->refined = src->refined;
  deltacnn_frame_meta_set_layers (dst, src->n_layers, (const gchar * const *) src->layer_names,
      src->layer_active, src->layer_dense);
  dst->preprocess_ms = src->preprocess_ms;
  dst->infer_ms = src->infer_ms;
  dst->decode_ms = src->decode_ms;
  deltacnn_frame_meta_set_backend (dst, src->backend);
  deltacnn_frame_meta_set_model_name (dst, src->model_name);
  deltacnn_frame_meta_set_requested_backend (dst, src->requested_backend);
  deltacnn_frame_meta_set_element_name (dst, src->element_name);
  dst->unique_id = src->unique_id;
  dst->n_objects = src->n_objects;
  return TRUE;
}

GType
deltacnn_frame_meta_api_get_type (void)
{
  static gsize type = 0;
  static const gchar *tags[] = { NULL };

  if (g_once_init_enter (&type)) {
    GType registered = gst_meta_api_type_register ("DeltaCnnFrameMetaAPI", tags);
    g_once_init_leave (&type, registered);
  }
  return (GType) type;
}

const GstMetaInfo *
deltacnn_frame_meta_get_info (void)
{
  static gsize registered = 0;
  static const GstMetaInfo *info = NULL;

  if (g_once_init_enter (&registered)) {
    info = gst_meta_register (DELTACNN_FRAME_META_API_TYPE, "DeltaCnnFrameMeta",
        sizeof (DeltaCnnFrameMeta), deltacnn_frame_meta_init, deltacnn_frame_meta_free,
        deltacnn_frame_meta_transform);
    g_once_init_leave (&registered, 1);
  }
  return info;
}

DeltaCnnFrameMeta *
gst_buffer_add_deltacnn_frame_meta (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (gst_buffer_is_writable (buffer), NULL);

  return (DeltaCnnFrameMeta *) gst_buffer_add_meta (buffer, DELTACNN_FRAME_META_INFO, NULL);
}

DeltaCnnFrameMeta *
gst_buffer_get_deltacnn_frame_meta (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);

  return (DeltaCnnFrameMeta *) gst_buffer_get_meta (buffer, DELTACNN_FRAME_META_API_TYPE);
}

DeltaCnnFrameMeta *
gst_buffer_get_deltacnn_frame_meta_by_unique_id (GstBuffer * buffer, guint unique_id)
{
  gpointer state = NULL;
  GstMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);

  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              DELTACNN_FRAME_META_API_TYPE)) != NULL) {
    DeltaCnnFrameMeta *m = (DeltaCnnFrameMeta *) meta;
    if (m->unique_id == unique_id)
      return m;
  }
  return NULL;
}

void
deltacnn_frame_meta_set_layers (DeltaCnnFrameMeta * meta, guint n_layers,
    const gchar * const *names, const gfloat * active, const gboolean * dense)
{
  guint i;

  gchar **new_names;
  gfloat *new_active;
  gboolean *new_dense;

  g_return_if_fail (meta != NULL);

  if (n_layers == 0) {
    clear_layers (meta);
    return;
  }
  /* Built before the old arrays are freed: the arguments may be the meta's own arrays. */
  new_names = g_new0 (gchar *, n_layers + 1);
  new_active = g_new0 (gfloat, n_layers);
  new_dense = g_new0 (gboolean, n_layers);
  for (i = 0; i < n_layers; i++) {
    new_names[i] = g_strdup (names != NULL && names[i] != NULL ? names[i] : "");
    if (active != NULL)
      new_active[i] = active[i];
    if (dense != NULL)
      new_dense[i] = dense[i];
  }
  clear_layers (meta);
  meta->n_layers = n_layers;
  meta->layer_names = new_names;
  meta->layer_active = new_active;
  meta->layer_dense = new_dense;
}

/* The string setters: the meta owns a copy of each string. */
static void
replace_string (gchar ** field, const gchar * value)
{
  /* Copied before the old one is freed: value may be the field itself. */
  gchar *copy = g_strdup (value);
  g_free (*field);
  *field = copy;
}

void
deltacnn_frame_meta_set_backend (DeltaCnnFrameMeta * meta, const gchar * value)
{
  g_return_if_fail (meta != NULL);
  replace_string (&meta->backend, value);
}

void
deltacnn_frame_meta_set_requested_backend (DeltaCnnFrameMeta * meta, const gchar * value)
{
  g_return_if_fail (meta != NULL);
  replace_string (&meta->requested_backend, value);
}

void
deltacnn_frame_meta_set_model_name (DeltaCnnFrameMeta * meta, const gchar * value)
{
  g_return_if_fail (meta != NULL);
  replace_string (&meta->model_name, value);
}

void
deltacnn_frame_meta_set_element_name (DeltaCnnFrameMeta * meta, const gchar * value)
{
  g_return_if_fail (meta != NULL);
  replace_string (&meta->element_name, value);
}
