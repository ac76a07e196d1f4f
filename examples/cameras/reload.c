/* SIGUSR1: the cameras' configuration loaded again while they run.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The cameras share their model through model-instance-id, and a deltacnn element whose id is
 * set while it runs reloads onto that id's model in the background, its frames going on with
 * the old deployment until the new one has loaded (README, "Reloading while running"). So a
 * reload is: a new model holder on a new id (base#N) loads --config afresh, which also checks
 * it (the YAML, the ONNX, the decoder) before any camera is touched; then every running camera
 * gets the new id and the config, shares the holder's model (no second load) and takes it at
 * its next frame; cameras that reconnect later are built on the new id; the old holder lets go
 * of the old model, which is freed once the last camera has moved off it. The holder's load
 * runs on the main loop (a second or two of CPU for MoveNet MultiPose), as at start. */
#include "cameras.h"

gboolean
on_reload_signal (gpointer data)
{
  App *app = data;
  if (app->stopping) {
    g_print (PROGRAM ": SIGUSR1 ignored: the cameras are stopping\n");
    return G_SOURCE_CONTINUE;
  }
  gchar *instance_id = g_strdup_printf ("%s#%u", app->base_instance_id, app->reloads + 1);
  g_print (PROGRAM ": SIGUSR1: loading --config %s again\n", app->config);
  GstElement *holder = model_hold (app, instance_id);
  if (holder == NULL) {
    /* model_hold said why on stderr. */
    g_printerr (PROGRAM ": reload refused: the cameras keep the configuration they run\n");
    g_free (instance_id);
    return G_SOURCE_CONTINUE;
  }
  guint moved = 0;
  for (guint i = 0; i < app->n_cameras; ++i) {
    Camera *camera = &app->cameras[i];
    if (camera->bin == NULL)
      continue;
    GstElement *infer = gst_bin_get_by_name (GST_BIN (camera->bin), "infer");
    if (infer == NULL)
      continue;
    /* One call: the element loads once, with both values. */
    g_object_set (infer, "model-instance-id", instance_id, "config-file-path", app->config, NULL);
    gst_object_unref (infer);
    ++moved;
  }
  app->reloads++;
  g_free (app->model_instance_id);
  app->model_instance_id = instance_id;
  GstElement *old = app->model_holder;
  app->model_holder = holder;
  model_release (old);
  g_print (PROGRAM ": reloaded --config %s: %u running camera%s it at %s next frame, the "
      "others when they connect\n", app->config, moved, moved == 1 ? " takes" : "s take",
      moved == 1 ? "its" : "their");
  return G_SOURCE_CONTINUE;
}
