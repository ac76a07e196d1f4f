/* deltacnn: sparse delta CNN inference on video.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-deltacnn
 * @title: deltacnn
 *
 * Runs a pose or detection CNN on every frame and attaches the results as metadata, without
 * touching the pixels. On static cameras most pixels barely change between frames: the
 * element pushes only the *changes* (deltas) of the pixels that moved through the network
 * (DeltaCNN) and still emits metadata on every frame, including frames where nothing changed.
 * What that saves depends on the scene and the model: measured on the CPU backend (2-vCPU
 * AMD EPYC Zen 5 VM, MoveNet MultiPose 768x576 on the vtest street scene, where people cross
 * most of the frame) the delta stream costs 0.55x of our dense one and 0.41x of onnxruntime's
 * fp32 dense frame with the shipped bf16 GEMMs, all 795 frames, the tracker's dense re-runs
 * included (tree d6dd14d, 2026-12-06; in fp32 0.48-0.55x of onnxruntime's at tree d2796a1); on
 * a static scene (identical frames, tree 8aa0c28)
 * a delta frame costs 2.2 ms against onnxruntime's 80 ms. On an H200 GPU a single MultiPose
 * stream is faster dense (4.1 ms per frame, delta 7.2 ms: a delta frame is three times the
 * kernel launches), while 8-32 streams on one GPU run delta at 1.1x of dense and 1.5x of the
 * cuDNN conv chain.
 * docs/benchmarks.md has the machines, the runs and the other models.
 *
 * Each object becomes a #GstVideoRegionOfInterestMeta (roi_type = label, box in frame pixels,
 * `id` = its track id, stable across frames and short misses: see `tracker`) with a DL
 * Streamer compatible `detection` structure (normalised box, `confidence`, `label_id`,
 * `label`, `track_age`) and, for pose models, a `keypoints` structure. Each frame
 * gets a `DeltaCnnFrameMeta` (keyframe and refined flags, active-pixel fractions at the input
 * and per layer, timings, backend). Read them from C with `gstdeltacnnmeta-1.0`
 * (`gst/deltacnn/deltacnnmeta.h`).
 *
 * The deployment (model, input size, decoder, per-layer delta thresholds) comes from a YAML
 * file (`config-file-path`); properties set on the element override the file. The delta state
 * restarts with a dense pass on flushes, stream starts, caps changes, discontinuities
 * (`reset-on-discont`) and gaps in the timestamps (`reset-after-gap`), and every
 * `keyframe-interval` frames. Setting `config-file-path` or
 * `model` while the element runs reloads the deployment in the background: frames go on with
 * the running one until the new one has loaded and takes over (signal `model-updated`, element
 * message `deltacnn-model-updated`); one that cannot load is refused with a warning and the
 * element keeps running what it had.
 *
 * With the tracker on, the element also sends each track's `start`, `update` (at most every
 * `event-update-interval` seconds of running time) and `end` downstream as serialized custom
 * events (`deltacnn-track-event`, JSON of docs/events.md, tagged with `camera-id`):
 * `deltacnnjson write=events` writes them, `deltacnnpublish` sends them to an MQTT broker.
 * Open tracks end at EOS and on every reset.
 *
 * A camera that shakes, drifts or flickers changes nearly every pixel from frame to frame;
 * the YAML's `stabilize:` block (on in the shipped MultiPose config) or the `stabilize` property
 * moves each frame back into a reference's geometry and brightness first, so that delta keeps
 * skipping the static scene, and maps the results back into the frame's own coordinates (CPU
 * backend; on vtest shaken by 0-3 px per frame, MultiPose, delta ran at 0.94-0.98x of dense's
 * speed without it and 1.63-1.68x with it; on the still vtest it changes no result and costs
 * about 0.6 ms a frame).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=data/vtest.avi ! avidemux ! avdec_msmpeg4 ! videoconvert ! \
 *   deltacnn config-file-path=configs/movenet-multipose.yaml ! deltacnnoverlay ! \
 *   videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4
 * ]| Pose estimation on a file, drawn and re-encoded.
 * |[
 * gst-launch-1.0 filesrc location=data/vtest.avi ! avidemux ! avdec_msmpeg4 ! videoconvert ! \
 *   deltacnn config-file-path=configs/movenet-multipose.yaml backend=cpu ! \
 *   deltacnnjson location=poses.jsonl ! fakesink
 * ]| One JSON record per frame on the CPU backend.
 * |[
 * gst-launch-1.0 rtspsrc location=rtsp://camera/stream ! decodebin ! videoconvert ! \
 *   deltacnn config-file-path=configs/movenet-multipose.yaml backend=cpu stabilize=both ! \
 *   deltacnnjson location=poses.jsonl ! fakesink
 * ]| A camera on a pole: shake and flicker followed before the delta test.
 */
#include "gst/elements/gstdeltacnn.h"
#include "gst/elements/gstdeltacnn_private.h"

#include "gst/elements/engine_errors.h"
#include "gst/elements/gstdeltacnnenums.h"
#include "gst/elements/mqtt_settings.h"
#include "gst/elements/video_formats.h"

GST_DEBUG_CATEGORY (gst_deltacnn_debug);
#define GST_CAT_DEFAULT gst_deltacnn_debug

using deltacnn_gst::BackendSetting;
using deltacnn_gst::DeltaCnnPrivate;
using deltacnn_gst::ElementSettings;

enum {
  PROP_0,
  PROP_CONFIG_FILE_PATH,
  PROP_MODEL,
  PROP_BACKEND,
  PROP_DEVICE_ID,
  PROP_PRECISION,
  PROP_DELTA_THRESHOLD,
  PROP_KEYFRAME_INTERVAL,
  PROP_MODE,
  PROP_SCORE_THRESHOLD,
  PROP_UNIQUE_ID,
  PROP_MODEL_INSTANCE_ID,
  PROP_RESET_ON_DISCONT,
  PROP_RESET_AFTER_GAP,
  PROP_TRACKER,
  PROP_TRACK_SCORE_OFF,
  PROP_REFINE_MARGIN,
  PROP_CAMERA_ID,
  PROP_EVENT_UPDATE_INTERVAL,
  PROP_STABILIZE,
};

guint gst_deltacnn_signals[GST_DELTACNN_N_SIGNALS];

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (DELTACNN_INFER_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (DELTACNN_INFER_CAPS));

#define gst_deltacnn_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstDeltaCnn, gst_deltacnn, GST_TYPE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_deltacnn_debug, "deltacnn", 0,
        "deltacnn sparse delta CNN inference"));
GST_ELEMENT_REGISTER_DEFINE (deltacnn, "deltacnn", GST_RANK_NONE, GST_TYPE_DELTACNN);

static void gst_deltacnn_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec);
static void gst_deltacnn_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec);
static void gst_deltacnn_dispose (GObject * object);
static void gst_deltacnn_finalize (GObject * object);
static void gst_deltacnn_dispatch_properties_changed (GObject * object, guint n_pspecs,
    GParamSpec ** pspecs);
static gboolean gst_deltacnn_start (GstBaseTransform * trans);
static gboolean gst_deltacnn_stop (GstBaseTransform * trans);
static gboolean gst_deltacnn_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps);
static gboolean gst_deltacnn_sink_event (GstBaseTransform * trans, GstEvent * event);
static GstFlowReturn gst_deltacnn_transform_ip (GstBaseTransform * trans, GstBuffer * buf);

static void
install_properties (GObjectClass * gobject_class)
{
  const auto ready = static_cast<GParamFlags> (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);
  const auto playing = static_cast<GParamFlags> (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING);

  // PLAYING: a reload in the background (see DeploymentReloader), as nvinfer's.
  g_object_class_install_property (gobject_class, PROP_CONFIG_FILE_PATH,
      g_param_spec_string ("config-file-path", "Config file path",
          "YAML deployment file: model, input size, decoder, delta thresholds "
          "(see configs/*.yaml). Required. Set while running (also to the same file), it is "
          "loaded again in the background while frames go on with the running deployment, "
          "which the new one replaces at the next frame (signal model-updated); when it cannot "
          "be loaded, a warning names the cause and the element keeps running the old one",
          nullptr, playing));
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "ONNX model file, overriding the YAML's model.onnx. Unset (default): the YAML's. "
          "Set while running, it is reloaded as config-file-path is", nullptr, playing));
  g_object_class_install_property (gobject_class, PROP_BACKEND,
      g_param_spec_enum ("backend", "Backend",
          "Where the network runs. auto (default): CUDA when a usable GPU is present, "
          "else CPU; cuda fails cleanly without a GPU",
          GST_TYPE_DELTACNN_BACKEND, GST_DELTACNN_BACKEND_AUTO, ready));
  g_object_class_install_property (gobject_class, PROP_DEVICE_ID,
      g_param_spec_int ("device-id", "Device ID",
          "CUDA device index (backend cuda or auto). Default 0", 0, G_MAXINT, 0, ready));
  g_object_class_install_property (gobject_class, PROP_PRECISION,
      g_param_spec_enum ("precision", "Precision",
          "config (default): the YAML's model.precision, fp32 when it names none. fp16: "
          "activations stored in half precision on the CUDA backend (arithmetic stays fp32); "
          "with backend auto and no GPU it falls back to fp32, with backend cpu it is an "
          "error. bf16: the CPU backend's GEMM convs in bfloat16 with fp32 sums (AVX-512 "
          "BF16; a CPU without it runs fp32, with a warning); an error on backend cuda",
          GST_TYPE_DELTACNN_PRECISION, GST_DELTACNN_PRECISION_CONFIG, ready));
  g_object_class_install_property (gobject_class, PROP_DELTA_THRESHOLD,
      g_param_spec_double ("delta-threshold", "Delta threshold scale",
          "Multiplies every layer's delta threshold: 0 = no truncation inside the network, "
          "larger = fewer updated pixels and more approximation. The input change test "
          "(YAML delta.input_threshold, input_block) is not scaled: with it at 0 as well, "
          "delta equals dense. -1 (default): the YAML's delta.threshold_scale",
          -1.0, 1000.0, -1.0, playing));
  g_object_class_install_property (gobject_class, PROP_KEYFRAME_INTERVAL,
      g_param_spec_int ("keyframe-interval", "Keyframe interval",
          "Run a dense keyframe every N frames (0 = only after resets). -1 (default): the "
          "YAML's delta.keyframe_interval", -1, G_MAXINT, -1, playing));
  g_object_class_install_property (gobject_class, PROP_MODE,
      g_param_spec_enum ("mode", "Mode",
          "delta (default): sparse updates of changed pixels; dense: full network on every "
          "frame (baseline)", GST_TYPE_DELTACNN_MODE, GST_DELTACNN_MODE_DELTA, playing));
  g_object_class_install_property (gobject_class, PROP_SCORE_THRESHOLD,
      g_param_spec_double ("score-threshold", "Score threshold",
          "Objects with a lower confidence are dropped; with the tracker on, a track starts "
          "at this score and continues down to track-score-off. -1 (default): the YAML's "
          "decoder.score_threshold", -1.0, 1.0, -1.0, playing));
  // READY only: switching id sources mid-stream would hand out ids from two counters.
  g_object_class_install_property (gobject_class, PROP_TRACKER,
      g_param_spec_enum ("tracker", "Tracker",
          "Stable track ids with score hysteresis (on), or previous-frame IoU ids with a hard "
          "score cut-off (off). config (default): the YAML's tracker.enabled",
          GST_TYPE_DELTACNN_TRACKER, GST_DELTACNN_TRACKER_CONFIG, ready));
  g_object_class_install_property (gobject_class, PROP_TRACK_SCORE_OFF,
      g_param_spec_double ("track-score-off", "Track score off",
          "With the tracker on: a started track continues on scores down to this (above "
          "score-threshold it acts as score-threshold: no hysteresis). -1 (default): the "
          "YAML's tracker.score_off", -1.0, 1.0, -1.0, playing));
  g_object_class_install_property (gobject_class, PROP_REFINE_MARGIN,
      g_param_spec_double ("refine-margin", "Refine margin",
          "With the tracker on, in delta mode: a delta frame whose track decisions change when "
          "every score moves by this much runs again dense (at most 10 frames in 100), so "
          "tracks start and end as a dense stream's would; 0 = never. -1 (default): the "
          "YAML's tracker.refine_margin", -1.0, 0.5, -1.0, playing));
  g_object_class_install_property (gobject_class, PROP_UNIQUE_ID,
      g_param_spec_uint ("unique-id", "Unique ID",
          "Written into every meta this element attaches (with its element name), to tell "
          "several deltacnn elements of one pipeline apart. 0 (default): the lowest id that "
          "no other running deltacnn element holds (1, 2, ...), taken at start",
          0, G_MAXUINT, 0, ready));
  g_object_class_install_property (gobject_class, PROP_MODEL_INSTANCE_ID,
      g_param_spec_string ("model-instance-id", "Model instance ID",
          "Elements with the same id share one loaded model (one copy of the weights) and "
          "keep their own delta state; they must use the same model, backend, device and precision, "
          "and the same input and decoder sections (delta, tracker, zones and score threshold may differ). "
          "Unset (default): this element loads its own. Set while running, the deployment is "
          "reloaded as with config-file-path, on the new id's model", nullptr, playing));
  g_object_class_install_property (gobject_class, PROP_RESET_ON_DISCONT,
      g_param_spec_boolean ("reset-on-discont", "Reset on discontinuity",
          "Restart the delta state with a dense pass on buffers flagged DISCONT (decoder "
          "glitches, packet loss). A dropped frame alone does not need it: the next delta is "
          "taken against the last processed frame, so live pipelines that drop frames on "
          "purpose (leaky queues) can turn it off to keep their savings. Default true",
          TRUE, playing));
  g_object_class_install_property (gobject_class, PROP_RESET_AFTER_GAP,
      g_param_spec_uint ("reset-after-gap", "Reset after a gap",
          "Restart the delta state, and end every open track, when the running time jumps "
          "forward by more than this many milliseconds between two buffers, and by more than 4 "
          "times the feed's usual step (the median of its last 8 steps; a camera that was away: "
          "the people seen before it are not known to be there still; a feed that is slow "
          "throughout, such as a timelapse, is not reset at every frame), or when the picture "
          "jumps in the media against the running time (a looping player's segment seek, a seek "
          "without flush: back by more than 1 s and 4 steps, or ahead by more than that and this), "
          "whether or not the buffer is flagged DISCONT. Buffers flagged GAP (videorate's copies) "
          "are not counted. The first step after start, a flush or a new frame rate is not "
          "judged. 0: never. Default 5000",
          0, G_MAXUINT, 5000, playing));
  g_object_class_install_property (gobject_class, PROP_CAMERA_ID,
      g_param_spec_string ("camera-id", "Camera ID",
          "Names the camera in every track event (camera_id, and the MQTT topic of "
          "deltacnnpublish). Unset (default): the element's name", nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_EVENT_UPDATE_INTERVAL,
      g_param_spec_double ("event-update-interval", "Event update interval",
          "Least running time in seconds between two update events of one track (start and "
          "end are always sent); 0 = on every frame the track is seen. Default 1",
          0.0, 86400.0, 1.0, ready));
  // READY only: the stabiliser's reference starts with the stream.
  g_object_class_install_property (gobject_class, PROP_STABILIZE,
      g_param_spec_enum ("stabilize", "Stabilize",
          "Delta mode on the CPU backend: run the network on frames moved back into a "
          "reference's geometry (shift: shaking or drifting cameras) and/or brightness "
          "(exposure: flicker, auto-exposure), so such cameras keep their savings; costs 2-3 ms "
          "per moving 768x576 frame, under 1 ms per still one (docs/stabilize.md). Set here, it "
          "warns on the CUDA backend, which does not run it. config (default): the YAML's "
          "stabilize.shift and stabilize.exposure (off when it has no stabilize block)",
          GST_TYPE_DELTACNN_STABILIZE, GST_DELTACNN_STABILIZE_CONFIG, ready));
}

static void
gst_deltacnn_class_init (GstDeltaCnnClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_deltacnn_set_property;
  gobject_class->get_property = gst_deltacnn_get_property;
  gobject_class->dispose = gst_deltacnn_dispose;
  gobject_class->finalize = gst_deltacnn_finalize;
  gobject_class->dispatch_properties_changed = gst_deltacnn_dispatch_properties_changed;
  install_properties (gobject_class);

  /**
   * GstDeltaCnn::model-updated:
   * @deltacnn: the element
   * @err: 0 when the new deployment runs from this frame on; otherwise the code of the
   *   warning posted on the bus (its domain and text say what was wrong), and the element
   *   goes on with the deployment it ran
   * @config_file: the config-file-path that was loaded or refused
   *
   * A reload asked for by setting config-file-path or model while the element runs has
   * ended (as nvinfer's signal of the same name). Emitted from the streaming thread before
   * the next frame (the first the new deployment processes, on success), in the order the
   * reloads were asked for: the handler must not change the element's state. The bus gets an
   * element message `deltacnn-model-updated` with the same news, on failure at once.
   */
  gst_deltacnn_signals[GST_DELTACNN_SIGNAL_MODEL_UPDATED] = g_signal_new ("model-updated", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, nullptr, nullptr, nullptr, G_TYPE_NONE, 2, G_TYPE_INT,
      G_TYPE_STRING);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "DeltaCNN sparse video inference",
      "Filter/Analyzer/Video",
      "Runs a pose or detection CNN as a sparse delta network (only changed pixels are "
      "recomputed) and attaches ROI and frame metadata to every frame",
      "deltacnn developers");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_deltacnn_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_deltacnn_stop);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_deltacnn_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_deltacnn_sink_event);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_deltacnn_transform_ip);
  // Metadata is added to every buffer: never skip transform_ip on identical caps.
  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->transform_ip_on_passthrough = FALSE;

  gst_type_mark_as_plugin_api (GST_TYPE_DELTACNN_BACKEND, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_DELTACNN_MODE, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_DELTACNN_PRECISION, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_DELTACNN_TRACKER, (GstPluginAPIFlags) 0);
}

static void
gst_deltacnn_init (GstDeltaCnn * self)
{
  self->priv = new DeltaCnnPrivate ();
  self->priv->reloader = std::make_unique<deltacnn_gst::DeploymentReloader> (
      [](const ElementSettings & settings, const dcnn::Model * replacing) {
        return deltacnn_gst::load_deployment (settings, replacing);
      },
      [self](const deltacnn_gst::ReloadFailure & failure) {
        gst_deltacnn_on_reload_failed (self, failure);
      });
  gst_video_info_init (&self->priv->info);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
  // The delta state is temporal: dropping frames for QoS would only make deltas larger.
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), FALSE);
}

// An element dropped while running (never stopped) may still have a load in flight, whose
// failure callback uses the element: waited for here, while the object is still whole
// (finalize runs with no reference left).
static void
gst_deltacnn_dispose (GObject * object)
{
  GstDeltaCnn *self = GST_DELTACNN (object);
  if (self->priv != nullptr)
    self->priv->reloader->cancel ();
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_deltacnn_finalize (GObject * object)
{
  GstDeltaCnn *self = GST_DELTACNN (object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* ------------------------------------------------------------------ properties */

// READY-mutable properties are frozen while the model is loaded: changing them then would
// have no effect, which is worse than a warning.
static bool
frozen (GstDeltaCnn * self, GParamSpec * pspec)
{
  if (!self->priv->running && !self->priv->starting)
    return false;
  GST_WARNING_OBJECT (self, "property '%s' can only be changed in the NULL or READY state; "
      "ignoring the new value", pspec->name);
  return true;
}

static void
gst_deltacnn_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstDeltaCnn *self = GST_DELTACNN (object);
  DeltaCnnPrivate *priv = self->priv;
  std::lock_guard < std::mutex > lock (priv->settings_lock);
  ElementSettings & s = priv->settings;
  const gchar *str;

  switch (prop_id) {
    case PROP_CONFIG_FILE_PATH:
      str = g_value_get_string (value);
      s.config_file_path = str != nullptr ? str : "";
      priv->reload_wanted = priv->running;
      break;
    case PROP_MODEL:
      str = g_value_get_string (value);
      s.model = str != nullptr ? str : "";
      priv->reload_wanted = priv->running;
      break;
    case PROP_BACKEND:
      if (frozen (self, pspec))
        break;
      switch (g_value_get_enum (value)) {
        case GST_DELTACNN_BACKEND_CUDA: s.backend = BackendSetting::Cuda; break;
        case GST_DELTACNN_BACKEND_CPU: s.backend = BackendSetting::Cpu; break;
        default: s.backend = BackendSetting::Auto; break;
      }
      break;
    case PROP_DEVICE_ID:
      if (!frozen (self, pspec))
        s.device_id = g_value_get_int (value);
      break;
    case PROP_PRECISION:
      if (!frozen (self, pspec))
        s.precision = deltacnn_gst::precision_setting (g_value_get_enum (value));
      break;
    case PROP_DELTA_THRESHOLD:
      s.delta_threshold = g_value_get_double (value);
      priv->live_changed = true;
      break;
    case PROP_KEYFRAME_INTERVAL:
      s.keyframe_interval = g_value_get_int (value);
      priv->live_changed = true;
      break;
    case PROP_MODE:
      s.mode = g_value_get_enum (value) == GST_DELTACNN_MODE_DENSE ?
          dcnn::ExecMode::Dense : dcnn::ExecMode::Delta;
      priv->live_changed = true;
      break;
    case PROP_SCORE_THRESHOLD:
      s.score_threshold = g_value_get_double (value);
      priv->live_changed = true;
      break;
    case PROP_TRACK_SCORE_OFF:
      s.track_score_off = g_value_get_double (value);
      priv->live_changed = true;
      break;
    case PROP_REFINE_MARGIN:
      s.refine_margin = g_value_get_double (value);
      priv->live_changed = true;
      break;
    case PROP_TRACKER:
      if (frozen (self, pspec))
        break;
      switch (g_value_get_enum (value)) {
        case GST_DELTACNN_TRACKER_ON: s.tracker = deltacnn_gst::TrackerSetting::On; break;
        case GST_DELTACNN_TRACKER_OFF: s.tracker = deltacnn_gst::TrackerSetting::Off; break;
        default: s.tracker = deltacnn_gst::TrackerSetting::Config; break;
      }
      break;
    case PROP_STABILIZE:
      if (!frozen (self, pspec))
        s.stabilize = deltacnn_gst::stabilize_setting (g_value_get_enum (value));
      break;
    case PROP_UNIQUE_ID:
      if (!frozen (self, pspec))
        s.unique_id = g_value_get_uint (value);
      break;
    case PROP_RESET_ON_DISCONT:
      priv->reset_on_discont = g_value_get_boolean (value);
      break;
    case PROP_RESET_AFTER_GAP:
      priv->reset_after_gap_ns = g_value_get_uint (value) * GST_MSECOND;
      break;
    case PROP_MODEL_INSTANCE_ID:
      str = g_value_get_string (value);
      s.model_instance_id = str != nullptr ? str : "";
      priv->reload_wanted = priv->running;
      break;
    case PROP_CAMERA_ID:
      if (frozen (self, pspec))
        break;
      str = g_value_get_string (value);
      s.camera_id = str != nullptr ? str : "";
      break;
    case PROP_EVENT_UPDATE_INTERVAL:
      if (!frozen (self, pspec))
        s.event_update_interval = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

// GObject calls this once a g_object_set call has set all its properties: a call that sets
// config-file-path and model together asks for one reload.
static void
gst_deltacnn_dispatch_properties_changed (GObject * object, guint n_pspecs,
    GParamSpec ** pspecs)
{
  GstDeltaCnn *self = GST_DELTACNN (object);
  DeltaCnnPrivate *priv = self->priv;
  bool names_deployment = false;  // other notifications do not end a set of these two
  for (guint i = 0; i < n_pspecs; ++i)
    names_deployment = names_deployment || g_str_equal (pspecs[i]->name, "config-file-path")
        || g_str_equal (pspecs[i]->name, "model")
        || g_str_equal (pspecs[i]->name, "model-instance-id");
  if (names_deployment) {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    if (priv->reload_wanted && priv->running) {
      priv->newest_reload = priv->reloader->request (priv->settings);
      GST_INFO_OBJECT (self, "reloading the deployment (request %" G_GUINT64_FORMAT
          "): config-file-path='%s' model='%s'", priv->newest_reload,
          priv->settings.config_file_path.c_str (), priv->settings.model.c_str ());
    }
    priv->reload_wanted = false;
  }
  G_OBJECT_CLASS (parent_class)->dispatch_properties_changed (object, n_pspecs, pspecs);
}

static const gchar *
nullable (const std::string & s)
{
  return s.empty ()? nullptr : s.c_str ();
}

static void
gst_deltacnn_get_property (GObject * object, guint prop_id, GValue * value, GParamSpec * pspec)
{
  GstDeltaCnn *self = GST_DELTACNN (object);
  std::lock_guard < std::mutex > lock (self->priv->settings_lock);
  const ElementSettings & s = self->priv->settings;

  switch (prop_id) {
    case PROP_CONFIG_FILE_PATH:
      g_value_set_string (value, nullable (s.config_file_path));
      break;
    case PROP_MODEL:
      g_value_set_string (value, nullable (s.model));
      break;
    case PROP_BACKEND:
      g_value_set_enum (value, s.backend == BackendSetting::Cuda ? GST_DELTACNN_BACKEND_CUDA :
          s.backend == BackendSetting::Cpu ? GST_DELTACNN_BACKEND_CPU :
          GST_DELTACNN_BACKEND_AUTO);
      break;
    case PROP_DEVICE_ID:
      g_value_set_int (value, s.device_id);
      break;
    case PROP_PRECISION:
      g_value_set_enum (value, deltacnn_gst::precision_enum (s.precision));
      break;
    case PROP_DELTA_THRESHOLD:
      g_value_set_double (value, s.delta_threshold);
      break;
    case PROP_KEYFRAME_INTERVAL:
      g_value_set_int (value, s.keyframe_interval);
      break;
    case PROP_MODE:
      g_value_set_enum (value, s.mode == dcnn::ExecMode::Dense ? GST_DELTACNN_MODE_DENSE :
          GST_DELTACNN_MODE_DELTA);
      break;
    case PROP_SCORE_THRESHOLD:
      g_value_set_double (value, s.score_threshold);
      break;
    case PROP_TRACK_SCORE_OFF:
      g_value_set_double (value, s.track_score_off);
      break;
    case PROP_REFINE_MARGIN:
      g_value_set_double (value, s.refine_margin);
      break;
    case PROP_TRACKER:
      g_value_set_enum (value, s.tracker == deltacnn_gst::TrackerSetting::On ?
          GST_DELTACNN_TRACKER_ON : s.tracker == deltacnn_gst::TrackerSetting::Off ?
          GST_DELTACNN_TRACKER_OFF : GST_DELTACNN_TRACKER_CONFIG);
      break;
    case PROP_STABILIZE:
      g_value_set_enum (value, deltacnn_gst::stabilize_enum (s.stabilize));
      break;
    case PROP_UNIQUE_ID:
      g_value_set_uint (value, s.unique_id);
      break;
    case PROP_MODEL_INSTANCE_ID:
      g_value_set_string (value, nullable (s.model_instance_id));
      break;
    case PROP_RESET_ON_DISCONT:
      g_value_set_boolean (value, self->priv->reset_on_discont);
      break;
    case PROP_RESET_AFTER_GAP:
      g_value_set_uint (value, static_cast<guint> (self->priv->reset_after_gap_ns / GST_MSECOND));
      break;
    case PROP_CAMERA_ID:
      g_value_set_string (value, nullable (s.camera_id));
      break;
    case PROP_EVENT_UPDATE_INTERVAL:
      g_value_set_double (value, s.event_update_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* ------------------------------------------------------------------ life cycle */

// The settings that decide what is loaded, for the debug text of load errors.
std::string
gst_deltacnn_describe (const ElementSettings & s)
{
  return "config-file-path='" + s.config_file_path + "' model='" + s.model + "' backend=" +
      deltacnn_gst::backend_name (s.backend) + " device-id=" + std::to_string (s.device_id) + " precision=" +
      deltacnn_gst::precision_name (s.precision) + " model-instance-id='" +
      s.model_instance_id + "'";
}

// What the loader or the stream did not do as asked (backend auto on the CPU and why, an input
// size the model was not made for, stabilize on the CUDA backend) becomes a WARNING message: an
// application sees it on the bus, where an INFO log line goes unread. Once per element, not on
// every restart.
static void
post_warnings (GstDeltaCnn * self, const std::vector < std::string > &warnings,
    const ElementSettings & s)
{
  for (const std::string & warning : warnings) {
    if (!self->priv->posted_warnings.insert (warning).second)
      continue;
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS, ("%s", warning.c_str ()),
        ("%s", gst_deltacnn_describe (s).c_str ()));
  }
}

// A fresh run of track events (new run_id: seq and track ids restart) for `model`.
static std::unique_ptr<deltacnn_gst::TrackEventEmitter>
make_event_emitter (const ElementSettings & s, const deltacnn_gst::MetaContext & context,
    const dcnn::Model & model)
{
  deltacnn_gst::EventSource source;
  source.camera_id = s.camera_id.empty ()? context.element_name : s.camera_id;
  // Every event names the camera, and deltacnnpublish puts it in the topic: an id no topic may
  // hold would lose each event downstream, one warning at a time.
  const std::string why = deltacnn_gst::check_camera_id (source.camera_id);
  if (!why.empty ())
    throw dcnn::Error (dcnn::ErrorKind::Config, std::string (s.camera_id.empty ()?
            "the element name (camera-id is not set) '" : "property camera-id '") +
        source.camera_id + "': " + why + "; expected a name such as 'entrance-1'");
  source.element_name = context.element_name;
  source.unique_id = context.unique_id;
  source.model_name = model.info ().name;
  gchar *run_id = g_uuid_string_random ();
  source.run_id = run_id;
  g_free (run_id);
  return std::make_unique<deltacnn_gst::TrackEventEmitter> (std::move (source),
      static_cast<int64_t> (s.event_update_interval * GST_SECOND));
}

// Makes `d` the element's deployment: at start, and on the streaming thread when a reload
// is taken. What it replaces is freed when `d`'s old values go out of scope in the caller.
void
gst_deltacnn_install_deployment (GstDeltaCnn * self, deltacnn_gst::Deployment & d)
{
  DeltaCnnPrivate *priv = self->priv;
  deltacnn_gst::MetaContext context =
      deltacnn_gst::MetaContext::make (d.model->info (), priv->unique_id.id ());
  context.requested_backend = deltacnn_gst::backend_name (d.settings.backend);
  const gchar *name = GST_ELEMENT_NAME (self);
  context.element_name = name != nullptr ? name : "";
  context.has_zones = !d.config.zones.zones.empty ();
  std::unique_ptr<deltacnn_gst::TrackEventEmitter> events =
      make_event_emitter (d.settings, context, *d.model);
  post_warnings (self, d.model->warnings (), d.settings);
  post_warnings (self, d.stream->warnings (), d.settings);
  post_warnings (self, deltacnn_gst::ignored_setting_warnings (d.config, d.settings),
      d.settings);

  std::swap (priv->meta_context, context);
  std::swap (priv->events, events);
  std::swap (priv->config, d.config);
  std::swap (priv->model, d.model);
  std::swap (priv->stream, d.stream);
  std::swap (priv->applied, d.settings);
  priv->stream_warnings_posted = priv->stream->warnings ().size ();
  priv->last_result.reset ();   // another stream's results: nothing for a GAP copy to repeat

  std::lock_guard < std::mutex > lock (priv->settings_lock);
  priv->running_config_file_path = priv->applied.config_file_path;
  priv->running_model = priv->applied.model;
  priv->running_description = "model '" + priv->model->info ().name + "' (" +
      priv->config.model_path + ", config '" + priv->config.source + "')";
  // Properties set while the deployment loaded apply at the next frame (apply_live_settings
  // compares them with the ones it was built with).
  priv->live_changed = true;
}

static gboolean
gst_deltacnn_start (GstBaseTransform * trans)
{
  GstDeltaCnn *self = GST_DELTACNN (trans);
  DeltaCnnPrivate *priv = self->priv;
  ElementSettings settings;
  {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    settings = priv->settings;
    // From the copy on, the NULL/READY properties are what loads: frozen like while running.
    priv->starting = true;
  }
  struct StartingDone {
    DeltaCnnPrivate *priv;
    ~StartingDone () {
      std::lock_guard < std::mutex > lock (priv->settings_lock);
      priv->starting = false;
    }
  } starting_done {priv};

  try {
    deltacnn_gst::Deployment deployment = deltacnn_gst::load_deployment (settings);
    deltacnn_gst::UniqueIdClaim unique_id (settings.unique_id);
    if (unique_id.shared ())
      GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
          ("unique-id %u is also used by another running deltacnn element: their metadata "
              "shares it (the element name in it still tells them apart)", unique_id.id ()),
          ("leave unique-id at 0 to have a free one assigned"));
    priv->unique_id = std::move (unique_id);
    gst_deltacnn_install_deployment (self, deployment);
    priv->reloader->set_running (priv->model.get (), priv->applied);
  } catch (const dcnn::Error & e) {
    DELTACNN_POST_ENGINE_ERROR (self, e, "to load the deployment", gst_deltacnn_describe (settings));
    return FALSE;
  } catch (const std::exception & e) {
    DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to load the deployment");
    return FALSE;
  }

  {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    priv->running = true;
    // Set while the model loaded (not running yet, so no reload was asked for): load it now.
    if (priv->settings.config_file_path != settings.config_file_path
        || priv->settings.model != settings.model
        || priv->settings.model_instance_id != settings.model_instance_id)
      priv->newest_reload = priv->reloader->request (priv->settings);
  }
  priv->have_info = false;
  priv->reset_pending = false;
  priv->timestamp_gaps.clear ();
  GST_INFO_OBJECT (self, "loaded model '%s' (%s) from '%s' on backend %s, %s, unique id %u",
      priv->model->info ().name.c_str (), priv->config.model_path.c_str (),
      priv->config.source.c_str (), dcnn::to_string (priv->model->backend ()),
      dcnn::to_string (priv->model->precision ()), priv->unique_id.id ());
  return TRUE;
}

static gboolean
gst_deltacnn_stop (GstBaseTransform * trans)
{
  GstDeltaCnn *self = GST_DELTACNN (trans);
  DeltaCnnPrivate *priv = self->priv;

  {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    priv->running = false;      // no more reloads asked for
    priv->reload_wanted = false;
  }
  // A reload still loading is waited for (at most one model load) and dropped.
  priv->reloader->cancel ();
  priv->reloader->set_running (nullptr, ElementSettings ());
  {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    priv->failed_reloads.clear ();
  }
  priv->stream.reset ();
  priv->events.reset ();        // tracks still open here get no end: there is no stream left
  priv->model.reset ();         // the registry frees it when no other element holds it
  priv->unique_id = deltacnn_gst::UniqueIdClaim ();  // free for the next element that starts
  priv->have_info = false;
  return TRUE;
}

static gboolean
gst_deltacnn_set_caps (GstBaseTransform * trans, GstCaps * incaps, GstCaps * outcaps)
{
  GstDeltaCnn *self = GST_DELTACNN (trans);
  DeltaCnnPrivate *priv = self->priv;
  GstVideoInfo info;
  dcnn::PixelFormat format;
  (void) outcaps;

  if (!gst_video_info_from_caps (&info, incaps)
      || !deltacnn_gst::to_pixel_format (GST_VIDEO_INFO_FORMAT (&info), &format)) {
    GST_ERROR_OBJECT (self, "unsupported caps %" GST_PTR_FORMAT, incaps);
    return FALSE;
  }
  // Zones and masks in pixels of another resolution: said now, naming the zone and the size.
  try {
    priv->stream->prepare_frame_size (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info));
  } catch (const dcnn::Error & e) {
    DELTACNN_POST_ENGINE_ERROR (self, e, "to accept the caps");
    return FALSE;
  } catch (const std::exception & e) {
    DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to accept the caps");
    return FALSE;
  }
  if (priv->have_info && (GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_INFO_FORMAT (&priv->info)
          || GST_VIDEO_INFO_WIDTH (&info) != GST_VIDEO_INFO_WIDTH (&priv->info)
          || GST_VIDEO_INFO_HEIGHT (&info) != GST_VIDEO_INFO_HEIGHT (&priv->info))) {
    GST_DEBUG_OBJECT (self, "caps changed to %" GST_PTR_FORMAT ": resetting the delta state",
        incaps);
    priv->reset_pending = true;
  }
  // Another frame rate: the feed's usual step is not what it was (a camera set to one frame in
  // 10 s must not be judged by its 10 fps past).
  if (priv->have_info && (GST_VIDEO_INFO_FPS_N (&info) != GST_VIDEO_INFO_FPS_N (&priv->info)
          || GST_VIDEO_INFO_FPS_D (&info) != GST_VIDEO_INFO_FPS_D (&priv->info)))
    priv->timestamp_gaps.clear ();
  priv->info = info;
  priv->pixel_format = format;
  priv->have_info = true;
  return TRUE;
}

// Track events go downstream in stream order, before the buffer (or EOS) that caused them.
// `events`: the emitter that made them (it sends again what a flush lost).
void
gst_deltacnn_push_track_events_of (GstDeltaCnn * self, deltacnn_gst::TrackEventEmitter & events,
    const std::vector<deltacnn_gst::TrackEventMessage> & messages)
{
  GstPad *srcpad = GST_BASE_TRANSFORM_SRC_PAD (self);
  for (const deltacnn_gst::TrackEventMessage & m : messages) {
    GST_LOG_OBJECT (self, "track event %s", m.json.c_str ());
    if (gst_pad_push_event (srcpad, deltacnn_gst::make_track_event (m)))
      continue;
    if (GST_PAD_IS_FLUSHING (srcpad)) {
      // A flushing seek drops the frame in flight and its events: a lost start withholds the
      // track's later events (docs/events.md), so no end arrives without its start.
      GST_DEBUG_OBJECT (self, "flushing: track event lost: %s", m.json.c_str ());
      events.lost (m);
    } else {
      GST_DEBUG_OBJECT (self, "downstream did not take a track event (nobody handles it)");
    }
  }
}

static void
push_track_events (GstDeltaCnn * self,
    const std::vector<deltacnn_gst::TrackEventMessage> & messages)
{
  gst_deltacnn_push_track_events_of (self, *self->priv->events, messages);
}

static gboolean
gst_deltacnn_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstDeltaCnn *self = GST_DELTACNN (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      // Every track still open ends with the stream. An exception must not leave this GLib
      // callback (it would end the process): it becomes an error message, and EOS goes on.
      if (self->priv->events) {
        try {
          push_track_events (self, self->priv->events->finish ());
        } catch (const std::exception & e) {
          DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to build the track events at the end of the stream");
        }
      }
      break;
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_STREAM_START:
      // A seek or a new stream: the previous frame is no reference for the next one, and the
      // running time (and perhaps the frame rate) starts again.
      GST_DEBUG_OBJECT (self, "%s: resetting the delta state", GST_EVENT_TYPE_NAME (event));
      self->priv->reset_pending = true;
      self->priv->timestamp_gaps.clear ();
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* ------------------------------------------------------------------ per frame */

// Applies PLAYING-mutable properties changed since the last frame, only those that changed
// (a redundant set_mode would force an extra dense pass). Streaming thread only.
static void
apply_live_settings (GstDeltaCnn * self)
{
  DeltaCnnPrivate *priv = self->priv;
  ElementSettings s;
  {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    if (!priv->live_changed)
      return;
    priv->live_changed = false;
    s = priv->settings;
  }
  ElementSettings & applied = priv->applied;
  dcnn::Stream & stream = *priv->stream;
  if (s.mode != applied.mode) {
    try {
      stream.set_mode (s.mode);
    } catch (const dcnn::Error & e) {
      // Refused (delta's state does not fit in memory): the stream runs on as it was and the
      // property goes back to say so, as after a failed reload. Any other error (a stream left
      // without buffers) stops the pipeline.
      if (e.kind () != dcnn::ErrorKind::Memory)
        throw;
      const char *running = applied.mode == dcnn::ExecMode::Delta ? "delta" : "dense";
      deltacnn_gst::post_failure (GST_ELEMENT (self), GST_MESSAGE_WARNING, e.kind (),
          std::string (e.what ()) + "; still running mode " + running, "to change the mode",
          __FILE__, GST_FUNCTION, __LINE__);
      {
        std::lock_guard < std::mutex > lock (priv->settings_lock);
        if (priv->settings.mode == s.mode)
          priv->settings.mode = applied.mode;
      }
      s.mode = applied.mode;
      g_object_notify (G_OBJECT (self), "mode");
    }
  }
  if (s.delta_threshold != applied.delta_threshold)
    stream.set_threshold_scale (deltacnn_gst::effective_threshold_scale (priv->config, s));
  if (s.keyframe_interval != applied.keyframe_interval)
    stream.set_keyframe_interval (deltacnn_gst::effective_keyframe_interval (priv->config, s));
  if (s.score_threshold != applied.score_threshold)
    stream.set_score_threshold (deltacnn_gst::effective_score_threshold (priv->config, s));
  if (s.track_score_off != applied.track_score_off)
    stream.set_track_score_off (deltacnn_gst::effective_track_score_off (priv->config, s));
  if (s.refine_margin != applied.refine_margin)
    stream.set_refine_margin (deltacnn_gst::effective_refine_margin (priv->config, s));
  if (s.refine_margin != applied.refine_margin || s.track_score_off != applied.track_score_off)
    post_warnings (self, deltacnn_gst::ignored_setting_warnings (priv->config, s), s);
  applied.mode = s.mode;
  applied.delta_threshold = s.delta_threshold;
  applied.keyframe_interval = s.keyframe_interval;
  applied.score_threshold = s.score_threshold;
  applied.track_score_off = s.track_score_off;
  applied.refine_margin = s.refine_margin;
}

// The buffer's running time and stream time in its segment (timestamp_gaps.h); -1 where the
// buffer has no timestamp or lies outside the segment.
static deltacnn_gst::BufferTime
buffer_time (const GstSegment * segment, GstBuffer * buf)
{
  deltacnn_gst::BufferTime t;
  const GstClockTime pts = GST_BUFFER_PTS (buf);
  if (!GST_CLOCK_TIME_IS_VALID (pts) || segment->format != GST_FORMAT_TIME)
    return t;
  const guint64 running = gst_segment_to_running_time (segment, GST_FORMAT_TIME, pts);
  const guint64 stream = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, pts);
  if (GST_CLOCK_TIME_IS_VALID (running))
    t.running_ns = static_cast<int64_t> (running);
  if (GST_CLOCK_TIME_IS_VALID (stream))
    t.stream_ns = static_cast<int64_t> (stream);
  t.pts_ns = static_cast<int64_t> (pts);
  t.rate = segment->rate;
  t.applied_rate = segment->applied_rate;
  return t;
}

static GstFlowReturn
gst_deltacnn_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstDeltaCnn *self = GST_DELTACNN (trans);
  DeltaCnnPrivate *priv = self->priv;
  GstVideoFrame frame;
  dcnn::FrameResult result;

  if (!priv->have_info || !priv->stream) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("Received a buffer before caps"),
        ("no caps were negotiated before the first buffer"));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  try {
    gst_deltacnn_take_reloaded_deployment (self);
    apply_live_settings (self);
    bool discont = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT)
        && priv->reset_on_discont;
    // A camera that was away or a picture that jumped, DISCONT or not (timestamp_gaps.h). A
    // buffer flagged GAP (videorate's copy of the last frame) is no sighting of the camera: real
    // frames are measured against real ones.
    const deltacnn_gst::TimeJump jump =
        priv->timestamp_gaps.judge (buffer_time (&trans->segment, buf),
        priv->reset_after_gap_ns, GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP));
    const bool gap = jump != deltacnn_gst::TimeJump::None;
    if (priv->reset_pending.exchange (false) || discont || gap) {
      GST_DEBUG_OBJECT (self, "resetting the delta state (%s)", discont ? "discont" :
          jump == deltacnn_gst::TimeJump::Outage ? "a gap in the timestamps" :
          jump == deltacnn_gst::TimeJump::PictureJump ? "the picture jumped in the media" :
          "event");
      priv->stream->reset ();
      push_track_events (self, priv->events->on_reset (priv->stream->tracker ()));
      priv->last_result.reset ();
    }
  } catch (const dcnn::Error & e) {
    DELTACNN_POST_ENGINE_ERROR (self, e, "to apply the settings or a reloaded deployment");
    return GST_FLOW_ERROR;
  } catch (const std::exception & e) {
    DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to apply the settings");
    return GST_FLOW_ERROR;
  }

  // A buffer flagged GAP holds no new picture (videorate's copy of the last frame; GStreamer:
  // "no valid media data"): not analysed, it gets the last frame's results again, no work
  // counted, and the tracker sees no new observation (no track event).
  // Before any frame was analysed (the first buffer, or the first after a reset) there is
  // nothing to repeat: it gets empty results (its picture, often none, is no valid data).
  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)) {
    try {
      dcnn::FrameResult repeated = priv->last_result ? *priv->last_result : dcnn::FrameResult ();
      repeated.stats.preprocess_ms = repeated.stats.infer_ms = repeated.stats.decode_ms =
          repeated.stats.stabilize_ms = 0.0;
      deltacnn_gst::attach_frame_result (buf, repeated, GST_VIDEO_INFO_WIDTH (&priv->info),
          GST_VIDEO_INFO_HEIGHT (&priv->info), priv->meta_context);
    } catch (const std::exception & e) {    // std::bad_alloc
      DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to attach the metadata");
      return GST_FLOW_ERROR;
    }
    return GST_FLOW_OK;
  }

  if (!gst_buffer_get_video_meta (buf)
      && gst_buffer_get_size (buf) < GST_VIDEO_INFO_SIZE (&priv->info)) {
    // gst_video_frame_map would fail with a CRITICAL on stderr and a message naming neither.
    GstCaps *expected = gst_video_info_to_caps (&priv->info);
    gchar *caps = expected ? gst_caps_to_string (expected) : nullptr;
    if (expected)
      gst_caps_unref (expected);
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("A buffer of %" G_GSIZE_FORMAT " bytes is too "
            "small for its caps, which need %" G_GSIZE_FORMAT " bytes (%ux%u %s); expected a "
            "whole frame, or a GstVideoMeta describing the planes", gst_buffer_get_size (buf),
            GST_VIDEO_INFO_SIZE (&priv->info), GST_VIDEO_INFO_WIDTH (&priv->info),
            GST_VIDEO_INFO_HEIGHT (&priv->info), GST_VIDEO_INFO_NAME (&priv->info)),
        ("caps %s", caps ? caps : "?"));
    g_free (caps);
    return GST_FLOW_ERROR;
  }
  if (!gst_video_frame_map (&frame, &priv->info, buf, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("Failed to map a video frame for reading: its "
            "GstVideoMeta does not fit the %ux%u %s caps or the buffer's memory",
            GST_VIDEO_INFO_WIDTH (&priv->info), GST_VIDEO_INFO_HEIGHT (&priv->info),
            GST_VIDEO_INFO_NAME (&priv->info)),
        ("gst_video_frame_map failed on %" GST_PTR_FORMAT, buf));
    return GST_FLOW_ERROR;
  }
  deltacnn_gst::PictureRegion picture;
  std::string outside;
  if (!deltacnn_gst::picture_region (frame, priv->info, &picture, &outside)) {
    gst_video_frame_unmap (&frame);
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("A buffer does not hold the picture its caps "
            "describe"), ("%s", outside.c_str ()));
    return GST_FLOW_ERROR;
  }
  try {
    const int64_t pts = GST_BUFFER_PTS_IS_VALID (buf) ?
        static_cast<int64_t> (GST_BUFFER_PTS (buf)) : -1;
    result = priv->stream->process (deltacnn_gst::image_view (frame, priv->pixel_format,
            picture), pts);
  } catch (const dcnn::Error & e) {
    gst_video_frame_unmap (&frame);
    DELTACNN_POST_ENGINE_ERROR (self, e, "to process a frame");
    return GST_FLOW_ERROR;
  } catch (const std::exception & e) {
    gst_video_frame_unmap (&frame);
    DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to process a frame");
    return GST_FLOW_ERROR;
  }
  // Unmap first: the mapped frame holds a reference, which makes the buffer non-writable.
  gst_video_frame_unmap (&frame);
  // Warnings that need a frame (masks over the whole picture, known only with its size).
  if (priv->stream->warnings ().size () != priv->stream_warnings_posted) {
    post_warnings (self, priv->stream->warnings (), priv->applied);
    priv->stream_warnings_posted = priv->stream->warnings ().size ();
  }

  {
    dcnn::EventTime now;
    now.wall_us = g_get_real_time ();
    if (GST_BUFFER_PTS_IS_VALID (buf)) {
      const guint64 running = gst_segment_to_running_time (&trans->segment, GST_FORMAT_TIME,
          GST_BUFFER_PTS (buf));
      if (GST_CLOCK_TIME_IS_VALID (running))
        now.running_ns = static_cast<int64_t> (running);
    }
    try {
      push_track_events (self, priv->events->on_frame (priv->stream->tracker (), now,
              &priv->stream->track_zones ()));
    } catch (const std::exception & e) {    // std::bad_alloc, nlohmann::json errors
      DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to build the track events");
      return GST_FLOW_ERROR;
    }
  }

  GST_LOG_OBJECT (self, "frame %" G_GINT64_FORMAT ": %zu objects, keyframe %d, "
      "input active %.3f, %.2f ms", result.stats.frame_index, result.objects.size (),
      result.stats.keyframe, result.stats.input_active, result.stats.infer_ms);
  try {
    deltacnn_gst::attach_frame_result (buf, result, GST_VIDEO_INFO_WIDTH (&priv->info),
        GST_VIDEO_INFO_HEIGHT (&priv->info), priv->meta_context);
  } catch (const std::exception & e) {      // std::bad_alloc: nothing else throws there
    DELTACNN_POST_UNEXPECTED_ERROR (self, e, "to attach the metadata");
    return GST_FLOW_ERROR;
  }
  // Kept (moved: no copy per frame) for the GAP copies that may follow.
  priv->last_result = std::move (result);
  return GST_FLOW_OK;
}
