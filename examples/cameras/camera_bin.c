/* A camera's bin: built from the settings, started inside the running pipeline, watched by
 * probes on its sink, and torn down. SPDX-License-Identifier: LGPL-2.1-or-later */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cameras.h"

void
camera_log (Camera * camera, const gchar * format, ...)
{
  GDateTime *now = g_date_time_new_now_utc ();
  gchar *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  va_list args;
  va_start (args, format);
  gchar *text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%s " PROGRAM ": camera%u (%s): %s\n", stamp, camera->index, camera->shown,
      text);
  g_free (text);
  g_free (stamp);
  g_date_time_unref (now);
}

static gboolean
is_rtsp (const gchar * source)
{
  /* Schemes are case-insensitive (RFC 3986): RTSP:// gets the camera settings too. */
  return g_ascii_strncasecmp (source, "rtsp://", 7) == 0 ||
      g_ascii_strncasecmp (source, "rtsps://", 8) == 0 ||
      g_ascii_strncasecmp (source, "rtspt://", 8) == 0;
}


/* The bin's description. Values that come from the user (locations, paths) are not in it:
 * they are set as properties afterwards, so no quoting can break it. */
static gchar *
camera_description (const App * app, const Camera * camera)
{
  const gchar *source;
  if (is_rtsp (camera->source))
    source = "rtspsrc name=src protocols=tcp latency=200 tcp-timeout=5000000 "
        "timeout=5000000 ! decodebin";
  else if (camera->is_file && !g_str_has_prefix (camera->source, "file://"))
    source = "filesrc name=src ! decodebin";
  else
    source = "uridecodebin name=src";
  /* The watchdog turns a camera that stays connected but sends nothing into an error, which
   * reconnects it. It sits right after the decoder, in the camera's own thread, so it times
   * the camera: after the leaky queue it timed the inference, and with ten cameras on one
   * model (frames 2 s apart each) it reset healthy cameras. A camera does not wait for the
   * analytics: the leaky queue drops the oldest decoded frames when inference is slower, and
   * videorate drop-only=true clears the DISCONT flag the drop sets (a dropped frame needs no
   * dense reset). */
  const gchar *watchdog = !camera->is_file && app->camera_timeout_s > 0 ?
      " ! watchdog name=watchdog" : "";
  const gchar *live = camera->is_file ? "" :
      " ! queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream ! "
      "videorate drop-only=true";
  gchar *description = g_strdup_printf ("%s%s ! videoconvert%s ! deltacnn name=infer "
      "unique-id=%u%s ! deltacnnjson name=json ! fakesink name=sink sync=false",
      source, watchdog, live, camera->index,
      app->mqtt_host != NULL ? " ! deltacnnpublish name=publish" : "");
  return description;
}

static gboolean
on_camera_eos_in_main (gpointer data)
{
  RunRef *ref = data;
  Camera *camera = ref->camera;
  if (ref->run != camera->run || camera->bin == NULL)
    return G_SOURCE_REMOVE;
  if (camera->is_file)
    camera_ended (camera, FALSE, "the file ended");
  else if (camera->app->stopping)
    camera_ended (camera, FALSE, NULL);
  else if (g_atomic_int_get (&camera->connection_lost))
    camera_ended (camera, TRUE, "the connection was lost");
  else  /* a camera has no end: its server closed the stream (a reboot, a clip that ended) */
    camera_ended (camera, TRUE, "the camera ended the stream");
  return G_SOURCE_REMOVE;
}


/* Streaming thread: the sink saw EOS (the camera closed the stream, a file ended, or our own
 * EOS on stop). The bin is torn down from the main loop, never from its own thread. */
/* Whether the probe's run (the one its bin was built for) is still the camera's: a torn-down
 * bin's threads can still push while the camera's next run starts. */
static gboolean
run_is_current (const RunRef * ref)
{
  return (guint) g_atomic_int_get ((gint *) & ref->camera->run) == ref->run;
}

static GstPadProbeReturn
on_sink_event (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  const RunRef *probe_ref = data;
  (void) pad;
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    RunRef *ref = g_new (RunRef, 1);
    *ref = *probe_ref;          /* the bin's own run: a stale EOS is dropped in the main loop */
    g_idle_add_full (G_PRIORITY_DEFAULT, on_camera_eos_in_main, ref, g_free);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_sink_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  const RunRef *ref = data;
  Camera *camera = ref->camera;
  (void) info;
  if (!run_is_current (ref))
    return GST_PAD_PROBE_OK;
  if (g_atomic_int_compare_and_exchange (&camera->frame_seen, 0, 1)) {
    camera_log (camera, "receiving frames");
    g_atomic_int_set (&camera->had_frames, 1);
    /* Frames flow: from now on --camera-timeout of silence is a lost camera (the first frame
     * had FIRST_FRAME_BUDGET_S; the watchdog takes the new value at its next buffer). */
    GstObject *sink = gst_pad_get_parent (pad);
    GstObject *bin = sink != NULL ? gst_object_get_parent (sink) : NULL;
    GstElement *watchdog = bin != NULL ? gst_bin_get_by_name (GST_BIN (bin), "watchdog") : NULL;
    if (watchdog != NULL) {
      g_object_set (watchdog, "timeout", camera->app->camera_timeout_s * 1000, NULL);
      gst_object_unref (watchdog);
    }
    if (bin != NULL)
      gst_object_unref (bin);
    if (sink != NULL)
      gst_object_unref (sink);
    /* A run that works: the next failure's warnings are news again. */
    g_mutex_lock (&camera->app->warned_lock);
    g_hash_table_remove_all (camera->warned);
    g_mutex_unlock (&camera->app->warned_lock);
  }
  return GST_PAD_PROBE_OK;
}


/* Builds camera N's bin and starts it inside the running pipeline. FALSE (logged, camera
 * failed) when the bin cannot be built: a missing plugin, which no retry fixes. */
gboolean
camera_start (Camera * camera)
{
  App *app = camera->app;
  gchar *description = camera_description (app, camera);
  GError *error = NULL;
  GstElement *bin = gst_parse_bin_from_description (description, FALSE, &error);
  g_free (description);
  if (bin == NULL) {
    camera_log (camera, "cannot build its pipeline: %s", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  g_clear_error (&error);       /* a non-fatal parse warning */
  gchar *name = g_strdup_printf ("camera%u", camera->index);
  gst_object_set_name (GST_OBJECT (bin), name);

  GstElement *src = gst_bin_get_by_name (GST_BIN (bin), "src");
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (src), "uri") != NULL) {
    gchar *uri = gst_uri_is_valid (camera->source) ? g_strdup (camera->source) :
        gst_filename_to_uri (camera->source, NULL);
    g_object_set (src, "uri", uri, NULL);
    g_free (uri);
  } else {
    g_object_set (src, "location", camera->source, NULL);
  }
  gst_object_unref (src);

  GstElement *infer = gst_bin_get_by_name (GST_BIN (bin), "infer");
  g_object_set (infer, "config-file-path", app->config, "model-instance-id",
      app->model_instance_id, "camera-id", name, NULL);
  gst_util_set_object_arg (G_OBJECT (infer), "backend", app->backend);
  gst_object_unref (infer);

  GstElement *json = gst_bin_get_by_name (GST_BIN (bin), "json");
  /* Made again if it went away (moved by log rotation, deleted): the json element cannot open
   * a file in a directory that is not there. */
  g_mkdir_with_parents (app->output_dir, 0755);
  gchar *file = g_strdup_printf ("%s.jsonl", name);
  gchar *path = g_build_filename (app->output_dir, file, NULL);
  /* A camera's file grows across reconnects; a video file's output is replaced by a new run. */
  g_object_set (json, "location", path, "append", !camera->is_file, NULL);
  gst_util_set_object_arg (G_OBJECT (json), "write", app->write);
  g_free (path);
  g_free (file);
  gst_object_unref (json);

  GstElement *publish = gst_bin_get_by_name (GST_BIN (bin), "publish");
  if (publish != NULL) {
    /* camera-id cameraN: the retained status topic says, per camera, whether frames flow
     * ("online" from the camera's first frame; "offline" while a lost camera waits to
     * reconnect or is tried without answering). Its own client id: the element's
     * default names the process and the element, every camera's element is "publish", and with
     * one id the broker threw each camera's connection out for the next one's (a helper counted
     * 45 takeovers in 45 s). */
    gchar *client_id = g_strdup_printf ("deltacnn-%s-%d-%s", g_get_host_name (), (int) getpid (),
        name);
    g_object_set (publish, "host", app->mqtt_host, "port", app->mqtt_port, "camera-id", name,
        "client-id", client_id, NULL);
    g_free (client_id);
    if (app->mqtt_user != NULL)
      g_object_set (publish, "username", app->mqtt_user, "password",
          g_getenv ("MQTT_PASSWORD"), NULL);
    if (app->mqtt_ca_file != NULL)
      g_object_set (publish, "tls-ca-file", app->mqtt_ca_file, NULL);
    gst_object_unref (publish);
  }

  GstElement *watchdog = gst_bin_get_by_name (GST_BIN (bin), "watchdog");
  if (watchdog != NULL) {
    g_object_set (watchdog, "timeout", MAX (app->camera_timeout_s, FIRST_FRAME_BUDGET_S) * 1000,
        NULL);
    gst_object_unref (watchdog);
  }
  g_free (name);

  g_atomic_int_inc ((gint *) & camera->run);
  g_atomic_int_set (&camera->frame_seen, 0);
  g_atomic_int_set (&camera->connection_lost, 0);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  /* Each probe knows the run its bin was built for. */
  for (int i = 0; i < 2; ++i) {
    RunRef *ref = g_new (RunRef, 1);
    ref->camera = camera;
    ref->run = camera->run;
    if (i == 0)
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_sink_event, ref, g_free);
    else
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_sink_buffer, ref, g_free);
  }
  gst_object_unref (pad);
  gst_object_unref (sink);

  /* The bin prerolls on its own: a camera joining the running pipeline must not make the
   * pipeline lose its PLAYING state (that would PAUSE every other camera's RTSP session each
   * time one camera retries; measured: the running camera then starved). */
  g_object_set (bin, "async-handling", TRUE, NULL);
  camera->bin = bin;
  gst_bin_add (GST_BIN (app->pipeline), bin);
  gst_element_sync_state_with_parent (bin);  /* a failure posts its error on the bus */
  return TRUE;
}


/* Main loop: stops camera N's bin and takes it out of the pipeline; the others keep running.
 * Every bin leaves this way, also at exit: a bin that failed to start stays in READY, and a
 * pipeline set to NULL with it inside fails its state change and leaves the other cameras'
 * threads running while they are destroyed (found: a crash when one camera's JSON file could
 * not be opened while another streamed). */
typedef struct {
  App *app;
  GstElement *bin;
  guint camera_index;
  gint64 started;               /* monotonic, us */
  gboolean stuck;               /* said stuck (teardowns_lock) */
} Teardown;

/* A thread of its own: the bin to NULL, then freed. */
static gpointer
teardown_thread (gpointer data)
{
  Teardown *t = data;
  App *app = t->app;
  gst_element_set_state (t->bin, GST_STATE_NULL);
  gst_object_unref (t->bin);
#ifdef __GLIBC__
  /* Give back the pages the torn-down bin freed (see the arena cap in main). */
  malloc_trim (0);
#endif
  /* One step under the lock: wait_for_teardowns must never see the list without it but the
   * count with it (it would report a stuck source at a clean exit). */
  g_mutex_lock (&app->teardowns_lock);
  if (t->stuck)                 /* it came loose after all */
    --app->teardowns_stuck;
  g_ptr_array_remove_fast (app->teardowns, t);
  g_atomic_int_dec_and_test (&app->teardowns_running);
  g_mutex_unlock (&app->teardowns_lock);
  g_free (t);
  return NULL;
}

gboolean
check_stuck_teardowns (gpointer data)
{
  App *app = data;
  const gint64 now = g_get_monotonic_time ();
  guint stuck = 0;
  g_mutex_lock (&app->teardowns_lock);
  for (guint i = 0; i < app->teardowns->len; ++i) {
    Teardown *t = g_ptr_array_index (app->teardowns, i);
    if (t->stuck || now - t->started < (gint64) TEARDOWN_STUCK_S * G_USEC_PER_SEC)
      continue;
    t->stuck = TRUE;
    ++app->teardowns_stuck;
    Camera *camera = &app->cameras[t->camera_index - 1];
    camera_log (camera, "its previous connection has not closed %d s after it was dropped "
        "(GStreamer's rtspsrc can hang when the camera goes away mid-handshake): it keeps a "
        "socket and a few threads until the program restarts; %u such now, the program stops "
        "at %d", TEARDOWN_STUCK_S, app->teardowns_stuck, MAX_STUCK_TEARDOWNS);
  }
  stuck = app->teardowns_stuck;
  g_mutex_unlock (&app->teardowns_lock);
  /* (At exit, when the main loop has ended, there is nothing left to stop.) */
  if (stuck >= MAX_STUCK_TEARDOWNS && !app->stopping && g_main_loop_is_running (app->loop)) {
    g_printerr (PROGRAM ": %u camera connections hang in GStreamer and cannot be freed; stopping "
        "with exit status %d for the service manager to restart the program\n", stuck,
        EXIT_STUCK_TEARDOWNS);
    begin_stop (app, EXIT_STUCK_TEARDOWNS);
  }
  return G_SOURCE_CONTINUE;
}

void
camera_teardown (Camera * camera)
{
  if (camera->bin == NULL)
    return;
  App *app = camera->app;
  GstElement *bin = camera->bin;
  camera->bin = NULL;
  g_atomic_int_inc ((gint *) & camera->run);  /* whatever its threads still do is stale now */
  /* Out of the pipeline first (locked, so the pipeline's own state changes pass it by), then
   * to NULL in a thread of its own. An RTSP source that loses its server while it connects
   * can stay stuck in its state change (rtspsrc's task waiting for a pad's stream lock; found
   * by an adversarial sweep, about one run in two when the server dies 1.5 s after the start):
   * done here, that froze the supervisor, every other camera's recovery and the signals, and
   * the exit hung on it. */
  gst_object_ref (bin);
  gst_element_set_locked_state (bin, TRUE);
  gst_bin_remove (GST_BIN (app->pipeline), bin);
  Teardown *t = g_new0 (Teardown, 1);
  t->app = app;
  t->bin = bin;
  t->camera_index = camera->index;
  t->started = g_get_monotonic_time ();
  g_mutex_lock (&app->teardowns_lock);
  g_ptr_array_add (app->teardowns, t);
  g_mutex_unlock (&app->teardowns_lock);
  g_atomic_int_inc (&app->teardowns_running);
  g_thread_unref (g_thread_new ("teardown", teardown_thread, t));
}

gboolean
wait_for_teardowns (App * app, gint timeout_s)
{
  const gint64 until = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  check_stuck_teardowns (app);  /* what is known stuck is not waited for */
  for (;;) {
    g_mutex_lock (&app->teardowns_lock);
    const guint waiting = app->teardowns->len - app->teardowns_stuck;
    const gboolean none_stuck = app->teardowns_stuck == 0;
    g_mutex_unlock (&app->teardowns_lock);
    if (waiting == 0)
      return none_stuck;
    if (g_get_monotonic_time () >= until)
      return FALSE;
    g_usleep (20000);
  }
}
