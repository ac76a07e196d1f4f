/* Holding the cameras' model for the program's life.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The cameras' deltacnn elements share one model through model-instance-id, and the registry
 * frees it when the last of them stops. With every camera offline each try of each camera
 * loaded it again (MoveNet MultiPose: about half a second of CPU per try, 3 s a minute for one
 * unreachable camera), and a configuration error showed only at a camera's try. So one deltacnn
 * element of its own, never linked, is started (PAUSED) with the cameras' settings before any
 * camera and stopped at exit. On the CPU backend an element that has seen no frame holds no
 * delta state (its stream's maps become resident with its first frame), so the holder costs the
 * model alone, which a running camera needs anyway. On the CUDA backend a stream allocates its
 * device buffers when it is built, so there the holder also keeps one stream's GPU memory for
 * the program's life (a GPU stream that allocates at its first frame would remove that). */
#include <malloc.h>

#include "cameras.h"

/* Left to the cameras: they take unique-id = camera index. */
#define HOLDER_UNIQUE_ID G_MAXUINT

/* Says on stderr why the holder did not start: the element's error message from the bus. */
static void
report_start_failure (const App * app, GstElement * pipeline)
{
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

GstElement *
model_hold (const App * app, const gchar * instance_id)
{
  GstElement *pipeline = gst_pipeline_new ("model-holder");
  GstElement *infer = gst_element_factory_make ("deltacnn", "model-holder");
  if (infer == NULL) {
    g_printerr (PROGRAM ": the deltacnn element is not installed (GST_PLUGIN_PATH?)\n");
    gst_object_unref (pipeline);
    return NULL;
  }
  g_object_set (infer, "config-file-path", app->config, "model-instance-id", instance_id,
      "unique-id", HOLDER_UNIQUE_ID, NULL);
  gst_util_set_object_arg (G_OBJECT (infer), "backend", app->backend);
  gst_bin_add (GST_BIN (pipeline), infer);
  /* PAUSED runs the element's start: the YAML, the ONNX import and compilation, the stream. */
  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE) {
    report_start_failure (app, pipeline);
    model_release (pipeline);
    return NULL;
  }
  return pipeline;
}

void
model_release (GstElement * holder)
{
  if (holder == NULL)
    return;
  gst_element_set_state (holder, GST_STATE_NULL);
  gst_object_unref (holder);
#ifdef __GLIBC__
  malloc_trim (0);              /* the model's memory goes back to the system */
#endif
}
