/* deltacnn-cameras' parts: a camera's bin (camera_bin.c), the supervisor that tears a lost
 * camera down and builds it again (supervisor.c), the command line (options.c), main.c.
 * Everything here runs on the main loop's thread unless a comment says otherwise.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

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
  GHashTable *warned;           /* warnings said since the last run that got frames (warned_lock) */
  gint connection_lost;         /* atomic: the source warned that it could not read (rtspsrc
                                 * then ends the stream with EOS, which would read as a clean end) */
  gint had_frames;              /* atomic: some run of this camera got frames */
  gboolean login_refused;       /* this run ended with the camera refusing the URL's credentials */
  guint login_refusals;         /* such runs in a row: the retry delay doubles (supervisor.c) */
} Camera;

/* A camera that has not sent its first frame gets this long (or --camera-timeout, if longer)
 * before the watchdog calls it lost: an RTSP handshake to a slow camera (several round trips,
 * the camera's own start) is no silent stream. */
#define FIRST_FRAME_BUDGET_S 30
/* A camera that refuses the credentials is retried at doubling delays up to this: many cameras
 * lock the account (also for the NVR itself) after a handful of failed logins. */
#define LOGIN_RETRY_MAX_S 300

struct App {
  GMainLoop *loop;
  GstElement *pipeline;
  Camera *cameras;
  guint n_cameras;
  gchar *config, *backend, *output_dir, *model_instance_id, *write;
  gchar *base_instance_id;      /* --model-instance-id; model_instance_id adds #N after reloads */
  GStatBuf config_stat;         /* --config as it was when last loaded (reload.c) */
  guint reloads;                /* SIGUSR1s that loaded the config again */
  GstElement *model_holder;     /* model_holder.c, on model_instance_id */
  gchar *mqtt_host, *mqtt_user, *mqtt_ca_file;  /* mqtt_host NULL: no MQTT */
  gint mqtt_port;
  gint camera_timeout_s, reconnect_delay_s;
  GPtrArray *sources;           /* the command line's, then --sources-file's */
  GMutex warned_lock;           /* the cameras' `warned` sets: bus sync handler and probes */
  gboolean stopping;
  gint teardowns_running;       /* atomic: bins being set to NULL in their own threads */
  GMutex teardowns_lock;        /* guards teardowns */
  GPtrArray *teardowns;         /* the Teardowns (camera_bin.c) whose threads run */
  guint teardowns_stuck;        /* of them, found stuck (said once each; they never end) */
  guint teardown_check_id;      /* the periodic check of stuck teardowns */
  guint stop_grace_id;
  GCancellable *diagnoses;      /* cancels the network checks of diagnose.c at exit */
  guint diagnoses_running;      /* how many of them have not called back yet */
  int exit_code;
};

/* What a streaming thread hands to the main loop: which camera, and which of its runs. */
typedef struct {
  Camera *camera;
  guint run;
} RunRef;

/* camera_bin.c */
void camera_log (Camera * camera, const gchar * format, ...) G_GNUC_PRINTF (2, 3);
gboolean camera_start (Camera * camera);
void camera_teardown (Camera * camera);
/* Waits until every torn-down bin has reached NULL, not for those found stuck already; FALSE
 * when some had not after timeout_s. */
gboolean wait_for_teardowns (App * app, gint timeout_s);
/* Main loop, every few seconds: says which teardowns are stuck (GStreamer 1.22's rtspsrc can
 * deadlock going to NULL when its server drops mid-handshake; each keeps a socket and a few
 * threads), and past MAX_STUCK_TEARDOWNS stops the program with exit status 3, for the service
 * manager to restart it: nothing else gives those back. */
gboolean check_stuck_teardowns (gpointer data);
#define TEARDOWN_STUCK_S 30
#define MAX_STUCK_TEARDOWNS 16
#define EXIT_STUCK_TEARDOWNS 3

/* model_holder.c: a deltacnn element of the program's own, started with the cameras' settings,
 * so the shared model stays loaded while cameras come and go. The holder's pipeline, or NULL
 * after saying on stderr why the model does not load. */
GstElement *model_hold (const App * app, const gchar * instance_id);
void model_release (GstElement * holder);

/* reload.c: SIGUSR1 loads --config again (edited thresholds, zones, a retrained model): a new
 * model holder validates it, then every running camera reloads onto it while its frames go on
 * (the deltacnn element's reload), and cameras that reconnect later build with it. A config
 * that does not load is refused with the reason; the cameras keep the one they run. */
gboolean on_reload_signal (gpointer data);
/* --config's size and modification time as loaded, and whether the file differs from that now
 * (so an element's configuration error can say "the file changed on disk" only when it did). */
void remember_config_file (App * app);
gboolean config_file_changed (const App * app);

/* diagnose.c: after rtspsrc's "Could not open resource" (which names no cause), connects to
 * the camera's host and port and logs what the network said (refused, no answer, no such host,
 * or up: then the stream itself was refused). Asynchronous; no-op for other failures. */
void diagnose_open_failure (Camera * camera, const gchar * why);

/* supervisor.c */
void camera_ended (Camera * camera, gboolean failed, const gchar * why);
gboolean any_camera_active (const App * app);
void quit_when_idle (App * app);
GstBusSyncReply on_bus_sync (GstBus * bus, GstMessage * message, gpointer data);
gboolean on_bus_message (GstBus * bus, GstMessage * message, gpointer data);
void begin_stop (App * app, int exit_code);
gboolean on_signal (gpointer data);

/* options.c: fills app's settings and sources; FALSE after saying why on stderr. */
gboolean parse_arguments (App * app, int *argc, char ***argv);

G_END_DECLS
