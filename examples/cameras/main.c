/* deltacnn-cameras: several cameras in one process, one model in memory, and each camera
 * reconnecting on its own.
 *
 *   deltacnn-cameras --config CONFIG.yaml [OPTIONS] SOURCE1 [SOURCE2 ...]
 *   deltacnn-cameras --config CONFIG.yaml [OPTIONS] --sources-file FILE
 *
 * Why a program and not one gst-launch line: in one gst-launch pipeline an error anywhere (a
 * camera that cannot be reached at start, a hung camera's watchdog) stops every camera, and a
 * camera that comes back is never picked up again. NVR software keeps each camera in its own
 * bin: this program does that. Camera N is the bin
 *   SOURCE ! decodebin ! [watchdog !] videoconvert ! [queue leaky ! videorate] !
 *     deltacnn model-instance-id=... camera-id=cameraN unique-id=N !
 *     [deltacnnpublish camera-id=cameraN !]
 *     deltacnnjson location=OUTDIR/cameraN.jsonl append=(for cameras) ! fakesink
 * (the bracketed part for cameras, as in pipelines/common.sh). All bins share one pipeline and,
 * through model-instance-id, one loaded model and its runner threads. When a camera's stream
 * ends or fails (closed connection, unreachable at start, no frame for --camera-timeout
 * seconds), only its bin is torn down; it is built again after --reconnect-delay seconds while
 * the other cameras go on. Its JSON file is appended to, and its events carry a new run_id
 * (a video file's JSON file is replaced, as a new run of a file job should).
 *
 * SOURCE is rtsp:// (TCP, 200 ms jitter buffer), any other URI (uridecodebin; file:// is read
 * as a file), or a file path. Files are read once, as fast as the model runs, and are not
 * reopened. An error of the deltacnn or deltacnnjson element (a bad config, an unwritable
 * file) is not a camera problem: it stops the program.
 *
 * Exit status: 0 when every source ended normally (files at their end), 1 when one failed
 * (with --reconnect-delay 0 a camera's stream ending counts as that: a camera has no end) or on
 * a configuration error, 2 on bad arguments, 130 on SIGINT/SIGTERM/SIGHUP (each running camera
 * gets its EOS first, so its files are complete; a second signal stops at once).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib-unix.h>
#include <malloc.h>
#include <gst/gst.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "redact.h"

#define PROGRAM "deltacnn-cameras"
#define STOP_GRACE_S 10

typedef struct App App;

typedef struct {
  App *app;
  guint index;                  /* 1-based: camera1, camera2, ... */
  gchar *source;                /* as given on the command line */
  gchar *shown;                 /* the source with any password hidden, for the log */
  gboolean is_file;             /* read once; never reopened */
  GstElement *bin;              /* NULL while waiting to reconnect or when done */
  guint run;                    /* bumped at each start and end; stale callbacks check it */
  guint failures_in_a_row;      /* runs that ended without a frame, since the last frame */
  gchar *last_failure;          /* why the last of them ended (repeats are logged sparsely) */
  guint retry_id;               /* pending reconnect timeout, 0 if none */
  gint frame_seen;              /* atomic: this run's first frame was logged */
  gboolean done;                /* will not run again */
  gboolean failed;              /* ended with an error */
  gint connection_lost;         /* atomic: the source warned that it could not read (rtspsrc
                                 * then ends the stream with EOS, which would read as a clean end) */
} Camera;

struct App {
  GMainLoop *loop;
  GstElement *pipeline;
  Camera *cameras;
  guint n_cameras;
  gchar *config, *backend, *output_dir, *model_instance_id, *write;
  gchar *mqtt_host, *mqtt_user, *mqtt_ca_file;  /* mqtt_host NULL: no MQTT */
  gint mqtt_port;
  gint camera_timeout_s, reconnect_delay_s;
  GPtrArray *sources;           /* the command line's, then --sources-file's */
  gboolean stopping;
  guint stop_grace_id;
  int exit_code;
};

/* What a streaming thread hands to the main loop: which camera, and which of its runs. */
typedef struct {
  Camera *camera;
  guint run;
} RunRef;

static void camera_log (Camera * camera, const gchar * format, ...) G_GNUC_PRINTF (2, 3);

static void
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
  return g_str_has_prefix (source, "rtsp://") || g_str_has_prefix (source, "rtsps://") ||
      g_str_has_prefix (source, "rtspt://");
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

static void camera_ended (Camera * camera, gboolean failed, const gchar * why);
static void begin_stop (App * app, int exit_code);

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
static GstPadProbeReturn
on_sink_event (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Camera *camera = data;
  (void) pad;
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    RunRef *ref = g_new (RunRef, 1);
    ref->camera = camera;
    ref->run = camera->run;
    g_idle_add_full (G_PRIORITY_DEFAULT, on_camera_eos_in_main, ref, g_free);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_sink_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Camera *camera = data;
  (void) pad;
  (void) info;
  if (g_atomic_int_compare_and_exchange (&camera->frame_seen, 0, 1))
    camera_log (camera, "receiving frames");
  return GST_PAD_PROBE_OK;
}

/* Builds camera N's bin and starts it inside the running pipeline. FALSE (logged, camera
 * failed) when the bin cannot be built: a missing plugin, which no retry fixes. */
static gboolean
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
    /* The retained status topic then says, per camera, whether its bin is running: "offline"
     * while a lost camera waits to reconnect. */
    g_object_set (publish, "host", app->mqtt_host, "port", app->mqtt_port, "camera-id", name,
        NULL);
    if (app->mqtt_user != NULL)
      g_object_set (publish, "username", app->mqtt_user, "password",
          g_getenv ("MQTT_PASSWORD"), NULL);
    if (app->mqtt_ca_file != NULL)
      g_object_set (publish, "tls-ca-file", app->mqtt_ca_file, NULL);
    gst_object_unref (publish);
  }

  GstElement *watchdog = gst_bin_get_by_name (GST_BIN (bin), "watchdog");
  if (watchdog != NULL) {
    g_object_set (watchdog, "timeout", app->camera_timeout_s * 1000, NULL);
    gst_object_unref (watchdog);
  }
  g_free (name);

  ++camera->run;
  g_atomic_int_set (&camera->frame_seen, 0);
  g_atomic_int_set (&camera->connection_lost, 0);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_sink_event, camera, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_sink_buffer, camera, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  /* The bin prerolls on its own: a camera joining the running pipeline must not make the
   * pipeline lose its PLAYING state (that would PAUSE every other camera's RTSP session each
   * time one camera retries; measured: the running camera then starved). */
  g_object_set (bin, "async-handling", TRUE, NULL);
  camera->bin = bin;
  gst_bin_add (GST_BIN (app->pipeline), bin);
  if (!gst_element_sync_state_with_parent (bin))
    camera_log (camera, "did not start; its error follows");
  return TRUE;
}

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

static gboolean
any_camera_active (const App * app)
{
  for (guint i = 0; i < app->n_cameras; ++i)
    if (app->cameras[i].bin != NULL || app->cameras[i].retry_id != 0)
      return TRUE;
  return FALSE;
}

/* Stops the program once no camera is running or waiting to run. */
static void
quit_when_idle (App * app)
{
  if (!any_camera_active (app))
    g_main_loop_quit (app->loop);
}

/* Main loop: stops camera N's bin and takes it out of the pipeline; the others keep running.
 * Every bin leaves this way, also at exit: a bin that failed to start stays in READY, and a
 * pipeline set to NULL with it inside fails its state change and leaves the other cameras'
 * threads running while they are destroyed (found: a crash when one camera's JSON file could
 * not be opened while another streamed). */
static void
camera_teardown (Camera * camera)
{
  if (camera->bin == NULL)
    return;
  GstElement *bin = camera->bin;
  camera->bin = NULL;
  ++camera->run;                /* whatever its threads still queue is stale now */
  gst_element_set_state (bin, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (camera->app->pipeline), bin);
#ifdef __GLIBC__
  /* Give back the pages the torn-down bin freed (see the arena cap in main). */
  malloc_trim (0);
#endif
}

/* Main loop: camera N's run is over. Tears down its bin (the others keep running) and
 * schedules the next run unless it is a file, reconnecting is off, or the program stops. */
static void
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
    if (g_atomic_int_get (&camera->frame_seen)) {
      camera->failures_in_a_row = 0;
      g_clear_pointer (&camera->last_failure, g_free);
    }
    gboolean repeat = camera->last_failure != NULL && g_strcmp0 (why, camera->last_failure) == 0;
    camera->failures_in_a_row = repeat ? camera->failures_in_a_row + 1 : 1;
    if (!repeat) {
      g_free (camera->last_failure);
      camera->last_failure = g_strdup (why);
    }
    guint n = camera->failures_in_a_row;
    if (!repeat)
      camera_log (camera, "%s; reconnecting every %d s", why, app->reconnect_delay_s);
    else if ((n & (n - 1)) == 0)
      camera_log (camera, "%s (%u times in a row); reconnecting every %d s", why, n,
          app->reconnect_delay_s);
    camera->retry_id = g_timeout_add_seconds (app->reconnect_delay_s, on_reconnect, camera);
  }
  quit_when_idle (app);
}

static Camera *
camera_of (App * app, GstObject * element)
{
  for (guint i = 0; i < app->n_cameras; ++i) {
    GstElement *bin = app->cameras[i].bin;
    if (bin != NULL && (element == GST_OBJECT (bin) ||
            gst_object_has_as_ancestor (element, GST_OBJECT (bin))))
      return &app->cameras[i];
  }
  return NULL;
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
static GstBusSyncReply
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
    camera_log (camera, "warning from %s: %s", GST_OBJECT_NAME (message->src), text);
  } else {
    g_printerr (PROGRAM ": warning from %s: %s\n", GST_OBJECT_NAME (message->src), text);
  }
  g_free (text);
  g_clear_error (&error);
  return GST_BUS_DROP;
}

/* The inference, JSON and MQTT elements fail on configuration (YAML, model, output file,
 * refused broker credentials; a broker that is down is only a warning): every camera would
 * fail the same way, so it is not retried. */
static gboolean
is_configuration_error (GstObject * element)
{
  const gchar *name = GST_OBJECT_NAME (element);
  return g_strcmp0 (name, "infer") == 0 || g_strcmp0 (name, "json") == 0 ||
      g_strcmp0 (name, "publish") == 0;
}

static gboolean
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
  if (is_configuration_error (message->src)) {
    camera_log (camera, "%s: %s (%s); stopping every camera", GST_OBJECT_NAME (message->src),
        text, debug != NULL ? debug : "no details");
    camera->failed = camera->done = TRUE;
    camera_teardown (camera);
    begin_stop (app, 1);
  } else {
    gchar *why = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (message->src), text);
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
static void
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
static gboolean
on_signal (gpointer data)
{
  App *app = data;
  if (app->stopping) {
    app->exit_code = 130;
    g_main_loop_quit (app->loop);
    return G_SOURCE_CONTINUE;
  }
  begin_stop (app, 130);
  return G_SOURCE_CONTINUE;
}

/* --sources-file: one SOURCE per line, blank lines and # comments skipped, whitespace around
 * a line trimmed. FALSE (said on stderr) when it cannot be read. */
static gboolean
read_sources_file (const gchar * path, GPtrArray * sources)
{
  gchar *text = NULL;
  GError *error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error)) {
    g_printerr (PROGRAM ": --sources-file: %s\n", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  gchar **lines = g_strsplit (text, "\n", -1);
  for (gchar ** line = lines; *line != NULL; ++line) {
    gchar *source = g_strstrip (*line);
    if (*source != '\0' && *source != '#')
      g_ptr_array_add (sources, g_strdup (source));
  }
  g_strfreev (lines);
  g_free (text);
  return TRUE;
}

static gboolean
parse_arguments (App * app, int *argc, char ***argv)
{
  gchar *config = NULL, *backend = NULL, *output_dir = NULL, *model_instance_id = NULL;
  gchar *write = NULL, *mqtt_host = NULL, *mqtt_user = NULL, *mqtt_ca_file = NULL;
  gint mqtt_port = 1883;
  gint camera_timeout_s = 10, reconnect_delay_s = 5;
  gchar *sources_file = NULL;
  GOptionEntry entries[] = {
    {"sources-file", 0, 0, G_OPTION_ARG_FILENAME, &sources_file,
        "read SOURCEs from FILE, one per line (# comments): camera passwords stay out of the "
        "process list; after the command line's SOURCEs", "FILE"},
    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
        "deltacnn YAML deployment file (required)", "FILE"},
    {"backend", 'b', 0, G_OPTION_ARG_STRING, &backend,
        "auto (default), cpu or cuda", "NAME"},
    {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
        "where cameraN.jsonl go (default: out; created)", "DIR"},
    {"model-instance-id", 0, 0, G_OPTION_ARG_STRING, &model_instance_id,
        "the shared model's id (default: cameras)", "ID"},
    {"camera-timeout", 0, 0, G_OPTION_ARG_INT, &camera_timeout_s,
        "seconds without a frame before a camera counts as lost; 0 = never (default 10)", "S"},
    {"reconnect-delay", 0, 0, G_OPTION_ARG_INT, &reconnect_delay_s,
        "seconds before a lost camera is tried again; 0 = never (default 5)", "S"},
    {"write", 0, 0, G_OPTION_ARG_STRING, &write,
        "what cameraN.jsonl holds: records (default, one per frame), events or both", "WHAT"},
    {"mqtt-host", 0, 0, G_OPTION_ARG_STRING, &mqtt_host,
        "publish each camera's track events to this MQTT broker (deltacnn/cameraN/events; "
        "retained status deltacnn/cameraN/status)", "HOST"},
    {"mqtt-port", 0, 0, G_OPTION_ARG_INT, &mqtt_port, "the broker's port (default 1883)", "N"},
    {"mqtt-user", 0, 0, G_OPTION_ARG_STRING, &mqtt_user,
        "broker user name; the password is read from MQTT_PASSWORD", "NAME"},
    {"mqtt-ca-file", 0, 0, G_OPTION_ARG_FILENAME, &mqtt_ca_file,
        "PEM CA of the broker's certificate: connect with TLS", "FILE"},
    {NULL}
  };
  GOptionContext *context = g_option_context_new ("SOURCE1 [SOURCE2 ...]");
  g_option_context_set_summary (context, "Runs deltacnn on several cameras in one process "
      "with one model in memory; each camera reconnects on its own.\n"
      "SOURCE: rtsp://..., another URI, or a video file.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  GError *error = NULL;
  gboolean ok = g_option_context_parse (context, argc, argv, &error);
  if (!ok) {
    g_printerr (PROGRAM ": %s (see --help)\n", error->message);
    g_clear_error (&error);
  } else if (config == NULL) {
    g_printerr (PROGRAM ": --config is required (see --help)\n");
    ok = FALSE;
  } else if (camera_timeout_s < 0 || reconnect_delay_s < 0 || camera_timeout_s > 86400) {
    /* (the watchdog takes milliseconds in an int: larger values overflowed into a 1 s timeout) */
    g_printerr (PROGRAM ": --camera-timeout is whole seconds in 0..86400 and --reconnect-delay "
        "whole seconds >= 0\n");
    ok = FALSE;
  } else if (backend != NULL && g_strcmp0 (backend, "auto") != 0 &&
      g_strcmp0 (backend, "cpu") != 0 && g_strcmp0 (backend, "cuda") != 0) {
    g_printerr (PROGRAM ": --backend is auto, cpu or cuda (got '%s')\n", backend);
    ok = FALSE;
  } else if (write != NULL && g_strcmp0 (write, "records") != 0 &&
      g_strcmp0 (write, "events") != 0 && g_strcmp0 (write, "both") != 0) {
    g_printerr (PROGRAM ": --write is records, events or both (got '%s')\n", write);
    ok = FALSE;
  } else if (mqtt_port < 1 || mqtt_port > 65535) {
    g_printerr (PROGRAM ": --mqtt-port is 1..65535 (got %d)\n", mqtt_port);
    ok = FALSE;
  } else if (mqtt_host == NULL && (mqtt_user != NULL || mqtt_ca_file != NULL)) {
    g_printerr (PROGRAM ": --mqtt-user and --mqtt-ca-file need --mqtt-host\n");
    ok = FALSE;
  } else if (mqtt_user != NULL && g_getenv ("MQTT_PASSWORD") == NULL) {
    g_printerr (PROGRAM ": --mqtt-user needs the password in MQTT_PASSWORD (not on the "
        "command line, where other users can read it)\n");
    ok = FALSE;
  } else if (!g_file_test (config, G_FILE_TEST_IS_REGULAR)) {
    g_printerr (PROGRAM ": --config '%s' is not a readable file\n", config);
    ok = FALSE;
  }
  app->sources = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; ok && i < *argc; ++i)
    g_ptr_array_add (app->sources, g_strdup ((*argv)[i]));
  if (ok && sources_file != NULL)
    ok = read_sources_file (sources_file, app->sources);
  if (ok && app->sources->len == 0) {
    g_printerr (PROGRAM ": no SOURCE given (see --help)\n");
    ok = FALSE;
  }
  g_free (sources_file);
  g_option_context_free (context);
  app->config = config;
  app->backend = backend != NULL ? backend : g_strdup ("auto");
  app->output_dir = output_dir != NULL ? output_dir : g_strdup ("out");
  app->model_instance_id = model_instance_id != NULL ? model_instance_id :
      g_strdup ("cameras");
  app->write = write != NULL ? write : g_strdup ("records");
  app->mqtt_host = mqtt_host;
  app->mqtt_user = mqtt_user;
  app->mqtt_ca_file = mqtt_ca_file;
  app->mqtt_port = mqtt_port;
  app->camera_timeout_s = camera_timeout_s;
  app->reconnect_delay_s = reconnect_delay_s;
  return ok;
}

int
main (int argc, char **argv)
{
  App app = {0};
  setlocale (LC_ALL, "");       /* GLib's messages in the user's language and quotes */
#ifdef __GLIBC__
  /* Every reconnect brings new streaming threads, and glibc gives new threads new arenas (up
   * to 8 per core), each keeping what a torn-down camera freed in it for its own later use.
   * Measured with one camera reconnecting every 8 s beside a steady one (MoveNet Lightning):
   * memory in use stayed at 58-59 MB, but the arenas grew 91 -> 142 MB in 12 reconnects and
   * resident memory 163 -> 232 MB; with the arenas capped and malloc_trim after each teardown
   * it measured 137 MB after the first reconnect and 142 MB after the twelfth. The engine does
   * not allocate per frame, so the cap costs no speed. */
  mallopt (M_ARENA_MAX, MAX (2, (int) g_get_num_processors ()));
#endif
  if (!parse_arguments (&app, &argc, &argv))
    return 2;
  app.n_cameras = app.sources->len;
  app.cameras = g_new0 (Camera, app.n_cameras);
  for (guint i = 0; i < app.n_cameras; ++i) {
    Camera *camera = &app.cameras[i];
    camera->app = &app;
    camera->index = i + 1;
    camera->source = g_strdup (g_ptr_array_index (app.sources, i));
    camera->shown = redact_source (camera->source);
    const gboolean is_uri = strstr (camera->source, "://") != NULL;
    camera->is_file = !is_uri || g_str_has_prefix (camera->source, "file://");
    if (!is_uri && !g_file_test (camera->source, G_FILE_TEST_IS_REGULAR)) {
      g_printerr (PROGRAM ": SOURCE%u '%s' is neither a URI nor a readable file\n",
          camera->index, camera->shown);
      return 2;
    }
    /* A space in a URL would be retried every few seconds for ever; say it once. */
    if (is_uri && (strpbrk (camera->source, " \t\r\n") != NULL || !gst_uri_is_valid (camera->source))) {
      g_printerr (PROGRAM ": SOURCE%u '%s' is not a valid URI (a space is written %%20)\n",
          camera->index, camera->shown);
      return 2;
    }
  }
  if (g_mkdir_with_parents (app.output_dir, 0755) != 0) {
    g_printerr (PROGRAM ": cannot create --output-dir '%s': %s\n", app.output_dir,
        g_strerror (errno));
    return 1;
  }

  app.loop = g_main_loop_new (NULL, FALSE);
  app.pipeline = gst_pipeline_new ("cameras");
  GstBus *bus = gst_element_get_bus (app.pipeline);
  gst_bus_set_sync_handler (bus, on_bus_sync, &app, NULL);
  guint bus_watch = gst_bus_add_watch (bus, on_bus_message, &app);
  gst_object_unref (bus);
  guint sigint = g_unix_signal_add (SIGINT, on_signal, &app);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, &app);
  guint sighup = g_unix_signal_add (SIGHUP, on_signal, &app);  /* a closed terminal */

  /* The pipeline plays with no camera in it; each bin joins it running. */
  gst_element_set_state (app.pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < app.n_cameras; ++i) {
    Camera *camera = &app.cameras[i];
    if (!camera_start (camera)) {
      camera->done = camera->failed = TRUE;
      app.exit_code = 1;
    }
  }
  /* (A quit before g_main_loop_run would be lost: run only with something to wait for.) */
  if (any_camera_active (&app))
    g_main_loop_run (app.loop);

  for (guint i = 0; i < app.n_cameras; ++i)
    camera_teardown (&app.cameras[i]);
  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  for (guint i = 0; i < app.n_cameras; ++i) {
    if (app.cameras[i].retry_id != 0)
      g_source_remove (app.cameras[i].retry_id);
    if (app.cameras[i].failed && app.exit_code == 0)
      app.exit_code = 1;
  }
  if (app.stop_grace_id != 0)
    g_source_remove (app.stop_grace_id);
  g_source_remove (bus_watch);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sighup);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  for (guint i = 0; i < app.n_cameras; ++i) {
    g_free (app.cameras[i].source);
    g_free (app.cameras[i].shown);
    g_free (app.cameras[i].last_failure);
  }
  g_free (app.cameras);
  g_free (app.config);
  g_free (app.backend);
  g_free (app.output_dir);
  g_free (app.model_instance_id);
  g_ptr_array_unref (app.sources);
  g_free (app.write);
  g_free (app.mqtt_host);
  g_free (app.mqtt_user);
  g_free (app.mqtt_ca_file);
  return app.exit_code;
}
