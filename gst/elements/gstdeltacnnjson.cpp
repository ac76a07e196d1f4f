/* deltacnnjson: deltacnn metadata as JSON lines.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-deltacnnjson
 * @title: deltacnnjson
 *
 * Pass-through element that writes one JSON object per frame (JSON Lines) to `location`
 * (`-` = standard output), each line written at once, so a consumer can tail the file live:
 *
 * |[
 * {"frame": 0, "pts": 0, "width": 768, "height": 576,
 *  "objects": [{"id": 3, "label": "person", "label_id": 0, "confidence": 0.81,
 *               "box": {"x_min": 120.5, "y_min": 40.0, "x_max": 180.2, "y_max": 210.7},
 *               "keypoints": [{"name": "nose", "x": 150.1, "y": 52.3, "score": 0.77}, ...]}],
 *  "stats": {"frame_index": 0, "keyframe": true, "refined": false, "input_active": 1.0,
 *            "mean_active": 1.0,
 *            "input_masked": 0.0, "shift_x": 0.0, "shift_y": 0.0, "exposure_gain": 1.0,
 *            "preprocess_ms": 1.2, "infer_ms": 35.0, "decode_ms": 0.4, "backend": "cpu",
 *            "model": "movenet-multipose"}}
 * ]|
 *
 * `frame` counts buffers since the element started; `pts` is in nanoseconds or null; boxes
 * and keypoints are in frame pixels; `stats` is null on buffers without a DeltaCnnFrameMeta.
 * Objects are all GstVideoRegionOfInterestMeta of the frame (`label_id` and `confidence` are
 * null for ROIs that another element attached).
 *
 * `write=events` writes the track events that an upstream `deltacnn` element sends (one JSON
 * object per line: `start`, `update`, `end`, schema in docs/events.md) instead of the frame
 * records; `write=both` writes both, in stream order (a frame's events before its record).
 *
 * Log rotation works without a restart: lines go to the file's end (logrotate's
 * `copytruncate`), and a file moved or deleted while written (logrotate's `create` mode) is
 * opened again at `location` for the next line. A write that stops part-way (a full disk) is cut
 * back to the line's start and is an error.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=data/vtest.avi ! avidemux ! avdec_msmpeg4 ! videoconvert ! \
 *   deltacnn config-file-path=configs/movenet-multipose.yaml ! \
 *   deltacnnjson location=poses.jsonl ! fakesink
 * ]|
 */
#include "gst/elements/gstdeltacnnjson.h"

#include <gst/video/video.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>

#include "gst/elements/gstdeltacnnenums.h"
#include "gst/elements/json_record.h"
#include "gst/elements/line_output.h"
#include "gst/elements/lost_objects.h"
#include "gst/elements/track_event_transport.h"

GST_DEBUG_CATEGORY_STATIC (gst_deltacnn_json_debug);
#define GST_CAT_DEFAULT gst_deltacnn_json_debug

#define DEFAULT_LOCATION "-"

namespace {

struct JsonPrivate {
  std::mutex lock;                       // guards location
  std::string location = DEFAULT_LOCATION;
  GstDeltaCnnJsonWrite write = GST_DELTACNN_JSON_WRITE_RECORDS;  // guarded by lock
  bool append = false;                                            // guarded by lock

  // Streaming thread, between start() and stop().
  deltacnn_gst::LineOutput output;
  std::string open_location;
  bool reopen_warned = false;  // a warning that the moved file's path cannot be reopened is out
  bool lost_warned = false;    // lost_objects_warning is out
  bool write_records = true, write_events = false;
  guint64 frames = 0;
  GstVideoInfo info;
};

}  // namespace

struct _GstDeltaCnnJson {
  GstBaseTransform parent;
  JsonPrivate *priv;
};

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_WRITE,
  PROP_APPEND,
};

// Any raw video in any memory: the element only reads metadata, never pixels.
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));

#define gst_deltacnn_json_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstDeltaCnnJson, gst_deltacnn_json, GST_TYPE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_deltacnn_json_debug, "deltacnnjson", 0,
        "deltacnn metadata as JSON lines"));
GST_ELEMENT_REGISTER_DEFINE (deltacnnjson, "deltacnnjson", GST_RANK_NONE,
    GST_TYPE_DELTACNN_JSON);

static void
gst_deltacnn_json_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (object);
  std::lock_guard < std::mutex > lock (self->priv->lock);

  switch (prop_id) {
    case PROP_LOCATION:{
      const gchar *location = g_value_get_string (value);
      self->priv->location = location != nullptr ? location : "";
      break;
    }
    case PROP_WRITE:
      self->priv->write = static_cast<GstDeltaCnnJsonWrite> (g_value_get_enum (value));
      break;
    case PROP_APPEND:
      self->priv->append = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_deltacnn_json_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (object);
  std::lock_guard < std::mutex > lock (self->priv->lock);

  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string (value, self->priv->location.c_str ());
      break;
    case PROP_WRITE:
      g_value_set_enum (value, self->priv->write);
      break;
    case PROP_APPEND:
      g_value_set_boolean (value, self->priv->append);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_deltacnn_json_finalize (GObject * object)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* True when the file exists, is not empty, and its last byte is not a newline. */
static bool
ends_without_newline (const std::string & path)
{
  FILE *in = std::fopen (path.c_str (), "rb");
  if (in == nullptr)
    return false;
  bool torn = false;
  if (std::fseek (in, -1, SEEK_END) == 0)
    torn = std::fgetc (in) != '\n';
  std::fclose (in);
  return torn;
}

static gboolean
gst_deltacnn_json_start (GstBaseTransform * trans)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (trans);
  JsonPrivate *priv = self->priv;
  std::string location;
  GstDeltaCnnJsonWrite write;
  bool append;
  {
    std::lock_guard < std::mutex > lock (priv->lock);
    location = priv->location;
    write = priv->write;
    append = priv->append;
  }
  priv->lost_warned = false;
  priv->write_records = write != GST_DELTACNN_JSON_WRITE_EVENTS;
  priv->write_events = write != GST_DELTACNN_JSON_WRITE_RECORDS;

  if (location.empty ()) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("No location set: property location must name a file, or '-' for stdout"),
        (nullptr));
    return FALSE;
  }
  if (!priv->output.open (location, append)) {
    const int error = errno;
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
        ("Could not open file '%s' for writing (property location): %s%s",
            location.c_str (), std::strerror (error), error == ENXIO ?
            " (a FIFO nobody reads; expected its reader started first, or a regular file)" : ""),
        (nullptr));
    return FALSE;
  }
  // A run that was killed can leave a torn last line; the first record appended to it would be
  // glued onto it and both lost to a line-by-line reader. End it.
  if (location != "-" && append && ends_without_newline (location)
      && !priv->output.write_line ("\n").written) {
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE, ("Could not write to '%s': %s",
            location.c_str (), std::strerror (errno)), (nullptr));
    priv->output.close ();
    return FALSE;
  }
  priv->open_location = location;
  priv->reopen_warned = false;
  priv->frames = 0;
  return TRUE;
}

static gboolean
gst_deltacnn_json_stop (GstBaseTransform * trans)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (trans);
  JsonPrivate *priv = self->priv;
  gboolean ok = TRUE;

  if (!priv->output.close ()) {
    GST_ELEMENT_ERROR (self, RESOURCE, CLOSE, ("Could not close file '%s': %s",
            priv->open_location.c_str (), std::strerror (errno)), (nullptr));
    ok = FALSE;
  }
  return ok;
}

static gboolean
gst_deltacnn_json_set_caps (GstBaseTransform * trans, GstCaps * incaps, GstCaps * outcaps)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (trans);
  (void) outcaps;
  if (!gst_video_info_from_caps (&self->priv->info, incaps)) {
    GST_ERROR_OBJECT (self, "could not parse caps %" GST_PTR_FORMAT, incaps);
    return FALSE;
  }
  return TRUE;
}

// Says what a write found at the path: a rotation followed (INFO), or a path that cannot be
// opened again (one WARNING until it can).
static void
report_path_check (GstDeltaCnnJson * self, const deltacnn_gst::LineWriteResult & result)
{
  JsonPrivate *priv = self->priv;
  const char *location = priv->open_location.c_str ();
  if (result.path == deltacnn_gst::PathCheck::kReopened) {
    GST_ELEMENT_INFO (self, RESOURCE, OPEN_WRITE, ("'%s' was moved or deleted (a log "
            "rotation?): writing to a new file at that path", location), (nullptr));
    priv->reopen_warned = false;
  } else if (result.path == deltacnn_gst::PathCheck::kReopenFailed && !priv->reopen_warned) {
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE, ("'%s' was moved or deleted and cannot "
            "be created again: %s; lines go on to the file it was (lost if it was deleted) "
            "until the path can be opened", location, std::strerror (result.reopen_error)),
        (nullptr));
    priv->reopen_warned = true;
  }
}

// One line, written at once so that a consumer can tail the file live.
static bool
write_line (GstDeltaCnnJson * self, std::string line)
{
  JsonPrivate *priv = self->priv;
  line += '\n';
  const deltacnn_gst::LineWriteResult result = priv->output.write_line (line);
  report_path_check (self, result);
  if (!result.written) {
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE, ("Could not write to '%s': %s%s",
            priv->open_location.c_str (), std::strerror (result.error), result.error == EPIPE ?
            " (its reader went away)" : ""), (nullptr));
    return false;
  }
  return true;
}

static gboolean
gst_deltacnn_json_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (trans);
  JsonPrivate *priv = self->priv;
  deltacnn_gst::TrackEventMessage message;

  if (priv->output.is_open () && priv->write_events
      && deltacnn_gst::parse_track_event (event, &message)
      && !write_line (self, std::move (message.json))) {
    gst_event_unref (event);
    return FALSE;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static GstFlowReturn
gst_deltacnn_json_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstDeltaCnnJson *self = GST_DELTACNN_JSON (trans);
  JsonPrivate *priv = self->priv;
  std::string line;

  if (!priv->write_records)
    return GST_FLOW_OK;

  deltacnn_gst::warn_once_of_lost_objects (GST_ELEMENT (self), buf, &priv->lost_warned,
      "their records have no confidence, label_id, keypoints or zones");
  try {
    line = deltacnn_gst::frame_record (buf, priv->frames, GST_VIDEO_INFO_WIDTH (&priv->info),
        GST_VIDEO_INFO_HEIGHT (&priv->info)).dump (-1, ' ', false,
        nlohmann::json::error_handler_t::replace);
  } catch (const std::exception & e) {
    GST_ELEMENT_ERROR (self, LIBRARY, FAILED, ("Failed to build the JSON record: %s",
            e.what ()), (nullptr));
    return GST_FLOW_ERROR;
  }
  priv->frames++;
  return write_line (self, std::move (line)) ? GST_FLOW_OK : GST_FLOW_ERROR;
}

static void
gst_deltacnn_json_class_init (GstDeltaCnnJsonClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_deltacnn_json_set_property;
  gobject_class->get_property = gst_deltacnn_json_get_property;
  gobject_class->finalize = gst_deltacnn_json_finalize;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "File to write one JSON object per frame to ('-' = standard output). "
          "Default '-'", DEFAULT_LOCATION, static_cast<GParamFlags> (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_WRITE,
      g_param_spec_enum ("write", "Write",
          "What goes to the file: records (default: one per frame), events (the track "
          "events of an upstream deltacnn element, docs/events.md) or both, in stream order",
          GST_TYPE_DELTACNN_JSON_WRITE, GST_DELTACNN_JSON_WRITE_RECORDS,
          static_cast<GParamFlags> (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_APPEND,
      g_param_spec_boolean ("append", "Append",
          "Add to the end of an existing file instead of replacing it (a camera pipeline "
          "restarted by a supervisor keeps what it wrote before; events then carry a new "
          "run_id). Default false", FALSE, static_cast<GParamFlags> (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  gst_type_mark_as_plugin_api (GST_TYPE_DELTACNN_JSON_WRITE, (GstPluginAPIFlags) 0);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "DeltaCNN metadata to JSON",
      "Filter/Analyzer/Video",
      "Writes the deltacnn objects and frame statistics of every frame as one JSON object "
      "per line", "deltacnn developers");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_deltacnn_json_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_deltacnn_json_stop);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_deltacnn_json_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_deltacnn_json_sink_event);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_deltacnn_json_transform_ip);
  // Read-only: run transform_ip on the passthrough buffer (no copy, no writability needed).
  trans_class->transform_ip_on_passthrough = TRUE;
}

static void
gst_deltacnn_json_init (GstDeltaCnnJson * self)
{
  self->priv = new JsonPrivate ();
  gst_video_info_init (&self->priv->info);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), FALSE);
}
