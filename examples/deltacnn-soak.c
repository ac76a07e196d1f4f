/* deltacnn-soak: a long run of one video looped like a camera that never stops, through two
 * deltacnn elements after a tee (mode=dense and mode=delta, one shared model). Checks that
 *  - resident memory stays flat after warm-up (no per-frame leak), and
 *  - delta keeps agreeing with dense as well at the end as at the start (no drift of the
 *    delta state, which is never reset: segment seeks loop the file without a flush and the
 *    periodic keyframe is off by default).
 *
 *   deltacnn-soak --config configs/movenet-lightning.yaml --video data/vtest.avi \
 *                 [--frames 10000] [--keyframe-interval 0] [--max-rss-growth-mb 5] \
 *                 [--tolerance 0.05]
 *
 * Prints one line per 500-frame window (RSS, count agreement, keypoint agreement) and a
 * verdict. Exit status 0 = both checks pass, 1 = a check failed, 2 = error.
 *
 * Agreement of one frame pair (dense, delta of the same buffer): the object counts are equal
 * ("counts"); and over the dense keypoints with confidence >= 0.3, the fraction whose delta
 * counterpart (object matched by nearest box centre) lies within 3 px ("kpts").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-unix.h>
#include <signal.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gst/meta/deltacnnmeta.h"

#define WINDOW 500
#define WARMUP_FRAMES 1000
#define MAX_OBJECTS 16
#define MAX_POINTS 32
#define KEYPOINT_MIN_CONFIDENCE 0.3f
#define KEYPOINT_MAX_DISTANCE_PX 3.0f

typedef struct {
  guint n_points;
  gfloat cx, cy;                /* box centre, to match objects across branches */
  gfloat x[MAX_POINTS], y[MAX_POINTS], conf[MAX_POINTS];
} ObjectResult;

typedef struct {
  GstClockTime pts;
  gboolean keyframe;
  guint n_objects;
  ObjectResult objects[MAX_OBJECTS];
} FrameResult;

typedef struct {
  guint64 frames, counts_equal, kpts_total, kpts_close, delta_keyframes, delta_objects;
  double delta_active_sum;
  double rss_mb;                /* sampled when the window closes */
} WindowStats;

typedef struct {
  GMutex lock;
  GQueue pending[2];            /* FrameResult*, per branch: 0 = dense, 1 = delta */
  GQueue free_results;          /* recycled FrameResult*, so steady state allocates nothing */
  guint64 compared;
  guint64 target_frames;
  WindowStats *windows;
  guint n_windows;
  gboolean done_posted;
  gboolean interrupted;         /* SIGINT/SIGTERM: verdict on the windows completed so far */
  gboolean misaligned;
  guint64 loops, discont_cleared;
  GstElement *pipeline;
  GMainLoop *loop;
  int exit_code;
} Soak;

static double
resident_mb (void)
{
  FILE *f = fopen ("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f == NULL)
    return -1.0;
  if (fscanf (f, "%lu %lu", &size, &resident) != 2)
    resident = 0;
  fclose (f);
  return (double) resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static void
read_frame (GstBuffer * buffer, FrameResult * out)
{
  DeltaCnnFrameMeta *meta = gst_buffer_get_deltacnn_frame_meta (buffer);
  out->pts = GST_BUFFER_PTS (buffer);
  out->keyframe = meta != NULL && meta->keyframe;
  out->n_objects = 0;
  gpointer iter = NULL;
  GstMeta *m;
  while ((m = gst_buffer_iterate_meta_filtered (buffer, &iter,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) != NULL
      && out->n_objects < MAX_OBJECTS) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
    DeltaCnnDetection det;
    DeltaCnnKeypoint points[MAX_POINTS];
    if (!deltacnn_roi_get_detection (roi, &det))
      continue;
    ObjectResult *o = &out->objects[out->n_objects++];
    o->cx = det.x + det.w * 0.5f;
    o->cy = det.y + det.h * 0.5f;
    o->n_points = MIN (deltacnn_roi_get_keypoints (roi, points, MAX_POINTS), MAX_POINTS);
    for (guint i = 0; i < o->n_points; ++i) {
      o->x[i] = points[i].x;
      o->y[i] = points[i].y;
      o->conf[i] = points[i].confidence;
    }
  }
}

/* Dense keypoints (confident ones) vs the delta object with the nearest box centre. */
static void
compare_frames (const FrameResult * dense, const FrameResult * delta, WindowStats * w)
{
  w->frames++;
  w->counts_equal += dense->n_objects == delta->n_objects;
  w->delta_keyframes += delta->keyframe;
  w->delta_objects += delta->n_objects;
  for (guint a = 0; a < dense->n_objects; ++a) {
    const ObjectResult *d = &dense->objects[a];
    const ObjectResult *best = NULL;
    float best_dist = INFINITY;
    for (guint b = 0; b < delta->n_objects; ++b) {
      const ObjectResult *e = &delta->objects[b];
      float dist = hypotf (e->cx - d->cx, e->cy - d->cy);
      if (dist < best_dist) {
        best_dist = dist;
        best = e;
      }
    }
    for (guint i = 0; i < d->n_points; ++i) {
      if (d->conf[i] < KEYPOINT_MIN_CONFIDENCE)
        continue;
      w->kpts_total++;
      if (best != NULL && i < best->n_points
          && hypotf (best->x[i] - d->x[i], best->y[i] - d->y[i]) <= KEYPOINT_MAX_DISTANCE_PX)
        w->kpts_close++;
    }
  }
}

static void
print_window (guint index, const WindowStats * w)
{
  printf ("window %5u-%5u rss %.1f MB counts %.3f kpts %.3f (%" G_GUINT64_FORMAT
      " kpts) delta-keyframes %" G_GUINT64_FORMAT " objects/frame %.2f\n", index * WINDOW,
      index * WINDOW + (guint) w->frames - 1, w->rss_mb,
      w->frames ? (double) w->counts_equal / w->frames : 0.0,
      w->kpts_total ? (double) w->kpts_close / w->kpts_total : 1.0, w->kpts_total,
      w->delta_keyframes, w->frames ? (double) w->delta_objects / w->frames : 0.0);
  fflush (stdout);
}

/* Pairs the heads of both queues (the tee gives both branches the same buffers in order). */
static void
drain_pairs (Soak * soak)
{
  while (!g_queue_is_empty (&soak->pending[0]) && !g_queue_is_empty (&soak->pending[1])) {
    FrameResult *dense = g_queue_pop_head (&soak->pending[0]);
    FrameResult *delta = g_queue_pop_head (&soak->pending[1]);
    if (dense->pts != delta->pts)
      soak->misaligned = TRUE;
    if (soak->compared < soak->target_frames) {
      guint wi = (guint) (soak->compared / WINDOW);
      WindowStats *w = &soak->windows[wi];
      compare_frames (dense, delta, w);
      soak->compared++;
      if (soak->compared % WINDOW == 0 || soak->compared == soak->target_frames) {
        w->rss_mb = resident_mb ();
        print_window (wi, w);
      }
    }
    g_queue_push_tail (&soak->free_results, dense);
    g_queue_push_tail (&soak->free_results, delta);
  }
  if ((soak->compared >= soak->target_frames || soak->misaligned) && !soak->done_posted) {
    soak->done_posted = TRUE;
    gst_element_post_message (soak->pipeline,
        gst_message_new_application (GST_OBJECT (soak->pipeline),
            gst_structure_new_empty ("soak-done")));
  }
}

typedef struct {
  Soak *soak;
  int branch;
} BranchProbe;

static GstPadProbeReturn
on_result (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  BranchProbe *probe = user_data;
  Soak *soak = probe->soak;
  (void) pad;
  g_mutex_lock (&soak->lock);
  FrameResult *r = g_queue_pop_head (&soak->free_results);
  if (r == NULL)
    r = g_new0 (FrameResult, 1);
  read_frame (GST_PAD_PROBE_INFO_BUFFER (info), r);
  g_queue_push_tail (&soak->pending[probe->branch], r);
  drain_pairs (soak);
  g_mutex_unlock (&soak->lock);
  return GST_PAD_PROBE_OK;
}

/* The demuxer marks the first buffer after each loop seek DISCONT, and deltacnn rightly resets
 * on a discontinuity. A camera has no loop point: clearing the flag makes the file behave like
 * one endless stream, so the delta state really lives for the whole soak. */
static GstPadProbeReturn
clear_discont (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Soak *soak = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  (void) pad;
  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT)) {
    buffer = gst_buffer_make_writable (buffer);
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_DISCONT);
    GST_PAD_PROBE_INFO_DATA (info) = buffer;
    soak->discont_cleared++;
  }
  return GST_PAD_PROBE_OK;
}

static gboolean
loop_seek (GstElement * pipeline, gboolean flush)
{
  GstSeekFlags flags = GST_SEEK_FLAG_SEGMENT | (flush ? GST_SEEK_FLAG_FLUSH : 0);
  return gst_element_seek (pipeline, 1.0, GST_FORMAT_TIME, flags, GST_SEEK_TYPE_SET, 0,
      GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
}

static gboolean
on_bus (GstBus * bus, GstMessage * message, gpointer user_data)
{
  Soak *soak = user_data;
  (void) bus;
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_SEGMENT_DONE:
      soak->loops++;
      /* Non-flushing: data already in flight stays, the delta state is not reset. */
      if (!loop_seek (soak->pipeline, FALSE)) {
        fprintf (stderr, "deltacnn-soak: the loop seek failed\n");
        soak->exit_code = 2;
        g_main_loop_quit (soak->loop);
      }
      break;
    case GST_MESSAGE_ERROR:{
      GError *error = NULL;
      gchar *debug = NULL;
      gst_message_parse_error (message, &error, &debug);
      fprintf (stderr, "deltacnn-soak: error from %s: %s\n%s\n", GST_OBJECT_NAME (message->src),
          error->message, debug ? debug : "");
      g_clear_error (&error);
      g_free (debug);
      soak->exit_code = 2;
      g_main_loop_quit (soak->loop);
      break;
    }
    case GST_MESSAGE_EOS:
      fprintf (stderr, "deltacnn-soak: unexpected EOS (the segment loop should never end)\n");
      soak->exit_code = 2;
      g_main_loop_quit (soak->loop);
      break;
    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (message, "soak-done"))
        g_main_loop_quit (soak->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt (gpointer user_data)
{
  Soak *soak = user_data;
  fprintf (stderr, "deltacnn-soak: interrupted, judging the windows completed so far\n");
  soak->interrupted = TRUE;
  g_main_loop_quit (soak->loop);
  return G_SOURCE_CONTINUE;
}

static void
add_probe (GstElement * pipeline, const gchar * element, const gchar * pad_name,
    GstPadProbeCallback callback, gpointer data)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), element);
  GstPad *pad = gst_element_get_static_pad (e, pad_name);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, callback, data, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
}

/* Compares the first window with the last full one; both must exist. */
static int
verdict (Soak * soak, double max_growth_mb, double tolerance)
{
  guint full = (guint) (soak->compared / WINDOW);
  if (soak->misaligned) {
    fprintf (stderr, "deltacnn-soak: the two branches saw different buffers\n");
    return 2;
  }
  if (full < 3) {
    fprintf (stderr, "deltacnn-soak: need at least %d frames for a verdict, got %"
        G_GUINT64_FORMAT "\n", 3 * WINDOW, soak->compared);
    return 2;
  }
  const WindowStats *first = &soak->windows[0];
  const WindowStats *last = &soak->windows[full - 1];
  const WindowStats *warm = &soak->windows[WARMUP_FRAMES / WINDOW - 1];
  double growth = last->rss_mb - warm->rss_mb;
  double first_counts = (double) first->counts_equal / first->frames;
  double last_counts = (double) last->counts_equal / last->frames;
  double first_kpts = first->kpts_total ? (double) first->kpts_close / first->kpts_total : 1.0;
  double last_kpts = last->kpts_total ? (double) last->kpts_close / last->kpts_total : 1.0;
  gboolean rss_ok = growth <= max_growth_mb;
  /* Only a drop counts as drift: agreeing better at the end is no failure. */
  gboolean agree_ok = last_counts >= first_counts - tolerance
      && last_kpts >= first_kpts - tolerance;
  printf ("frames %" G_GUINT64_FORMAT " loops %" G_GUINT64_FORMAT " discont-cleared %"
      G_GUINT64_FORMAT "\n", soak->compared, soak->loops, soak->discont_cleared);
  printf ("rss after warm-up (frame %d) %.1f MB, at the end %.1f MB, growth %.2f MB (limit %.1f)"
      " %s\n", WARMUP_FRAMES, warm->rss_mb, last->rss_mb, growth, max_growth_mb,
      rss_ok ? "OK" : "FAIL");
  printf ("agreement first window counts %.3f kpts %.3f, last window counts %.3f kpts %.3f "
      "(tolerance %.3f) %s\n", first_counts, first_kpts, last_counts, last_kpts, tolerance,
      agree_ok ? "OK" : "FAIL");
  return rss_ok && agree_ok ? 0 : 1;
}

int
main (int argc, char **argv)
{
  gchar *config = NULL, *video = NULL;
  gint64 frames = 10000;
  gint keyframe_interval = 0;
  gdouble max_growth_mb = 5.0, tolerance = 0.05;
  GOptionEntry entries[] = {
    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
        "YAML deployment (e.g. configs/movenet-lightning.yaml or movenet-multipose.yaml)", "PATH"},
    {"video", 'v', 0, G_OPTION_ARG_FILENAME, &video, "video file to loop", "PATH"},
    {"frames", 'n', 0, G_OPTION_ARG_INT64, &frames,
        "frames to run (default 10000, at least 1500)", "N"},
    {"keyframe-interval", 'k', 0, G_OPTION_ARG_INT, &keyframe_interval,
        "delta branch keyframe interval; 0 (default) = never, -1 = the YAML's", "N"},
    {"max-rss-growth-mb", 0, 0, G_OPTION_ARG_DOUBLE, &max_growth_mb,
        "allowed RSS growth after warm-up (default 5)", "MB"},
    {"tolerance", 't', 0, G_OPTION_ARG_DOUBLE, &tolerance,
        "allowed drop of agreement, first vs last window (default 0.05)", "FRACTION"},
    {NULL}
  };
  GError *error = NULL;
  GOptionContext *context = g_option_context_new ("- deltacnn memory and drift soak");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    fprintf (stderr, "deltacnn-soak: %s\n", error->message);
    return 2;
  }
  g_option_context_free (context);
  if (config == NULL || video == NULL) {
    fprintf (stderr, "deltacnn-soak: --config and --video are required\n");
    return 2;
  }
  /* verdict() needs three full windows: refused now rather than after the whole run. */
  if (frames < 3 * WINDOW) {
    fprintf (stderr, "deltacnn-soak: --frames must be at least %d for a verdict, got %"
        G_GINT64_FORMAT "\n", 3 * WINDOW, frames);
    return 2;
  }

  gchar *description = g_strdup_printf (
      "filesrc location=\"%s\" ! decodebin ! videoconvert name=convert ! tee name=t "
      "t. ! queue max-size-buffers=4 ! deltacnn name=dense mode=dense unique-id=1 "
      "model-instance-id=soak config-file-path=\"%s\" ! fakesink name=dense_sink sync=false "
      "t. ! queue max-size-buffers=4 ! deltacnn name=delta mode=delta unique-id=2 "
      "model-instance-id=soak config-file-path=\"%s\" keyframe-interval=%d ! "
      "fakesink name=delta_sink sync=false", video, config, config, keyframe_interval);
  Soak soak = { 0 };
  g_mutex_init (&soak.lock);
  soak.pipeline = gst_parse_launch (description, &error);
  g_free (description);
  if (soak.pipeline == NULL || error != NULL) {
    fprintf (stderr, "deltacnn-soak: %s\n", error ? error->message : "could not build");
    return 2;
  }
  soak.target_frames = (guint64) frames;
  soak.n_windows = (guint) ((frames + WINDOW - 1) / WINDOW);
  soak.windows = g_new0 (WindowStats, soak.n_windows);
  BranchProbe dense_probe = { &soak, 0 }, delta_probe = { &soak, 1 };
  add_probe (soak.pipeline, "convert", "src", clear_discont, &soak);
  add_probe (soak.pipeline, "dense_sink", "sink", on_result, &dense_probe);
  add_probe (soak.pipeline, "delta_sink", "sink", on_result, &delta_probe);

  soak.loop = g_main_loop_new (NULL, FALSE);
  GstBus *bus = gst_element_get_bus (soak.pipeline);
  guint watch = gst_bus_add_watch (bus, on_bus, &soak);
  gst_object_unref (bus);
  g_unix_signal_add (SIGINT, on_interrupt, &soak);
  g_unix_signal_add (SIGTERM, on_interrupt, &soak);

  /* A segment seek needs a prerolled pipeline; the first one flushes (nothing to keep yet). */
  if (gst_element_set_state (soak.pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE
      || gst_element_get_state (soak.pipeline, NULL, NULL, 120 * GST_SECOND)
      != GST_STATE_CHANGE_SUCCESS || !loop_seek (soak.pipeline, TRUE)) {
    /* The bus holds the element's reason; the watch prints it while the loop drains. */
    fprintf (stderr, "deltacnn-soak: could not preroll and seek\n");
    soak.exit_code = 2;
    while (g_main_context_iteration (NULL, FALSE));
  } else {
    gst_element_set_state (soak.pipeline, GST_STATE_PLAYING);
    g_main_loop_run (soak.loop);
  }
  gst_element_set_state (soak.pipeline, GST_STATE_NULL);
  if (soak.interrupted)
    printf ("interrupted after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " frames\n",
        soak.compared, soak.target_frames);

  int result = soak.exit_code != 0 ? soak.exit_code :
      verdict (&soak, max_growth_mb, tolerance);
  g_source_remove (watch);
  gst_object_unref (soak.pipeline);
  g_main_loop_unref (soak.loop);
  for (int b = 0; b < 2; ++b)
    g_queue_clear_full (&soak.pending[b], g_free);
  g_queue_clear_full (&soak.free_results, g_free);
  g_free (soak.windows);
  g_free (config);
  g_free (video);
  return result;
}
