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
 * through model-instance-id, one loaded model and its runner threads, which a deltacnn element
 * of the program's own holds from start to exit (model_holder.c: a camera that is tried
 * without answering does not load the model again, and a bad configuration stops the program
 * at start). When a camera's stream
 * ends or fails (closed connection, unreachable at start, no frame for --camera-timeout
 * seconds), only its bin is torn down; it is built again after --reconnect-delay seconds while
 * the other cameras go on. Its JSON file is appended to, and its events carry a new run_id
 * (a video file's JSON file is replaced, as a new run of a file job should).
 *
 * SOURCE is rtsp:// (TCP, 200 ms jitter buffer), any other URI (uridecodebin; file:// is read
 * as a file), or a file path. Files are read once, as fast as the model runs, and are not
 * reopened. A bad --config stops the program at start (the model holder loads it first); an
 * error of the deltacnnjson or deltacnnpublish element (an unwritable file, refused broker
 * credentials) is not a camera problem either: it stops the program. A deltacnn error after
 * start (the --config file broken on disk since, read again by a reconnecting camera) is the
 * camera's: logged with the reason and retried while the others go on.
 *
 * Exit status: 0 when every source ended normally (files at their end), 1 when one failed
 * (with --reconnect-delay 0 a camera's stream ending counts as that: a camera has no end) or on
 * a configuration error, 2 on bad arguments, 3 when camera connections that hang inside
 * GStreamer have piled up (camera_bin.c: restart the program to get their sockets and threads
 * back), 130 on SIGINT/SIGTERM/SIGHUP (each running camera gets its EOS first, so its files are
 * complete; a second signal stops at once).
 *
 * A camera refusing the URL's user name and password is retried at doubling delays up to 5
 * minutes (cameras lock accounts after a few failed logins); a camera gets 30 s (or
 * --camera-timeout, if longer) for its first frame after connecting, then --camera-timeout.
 *
 * SIGUSR1 loads --config again (reload.c): the cameras go on with the edited file (or a model
 * file replaced in place) without dropping their connections; a file that does not load, or
 * whose zones or masks do not fit a running camera's picture, is refused with the reason and
 * the cameras keep what they run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <gst/gst.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cameras.h"
#include "redact.h"


/* What parse_arguments and run filled in; NULLs are fine (an early exit). Freed on every exit
 * path, so that a sanitized build's leak check sees none. */
static void
app_free (App * app)
{
  for (guint i = 0; app->cameras != NULL && i < app->n_cameras; ++i) {
    g_free (app->cameras[i].source);
    g_free (app->cameras[i].shown);
    g_free (app->cameras[i].last_failure);
    if (app->cameras[i].warned != NULL)
      g_hash_table_unref (app->cameras[i].warned);
  }
  g_free (app->cameras);
  g_free (app->config);
  g_free (app->backend);
  g_free (app->output_dir);
  g_free (app->model_instance_id);
  g_free (app->base_instance_id);
  if (app->sources != NULL)
    g_ptr_array_unref (app->sources);
  g_mutex_clear (&app->warned_lock);
  /* (what a stuck teardown holds is never freed: the process ends around it) */
  g_ptr_array_unref (app->teardowns);
  g_mutex_clear (&app->teardowns_lock);
  g_free (app->write);
  g_free (app->mqtt_host);
  g_free (app->mqtt_user);
  g_free (app->mqtt_ca_file);
}

static int run (App * app, int argc, char **argv);

int
main (int argc, char **argv)
{
  App app = {0};
  setlocale (LC_ALL, "");       /* GLib's messages in the user's language and quotes */
  g_mutex_init (&app.warned_lock);
  g_mutex_init (&app.teardowns_lock);
  app.teardowns = g_ptr_array_new ();
  const int code = run (&app, argc, argv);
  app_free (&app);
  return code;
}

static int
run (App * app, int argc, char **argv)
{
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
  if (!parse_arguments (app, &argc, &argv))
    return 2;
  app->n_cameras = app->sources->len;
  app->cameras = g_new0 (Camera, app->n_cameras);
  for (guint i = 0; i < app->n_cameras; ++i) {
    Camera *camera = &app->cameras[i];
    camera->app = app;
    camera->index = i + 1;
    camera->source = g_strdup (g_ptr_array_index (app->sources, i));
    camera->shown = redact_source (camera->source);
    camera->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    const gboolean is_uri = strstr (camera->source, "://") != NULL;
    camera->is_file = !is_uri || g_str_has_prefix (camera->source, "file://");
    if (!is_uri && !g_file_test (camera->source, G_FILE_TEST_IS_REGULAR)) {
      g_printerr (PROGRAM ": SOURCE%u '%s' is neither a URI nor a readable file\n",
          camera->index, camera->shown);
      return 2;
    }
    /* A scheme no installed plugin reads (a typo: rtps://) would be retried for ever. */
    gchar *scheme = is_uri ? gst_uri_get_protocol (camera->source) : NULL;
    const gboolean readable = scheme == NULL || gst_uri_protocol_is_supported (GST_URI_SRC, scheme);
    if (!readable) {
      g_printerr (PROGRAM ": SOURCE%u '%s': no installed GStreamer plugin reads '%s://' URIs\n",
          camera->index, camera->shown, scheme);
      g_free (scheme);
      return 2;
    }
    g_free (scheme);
    /* A space in a URL would be retried every few seconds for ever; say it once. */
    if (is_uri && (strpbrk (camera->source, " \t\r\n") != NULL || !gst_uri_is_valid (camera->source))) {
      g_printerr (PROGRAM ": SOURCE%u '%s' is not a valid URI (a space is written %%20)\n",
          camera->index, camera->shown);
      return 2;
    }
  }
  if (g_mkdir_with_parents (app->output_dir, 0755) != 0) {
    g_printerr (PROGRAM ": cannot create --output-dir '%s': %s\n", app->output_dir,
        g_strerror (errno));
    return 1;
  }

  /* Caught from here on (dispatched once the main loop runs): a reload asked for while the
   * model loads must not kill the program, as SIGUSR1's default action would, and a stop asked
   * for then (a service manager's SIGTERM) ends with the documented 130 once the model has
   * loaded, before any camera starts, instead of the signal's default death. */
  app->loop = g_main_loop_new (NULL, FALSE);
  guint sigusr1 = g_unix_signal_add (SIGUSR1, on_reload_signal, app);
  guint sigint = g_unix_signal_add (SIGINT, on_signal, app);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, app);
  guint sighup = g_unix_signal_add (SIGHUP, on_signal, app);  /* a closed terminal */
  /* Before any camera: a bad config stops here, also with every camera offline. */
  remember_config_file (app);
  app->model_holder = model_hold (app, app->model_instance_id);
  if (app->model_holder == NULL) {
    g_source_remove (sigusr1);
    g_source_remove (sigint);
    g_source_remove (sigterm);
    g_source_remove (sighup);
    signal (SIGUSR1, SIG_IGN);
    g_main_loop_unref (app->loop);
    return 1;
  }

  app->diagnoses = g_cancellable_new ();
  app->pipeline = gst_pipeline_new ("cameras");
  GstBus *bus = gst_element_get_bus (app->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_sync, app, NULL);
  guint bus_watch = gst_bus_add_watch (bus, on_bus_message, app);
  gst_object_unref (bus);
  app->teardown_check_id = g_timeout_add_seconds (10, check_stuck_teardowns, app);
  /* A stop asked for while the model loaded: no camera starts. */
  while (g_main_context_iteration (NULL, FALSE)) {
  }

  /* The pipeline plays with no camera in it; each bin joins it running. */
  gst_element_set_state (app->pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < app->n_cameras && !app->stopping; ++i) {
    Camera *camera = &app->cameras[i];
    if (!camera_start (camera)) {
      camera->done = camera->failed = TRUE;
      app->exit_code = 1;
    }
  }
  /* (A quit before g_main_loop_run would be lost: run only with something to wait for.) */
  if (any_camera_active (app))
    g_main_loop_run (app->loop);
  /* Network checks still running (diagnose.c) end here: cancelled, their callbacks (which free
   * what they hold) come from the main context, within a second (a resolver thread may lag). */
  g_cancellable_cancel (app->diagnoses);
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;
      app->diagnoses_running > 0 && g_get_monotonic_time () < until;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10000);

  for (guint i = 0; i < app->n_cameras; ++i)
    camera_teardown (&app->cameras[i]);
  /* A camera stuck in its own state change is not waited for without bound: its files are
   * written by then (EOS, or it never got a frame), so the program exits without it. */
  g_source_remove (app->teardown_check_id);
  if (!wait_for_teardowns (app, STOP_GRACE_S)) {
    g_printerr (PROGRAM ": a camera's source did not stop (within %d s, or hung before); exiting "
        "without it\n", STOP_GRACE_S);
    fflush (NULL);
    _exit (app->exit_code != 0 ? app->exit_code : 1);
  }
  gst_element_set_state (app->pipeline, GST_STATE_NULL);
  for (guint i = 0; i < app->n_cameras; ++i) {
    if (app->cameras[i].retry_id != 0)
      g_source_remove (app->cameras[i].retry_id);
    if (app->cameras[i].failed && app->exit_code == 0)
      app->exit_code = 1;
  }
  if (app->stop_grace_id != 0)
    g_source_remove (app->stop_grace_id);
  g_source_remove (bus_watch);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sighup);
  g_source_remove (sigusr1);
  signal (SIGUSR1, SIG_IGN);    /* GLib put the default action (terminate) back */
  gst_object_unref (app->pipeline);
  model_release (app->model_holder);
  g_object_unref (app->diagnoses);
  g_main_loop_unref (app->loop);
  return app->exit_code;
}
