/* Loading the model once at start, to find a bad configuration before any camera connects.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A camera's inference starts only when its first decoded frame arrives (camera_bin.c). With
 * every camera offline nothing would load the model, and a configuration error (a typo in the
 * YAML, a missing ONNX file) would show only when a camera came back, maybe hours later. One
 * deltacnn element of its own, never linked, is started in its own pipeline with the cameras'
 * settings and stopped again. It is not kept: a started element holds its stream's delta state
 * (MultiPose: 139 MB) on top of the model, and peak memory with one camera measured 434 MB
 * with it held against 278 MB without. */
#include <malloc.h>

#include "cameras.h"

/* Left to the cameras: they take unique-id = camera index. */
#define CHECK_UNIQUE_ID G_MAXUINT

gboolean
model_check (const App * app)
{
  GstElement *pipeline = gst_pipeline_new ("model-check");
  GstElement *infer = gst_element_factory_make ("deltacnn", "model-check");
  if (infer == NULL) {
    g_printerr (PROGRAM ": the deltacnn element is not installed (GST_PLUGIN_PATH?)\n");
    gst_object_unref (pipeline);
    return FALSE;
  }
  g_object_set (infer, "config-file-path", app->config, "model-instance-id",
      app->model_instance_id, "unique-id", CHECK_UNIQUE_ID, NULL);
  gst_util_set_object_arg (G_OBJECT (infer), "backend", app->backend);
  gst_bin_add (GST_BIN (pipeline), infer);
  /* PAUSED runs the element's start: the YAML, the ONNX import and compilation, the stream. */
  const gboolean loads = gst_element_set_state (pipeline, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE;
  if (!loads) {
    GstBus *bus = gst_element_get_bus (pipeline);
    GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    gst_object_unref (bus);
    GError *error = NULL;
    gchar *debug = NULL;
    if (message != NULL)
      gst_message_parse_error (message, &error, &debug);
    g_printerr (PROGRAM ": cannot load the model of --config %s: %s%s%s\n", app->config,
        error != NULL ? error->message : "the deltacnn element did not start",
        debug != NULL ? ": " : "", debug != NULL ? debug : "");
    g_clear_error (&error);
    g_free (debug);
    if (message != NULL)
      gst_message_unref (message);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
#ifdef __GLIBC__
  malloc_trim (0);              /* the check's model and stream, freed, go back to the system */
#endif
  return loads;
}
