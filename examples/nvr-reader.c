/* nvr-reader: how NVR software embeds deltacnn. Plain C, links only GStreamer and the public
 * metadata library (gstdeltacnnmeta-1.0, header gst/meta/deltacnnmeta.h); the engine stays
 * inside the plugin.
 *
 *   nvr-reader CONFIG.yaml SOURCE [MAX_FRAMES]
 *
 * SOURCE is a file path or any URI (rtsp://, file://, http://). The pipeline is
 *   uridecodebin uri=SOURCE ! videoconvert ! queue ! videorate drop-only=true !
 *     deltacnn config-file-path=CONFIG ! fakesink
 * (for rtsp:// the queue is leaky: see on_source_setup)
 * and the results are read in a pad probe on the sink, through the public header only. Output,
 * one line per frame and one per object:
 *   frame 12 objects 2 keyframe 0 input_active 0.031 infer_ms 41.2 backend cpu
 *   frame 12 id 3 person 0.71 box 100,80-160,240 kpts 15
 * (kpts counts the keypoints whose confidence is at least 0.3).
 * Exit status: 0 after EOS or MAX_FRAMES frames, 1 on a pipeline error (the element's message
 * is printed on stderr), 2 on bad arguments.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gst/meta/deltacnnmeta.h"

#define KEYPOINT_MIN_CONFIDENCE 0.3f
#define MAX_KEYPOINTS 64

typedef struct {
  GMainLoop *loop;
  GstElement *pipeline;
  guint64 frames;       /* buffers seen by the probe (streaming thread) */
  guint64 max_frames;   /* 0 = until EOS */
  gboolean stop_posted;
  int exit_code;
} ReaderState;

/* Counts keypoints that are confident enough to be drawn. */
static guint
count_confident_keypoints (GstVideoRegionOfInterestMeta * roi)
{
  DeltaCnnKeypoint points[MAX_KEYPOINTS];
  guint n = deltacnn_roi_get_keypoints (roi, points, MAX_KEYPOINTS);
  guint confident = 0;
  for (guint i = 0; i < n && i < MAX_KEYPOINTS; ++i)
    if (points[i].confidence >= KEYPOINT_MIN_CONFIDENCE)
      ++confident;
  return confident;
}

static void
print_frame (guint64 frame, GstBuffer * buffer)
{
  DeltaCnnFrameMeta *meta = gst_buffer_get_deltacnn_frame_meta (buffer);
  if (meta == NULL) {
    /* The element promises a frame meta on every buffer: make a missing one visible. */
    printf ("frame %" G_GUINT64_FORMAT " no-frame-meta\n", frame);
    return;
  }
  printf ("frame %" G_GUINT64_FORMAT " objects %u keyframe %d input_active %.3f infer_ms %.1f "
      "backend %s\n", frame, meta->n_objects, meta->keyframe ? 1 : 0, meta->input_active,
      meta->infer_ms, meta->backend ? meta->backend : "?");

  gpointer iter = NULL;
  GstMeta *m;
  while ((m = gst_buffer_iterate_meta_filtered (buffer, &iter,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) != NULL) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
    DeltaCnnDetection det;
    if (!deltacnn_roi_get_detection (roi, &det))
      continue;                 /* a ROI from some other element */
    printf ("frame %" G_GUINT64_FORMAT " id %d %s %.2f box %u,%u-%u,%u kpts %u\n", frame,
        det.id, det.label ? det.label : "?", det.confidence, det.x, det.y, det.x + det.w,
        det.y + det.h, count_confident_keypoints (roi));
  }
}

static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  ReaderState *state = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  if (state->max_frames > 0 && state->frames >= state->max_frames)
    return GST_PAD_PROBE_DROP;  /* enough: the main loop is stopping the pipeline */
  print_frame (state->frames, buffer);
  fflush (stdout);
  ++state->frames;
  if (state->max_frames > 0 && state->frames == state->max_frames && !state->stop_posted) {
    state->stop_posted = TRUE;
    /* Stopping from the streaming thread would deadlock: ask the main loop to do it. */
    gst_element_post_message (state->pipeline,
        gst_message_new_application (GST_OBJECT (state->pipeline),
            gst_structure_new_empty ("nvr-reader-done")));
  }
  (void) pad;
  return GST_PAD_PROBE_OK;
}

/* RTSP cameras: TCP interleaving survives NAT and lossy links, and a short TCP timeout turns
 * a vanished camera into a bus message instead of a silent stall. A camera does not wait for
 * the analytics: when inference is slower than the camera, the queue before deltacnn drops
 * the oldest decoded frames instead of building an ever longer backlog (latency, memory, and
 * an EOS that arrives only after the whole backlog). Files are never dropped. The queue flags
 * the frame after a drop DISCONT, which makes deltacnn reset (a full dense pass); the
 * videorate (drop-only: it never adds or drops a frame itself) after it clears that flag, since
 * a skipped frame needs no reset: the next delta is taken against the last processed frame. */
static void
on_source_setup (GstElement * uridecodebin, GstElement * source, gpointer user_data)
{
  GstElement *queue = user_data;
  (void) uridecodebin;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (source), "protocols") != NULL) {
    gst_util_set_object_arg (G_OBJECT (source), "protocols", "tcp");
    g_object_set (source, "tcp-timeout", (guint64) 5000000, "timeout", (guint64) 5000000,
        NULL);
    g_object_set (queue, "max-size-buffers", 2, "max-size-bytes", 0, "max-size-time",
        (guint64) 0, NULL);
    gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");
  }
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  ReaderState *state = user_data;
  (void) bus;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:{
      GError *error = NULL;
      gchar *debug = NULL;
      gst_message_parse_error (message, &error, &debug);
      fprintf (stderr, "nvr-reader: error from %s: %s\n%s%s", GST_OBJECT_NAME (message->src),
          error->message, debug ? debug : "", debug ? "\n" : "");
      g_clear_error (&error);
      g_free (debug);
      state->exit_code = 1;
      g_main_loop_quit (state->loop);
      break;
    }
    case GST_MESSAGE_WARNING:{
      GError *warning = NULL;
      gst_message_parse_warning (message, &warning, NULL);
      fprintf (stderr, "nvr-reader: warning from %s: %s\n", GST_OBJECT_NAME (message->src),
          warning->message);
      g_clear_error (&warning);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (state->loop);
      break;
    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (message, "nvr-reader-done"))
        g_main_loop_quit (state->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* A plain path becomes a file:// URI; anything with a scheme is used as it is. */
static gchar *
source_uri (const gchar * source, GError ** error)
{
  if (gst_uri_is_valid (source))
    return g_strdup (source);
  return gst_filename_to_uri (source, error);
}

static GstElement *
build_pipeline (const gchar * uri, const gchar * config, GError ** error)
{
  GstElement *pipeline = gst_pipeline_new ("nvr-reader");
  GstElement *decode = gst_element_factory_make ("uridecodebin", "source");
  GstElement *convert = gst_element_factory_make ("videoconvert", "convert");
  GstElement *queue = gst_element_factory_make ("queue", "queue");
  GstElement *rate = gst_element_factory_make ("videorate", "rate");
  GstElement *infer = gst_element_factory_make ("deltacnn", "infer");
  GstElement *sink = gst_element_factory_make ("fakesink", "sink");

  if (!decode || !convert || !queue || !rate || !infer || !sink) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "missing element: %s (is GST_PLUGIN_PATH pointing at the deltacnn plugin?)",
        !decode ? "uridecodebin" : !convert ? "videoconvert" : !queue ? "queue" :
        !rate ? "videorate" : !infer ? "deltacnn" : "fakesink");
    gst_clear_object (&decode);
    gst_clear_object (&convert);
    gst_clear_object (&queue);
    gst_clear_object (&rate);
    gst_clear_object (&infer);
    gst_clear_object (&sink);
    gst_object_unref (pipeline);
    return NULL;
  }
  g_object_set (decode, "uri", uri, NULL);
  g_object_set (infer, "config-file-path", config, NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  g_object_set (rate, "drop-only", TRUE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), decode, convert, queue, rate, infer, sink, NULL);
  gst_element_link_many (convert, queue, rate, infer, sink, NULL);
  g_signal_connect (decode, "source-setup", G_CALLBACK (on_source_setup), queue);
  return pipeline;
}

/* uridecodebin's pads appear once the stream is known: link the first video pad. */
static void
on_pad_added (GstElement * decode, GstPad * pad, gpointer user_data)
{
  GstElement *convert = user_data;
  GstPad *sink_pad = gst_element_get_static_pad (convert, "sink");
  GstCaps *caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  if (!gst_pad_is_linked (sink_pad) && g_str_has_prefix (gst_structure_get_name (s), "video/")) {
    if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink_pad)))
      GST_ELEMENT_ERROR (decode, CORE, NEGOTIATION, ("Could not link the decoded video"),
          ("linking %s to videoconvert failed", GST_PAD_NAME (pad)));
  }
  gst_caps_unref (caps);
  gst_object_unref (sink_pad);
}

int
main (int argc, char **argv)
{
  ReaderState state = { 0 };
  GError *error = NULL;

  gst_init (&argc, &argv);
  if (argc < 3 || argc > 4) {
    fprintf (stderr, "usage: %s CONFIG.yaml SOURCE [MAX_FRAMES]\n"
        "  SOURCE: a file path or a URI (rtsp://, file://, ...)\n", argv[0]);
    return 2;
  }
  if (argc == 4) {
    gchar *end = NULL;
    state.max_frames = g_ascii_strtoull (argv[3], &end, 10);
    if (end == argv[3] || *end != '\0') {
      fprintf (stderr, "nvr-reader: MAX_FRAMES must be a non-negative integer, got '%s'\n",
          argv[3]);
      return 2;
    }
  }

  gchar *uri = source_uri (argv[2], &error);
  if (uri == NULL) {
    fprintf (stderr, "nvr-reader: bad SOURCE '%s': %s\n", argv[2], error->message);
    g_clear_error (&error);
    return 2;
  }
  state.pipeline = build_pipeline (uri, argv[1], &error);
  g_free (uri);
  if (state.pipeline == NULL) {
    fprintf (stderr, "nvr-reader: %s\n", error->message);
    g_clear_error (&error);
    return 1;
  }
  GstElement *decode = gst_bin_get_by_name (GST_BIN (state.pipeline), "source");
  GstElement *convert = gst_bin_get_by_name (GST_BIN (state.pipeline), "convert");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (state.pipeline), "sink");
  g_signal_connect (decode, "pad-added", G_CALLBACK (on_pad_added), convert);
  GstPad *sink_pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &state, NULL);
  gst_object_unref (sink_pad);

  state.loop = g_main_loop_new (NULL, FALSE);
  GstBus *bus = gst_element_get_bus (state.pipeline);
  guint watch = gst_bus_add_watch (bus, on_bus_message, &state);
  gst_object_unref (bus);

  if (gst_element_set_state (state.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    /* The element posted the reason on the bus: let the loop print it. */
    state.exit_code = 1;
  }
  g_main_loop_run (state.loop);

  gst_element_set_state (state.pipeline, GST_STATE_NULL);
  g_source_remove (watch);
  gst_object_unref (decode);
  gst_object_unref (convert);
  gst_object_unref (sink);
  gst_object_unref (state.pipeline);
  g_main_loop_unref (state.loop);
  fprintf (stderr, "nvr-reader: %" G_GUINT64_FORMAT " frames\n", state.frames);
  gst_deinit ();
  return state.exit_code;
}
