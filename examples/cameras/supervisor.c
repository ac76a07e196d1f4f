/* The supervisor: reacts to a camera's end or error (tear down that camera alone, build it
 * again later), to warnings, to signals and configuration errors (stop every camera cleanly).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "cameras.h"

static gboolean
on_reconnect (gpointer data)
{
  Camera *camera = data;
  camera->retry_id = 0;
  if (camera->app->stopping)
    return G_SOURCE_REMOVE;
  if (!camera_start (camera)) {
    camera->done = camera->failed = TRUE;
    camera_ended (camera, TRUE, NULL);
  }
  return G_SOURCE_REMOVE;
}

gboolean
any_camera_active (const App * app)
{
  for (guint i = 0; i < app->n_cameras; ++i)
    if (app->cameras[i].bin != NULL || app->cameras[i].retry_id != 0)
      return TRUE;
  return FALSE;
}

/* Stops the program once no camera is running or waiting to run. */
void
quit_when_idle (App * app)
{
  if (!any_camera_active (app))
    g_main_loop_quit (app->loop);
}


/* Main loop: camera N's run is over. Tears down its bin (the others keep running) and
 * schedules the next run unless it is a file, reconnecting is off, or the program stops. */
void
camera_ended (Camera * camera, gboolean failed, const gchar * why)
{
  App *app = camera->app;
  camera_teardown (camera);
  if (failed)
    camera->failed = TRUE;
  if (app->stopping || camera->done) {
    camera->done = TRUE;
  } else if (camera->is_file || app->reconnect_delay_s == 0) {
    camera->done = TRUE;
    if (why != NULL)
      camera_log (camera, "%s", why);
  } else {
    /* A camera that stays offline retries every few seconds all night: say so at the 1st,
     * 2nd, 4th, 8th, ... failure in a row with the same reason, not at every one. */
    if (g_atomic_int_get (&camera->frame_seen))  /* this run worked: its end is news */
      g_clear_pointer (&camera->last_failure, g_free);
    /* Credentials refused: doubling delays up to LOGIN_RETRY_MAX_S, not a lock-out's worth of
     * failed logins an hour. */
    camera->login_refusals = camera->login_refused ? camera->login_refusals + 1 : 0;
    camera->login_refused = FALSE;
    const gint longest = MAX (LOGIN_RETRY_MAX_S, app->reconnect_delay_s);
    gint delay = app->reconnect_delay_s;
    for (guint i = 1; i < camera->login_refusals && delay < longest; ++i)
      delay = MIN (delay * 2, longest);
    gboolean repeat = camera->last_failure != NULL && g_strcmp0 (why, camera->last_failure) == 0;
    camera->failures_in_a_row = repeat ? camera->failures_in_a_row + 1 : 1;
    if (!repeat) {
      g_free (camera->last_failure);
      camera->last_failure = g_strdup (why);
    }
    guint n = camera->failures_in_a_row;
    if (camera->login_refusals > 0) {
      gchar *times = n > 1 ? g_strdup_printf (" (%u times in a row)", n) : g_strdup ("");
      if (!repeat || (n & (n - 1)) == 0)
        camera_log (camera, "%s%s; trying again in %d s (twice as long after each refusal, up "
            "to %d s)", why, times, delay, longest);
      g_free (times);
    } else if (!repeat) {
      camera_log (camera, "%s; reconnecting every %d s", why, delay);
    } else if ((n & (n - 1)) == 0) {
      camera_log (camera, "%s (%u times in a row); reconnecting every %d s", why, n, delay);
    }
    if (!repeat || (n & (n - 1)) == 0)
      diagnose_open_failure (camera, why);
    camera->retry_id = g_timeout_add_seconds ((guint) delay, on_reconnect, camera);
  }
  quit_when_idle (app);
}

/* The camera an element belongs to by the name of its bin ("cameraN"), also after the bin left
 * the pipeline; NULL for the pipeline itself. */
static Camera *
camera_named (App * app, GstObject * element)
{
  for (GstObject * o = gst_object_ref (element); o != NULL;) {
    guint index = 0;
    gchar *name = gst_object_get_name (o);
    gboolean is_camera_bin = GST_IS_BIN (o) && name != NULL &&
        sscanf (name, "camera%u", &index) == 1 && index >= 1 && index <= app->n_cameras;
    g_free (name);
    GstObject *parent = gst_object_get_parent (o);
    gst_object_unref (o);
    if (is_camera_bin) {
      if (parent != NULL)
        gst_object_unref (parent);
      return &app->cameras[index - 1];
    }
    o = parent;
  }
  return NULL;
}


/* The camera whose running bin holds the element; NULL when that bin was torn down already
 * (what its threads still post is stale). */
static Camera *
camera_of (App * app, GstObject * element)
{
  Camera *camera = camera_named (app, element);
  if (camera == NULL || camera->bin == NULL)
    return NULL;
  GstObject *bin = GST_OBJECT (camera->bin);
  return element == bin || gst_object_has_as_ancestor (element, bin) ? camera : NULL;
}


/* GStreamer's messages end in a full stop; ours go on after them. */
static gchar *
without_full_stop (const gchar * message)
{
  gchar *text = g_strdup (message);
  gsize n = strlen (text);
  if (n > 0 && text[n - 1] == '.')
    text[n - 1] = '\0';
  return text;
}


/* Any thread, as the message is posted (before an EOS behind it reaches the sink): warnings are
 * logged here, with their camera while the element is still in its bin, and a source that
 * could not read marks its camera's run as a lost connection (rtspsrc warns, then ends the
 * stream with an EOS that would otherwise read as the camera's own end). */
GstBusSyncReply
on_bus_sync (GstBus * bus, GstMessage * message, gpointer data)
{
  App *app = data;
  (void) bus;
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_WARNING)
    return GST_BUS_PASS;
  GError *error = NULL;
  gst_message_parse_warning (message, &error, NULL);
  gchar *text = without_full_stop (error->message);
  Camera *camera = camera_named (app, message->src);
  if (camera != NULL) {
    if (g_strcmp0 (GST_OBJECT_NAME (message->src), "src") == 0 &&
        g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ))
      g_atomic_int_set (&camera->connection_lost, 1);
    /* Said once per outage: a camera retried all night gives the same warnings at every try
     * (the backend note, the MQTT broker's), as its failures are (camera_ended). */
    gchar *said = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (message->src), text);
    g_mutex_lock (&app->warned_lock);
    const gboolean news = g_hash_table_add (camera->warned, said);
    g_mutex_unlock (&app->warned_lock);
    if (news)
      camera_log (camera, "warning from %s", said);
  } else {
    g_printerr (PROGRAM ": warning from %s: %s\n", GST_OBJECT_NAME (message->src), text);
  }
  g_free (text);
  g_clear_error (&error);
  return GST_BUS_DROP;
}


/* The JSON and MQTT elements fail on configuration (output file, refused broker credentials;
 * a broker that is down is only a warning): every camera would fail the same way, so it is not
 * retried. The inference element's configuration was loaded by the model holder before any
 * camera (model_holder.c) and again at each SIGUSR1 (reload.c), so its failure is the camera's:
 * the --config file broken on disk since (a camera that reconnects reads it again), or what a
 * camera alone meets (memory): retried like a lost camera while the others go on. */
static gboolean
is_configuration_error (GstObject * element)
{
  const gchar *name = GST_OBJECT_NAME (element);
  return g_strcmp0 (name, "json") == 0 || g_strcmp0 (name, "publish") == 0;
}

gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer data)
{
  App *app = data;
  (void) bus;
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ERROR)
    return G_SOURCE_CONTINUE;
  GError *error = NULL;
  gchar *debug = NULL;
  gst_message_parse_error (message, &error, &debug);
  Camera *camera = camera_of (app, message->src);
  if (camera == NULL) {
    /* An error of a bin already torn down (its threads were still posting) is stale. */
    g_free (debug);
    g_clear_error (&error);
    return G_SOURCE_CONTINUE;
  }
  gchar *text = without_full_stop (error->message);
  const gchar *element = GST_OBJECT_NAME (message->src);
  /* The output file after this camera has written to it: its directory went away (log rotation)
   * and could not be made again, or a disk filled. This camera's trouble, not a configuration
   * that every camera would meet: retried while the others go on. */
  const gboolean output_lost = g_strcmp0 (element, "json") == 0 &&
      g_atomic_int_get (&camera->had_frames);
  if (is_configuration_error (message->src) && !output_lost) {
    camera_log (camera, "%s: %s (%s); stopping every camera", GST_OBJECT_NAME (message->src),
        text, debug != NULL ? debug : "no details");
    camera->failed = camera->done = TRUE;
    camera_teardown (camera);
    begin_stop (app, 1);
  } else {
    /* The file's fault only when it changed since it was loaded; else what this camera alone
     * meets (zones drawn for another resolution than it streams, memory). */
    const gboolean settings = g_strcmp0 (GST_OBJECT_NAME (message->src), "infer") == 0 &&
        (g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS) ||
        g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND)) &&
        config_file_changed (app);
    gchar *why;
    if (g_strcmp0 (element, "src") == 0 &&
        g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED)) {
      camera->login_refused = TRUE;
      why = g_strdup_printf ("src: %s: the camera refused the user name and password in its URL "
          "(check them)", text);
    } else if (g_strcmp0 (element, "watchdog") == 0) {
      why = g_atomic_int_get (&camera->frame_seen) ?
          g_strdup_printf ("no frame for %d s (--camera-timeout)", app->camera_timeout_s) :
          g_strdup_printf ("no first frame within %d s of connecting",
          MAX (app->camera_timeout_s, FIRST_FRAME_BUDGET_S));
    } else {
      why = g_strdup_printf ("%s: %s%s", element, text,
          settings ? " (the --config file changed on disk since it was loaded: fix it and send "
          "SIGUSR1)" : "");
    }
    camera_ended (camera, TRUE, why);
    g_free (why);
  }
  g_free (text);
  g_free (debug);
  g_clear_error (&error);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stop_grace_over (gpointer data)
{
  App *app = data;
  app->stop_grace_id = 0;
  g_printerr (PROGRAM ": cameras did not finish within %d s of the stop; closing\n",
      STOP_GRACE_S);
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}


/* Main loop: the program stops (a signal, or a configuration error): every running camera
 * gets an EOS (its JSON lines end whole, its tracks get their `end` events), and the program
 * quits once they are through, or after STOP_GRACE_S. */
void
begin_stop (App * app, int exit_code)
{
  if (app->exit_code == 0 || app->exit_code == 130)
    app->exit_code = exit_code;
  if (app->stopping)
    return;
  app->stopping = TRUE;
  g_printerr (PROGRAM ": stopping: end of stream to every camera\n");
  for (guint i = 0; i < app->n_cameras; ++i) {
    Camera *camera = &app->cameras[i];
    if (camera->retry_id != 0) {
      g_source_remove (camera->retry_id);
      camera->retry_id = 0;
    }
    /* A camera still connecting has no stream for an EOS to travel through: it has written
     * nothing this run, so it is simply torn down. */
    if (camera->bin != NULL && !g_atomic_int_get (&camera->frame_seen))
      camera_ended (camera, FALSE, NULL);
    else if (camera->bin != NULL)
      gst_element_send_event (camera->bin, gst_event_new_eos ());
  }
  app->stop_grace_id = g_timeout_add_seconds (STOP_GRACE_S, on_stop_grace_over, app);
  quit_when_idle (app);
}


/* SIGINT/SIGTERM/SIGHUP: the first stops cleanly (begin_stop), the second at once. */
gboolean
on_signal (gpointer data)
{
  App *app = data;
  if (app->stopping) {
    /* A configuration error's 1 stays: the second signal only hurries the stop. */
    if (app->exit_code == 0)
      app->exit_code = 130;
    g_main_loop_quit (app->loop);
    return G_SOURCE_CONTINUE;
  }
  begin_stop (app, 130);
  return G_SOURCE_CONTINUE;
}
