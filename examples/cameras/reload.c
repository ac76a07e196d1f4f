/* SIGUSR1: the cameras' configuration loaded again while they run.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The cameras share their model through model-instance-id, and a deltacnn element whose id is
 * set while it runs reloads onto that id's model in the background, its frames going on with
 * the old deployment until the new one has loaded (README, "Reloading while running"). So a
 * reload is: a new model holder on a new id (base#N) loads --config afresh, which also checks
 * it (the YAML, the ONNX, the decoder) before any camera is touched, and is offered every running
 * camera's caps (zones and masks in pixels must fit its picture); then every running camera
 * gets the new id and the config, shares the holder's model (no second load) and takes it at
 * its next frame; cameras that reconnect later are built on the new id; the old holder lets go
 * of the old model, which is freed once the last camera has moved off it. The holder's load
 * runs on the main loop (a second or two of CPU for MoveNet MultiPose), as at start. */
#include <string.h>

#include "cameras.h"

void
remember_config_file (App * app)
{
  if (g_stat (app->config, &app->config_stat) != 0)
    memset (&app->config_stat, 0, sizeof app->config_stat);
}

gboolean
config_file_changed (const App * app)
{
  GStatBuf now;
  if (g_stat (app->config, &now) != 0)
    return TRUE;                /* gone or unreadable: changed */
  return now.st_size != app->config_stat.st_size || now.st_mtime != app->config_stat.st_mtime
      || now.st_mtim.tv_nsec != app->config_stat.st_mtim.tv_nsec || now.st_ino != app->config_stat.st_ino;
}

/* Whether the new holder's deployment takes the picture every running camera streams: zones and
 * masks drawn in pixels fit only some sizes, and a camera that cannot take the new deployment
 * would keep the old one only until its next reconnect, then fail at every try. Each camera's
 * negotiated caps are offered to the holder's element (which never gets a frame); FALSE with
 * the first camera that does not fit and the element's reason in *why. */
static gboolean
holder_takes_running_cameras (const App * app, GstElement * holder, gchar ** why)
{
  GstElement *check = gst_bin_get_by_name (GST_BIN (holder), "model-holder");
  if (check == NULL)
    return TRUE;
  GstPad *check_pad = gst_element_get_static_pad (check, "sink");
  gst_pad_send_event (check_pad, gst_event_new_stream_start ("deltacnn-cameras-reload-check"));
  gboolean fits = TRUE;
  for (guint i = 0; fits && i < app->n_cameras; ++i) {
    const Camera *camera = &app->cameras[i];
    GstElement *infer = camera->bin != NULL ? gst_bin_get_by_name (GST_BIN (camera->bin), "infer") : NULL;
    GstPad *pad = infer != NULL ? gst_element_get_static_pad (infer, "sink") : NULL;
    GstCaps *caps = pad != NULL ? gst_pad_get_current_caps (pad) : NULL;
    if (caps != NULL && !gst_pad_send_event (check_pad, gst_event_new_caps (caps))) {
      fits = FALSE;
      GstBus *bus = gst_element_get_bus (holder);
      GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      GError *error = NULL;
      if (message != NULL)
        gst_message_parse_error (message, &error, NULL);
      const GstStructure *s = gst_caps_get_structure (caps, 0);
      gint width = 0, height = 0;
      gst_structure_get_int (s, "width", &width);
      gst_structure_get_int (s, "height", &height);
      *why = g_strdup_printf ("camera%u (%s) streams %dx%d: %s", camera->index, camera->shown,
          width, height, error != NULL ? error->message : "the deployment does not take its caps");
      g_clear_error (&error);
      if (message != NULL)
        gst_message_unref (message);
      gst_object_unref (bus);
    }
    if (caps != NULL)
      gst_caps_unref (caps);
    if (pad != NULL)
      gst_object_unref (pad);
    if (infer != NULL)
      gst_object_unref (infer);
  }
  gst_object_unref (check_pad);
  gst_object_unref (check);
  return fits;
}

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
  gchar *why = NULL;
  if (!holder_takes_running_cameras (app, holder, &why)) {
    g_printerr (PROGRAM ": reload refused: %s; the cameras keep the configuration they run\n", why);
    g_free (why);
    model_release (holder);
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
  remember_config_file (app);
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
