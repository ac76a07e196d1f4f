/* deltacnnpublish: track events to an MQTT broker.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-deltacnnpublish
 * @title: deltacnnpublish
 *
 * Pass-through element that publishes the track events (`start`, `update`, `end`; JSON of
 * docs/events.md) that an upstream `deltacnn` element sends, one MQTT message per event, to
 * `topic` (`{camera}` = the event's `camera_id`). The same JSON as `deltacnnjson write=events`.
 *
 * The streaming thread never waits on the network: events go into a bounded queue
 * (`max-queue`) that a thread of the element sends from; when it is full the oldest event is
 * dropped and counted (`dropped`, and a warning in the debug log). The broker keeps a retained
 * `online`/`offline` status on `status-topic`: `online` once connected and the first buffer or
 * event has passed (a camera that is tried but sends nothing stays `offline`), `offline` on a
 * clean stop, and the last will says `offline` when the connection dies. A broker that cannot be reached, at start or later, is a WARNING message on the bus and
 * the element keeps retrying with exponential backoff (up to `reconnect-delay-max`): video must
 * not stop because MQTT is down. A broker that refuses the credentials (CONNACK "not
 * authorized" or "bad user name or password") is an ERROR (RESOURCE / NOT_AUTHORIZED): retrying
 * cannot fix it and a deployment must not silently lose its events. It is posted at the next
 * buffer, which the element then refuses with a flow error (the stream stops there), or at once
 * when the pipeline is already playing. On stop the element sends
 * what it can within `flush-timeout` and counts the rest as dropped.
 *
 * QoS 1 (default) is at least once: after a lost connection the unacknowledged events are sent
 * again, so a consumer dedupes by `run_id` + `seq`. QoS 0 is at most once.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=data/vtest.avi ! avidemux ! avdec_msmpeg4 ! videoconvert ! \
 *   deltacnn config-file-path=configs/movenet-multipose.yaml camera-id=cam1 ! \
 *   deltacnnpublish host=localhost port=1883 camera-id=cam1 ! fakesink
 * ]| and in another shell: `mosquitto_sub -h localhost -t 'deltacnn/#' -v`
 */
#include "gst/elements/gstdeltacnnpublish.h"

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "gst/elements/mqtt_publisher.h"
#include "gst/elements/mqtt_settings.h"
#include "gst/elements/track_event_transport.h"

GST_DEBUG_CATEGORY_STATIC (gst_deltacnn_publish_debug);
#define GST_CAT_DEFAULT gst_deltacnn_publish_debug

using deltacnn_gst::MqttPublisher;
using deltacnn_gst::MqttSettings;

namespace {

struct PublishPrivate {
  std::mutex lock;        // guards settings and publisher (the pointer, for the counters)
  MqttSettings settings;
  std::shared_ptr<MqttPublisher> publisher;  // start() to the next start(): counters stay readable

  // The broker refused the credentials (the publisher's thread sets it, start() clears it): the
  // ERROR is posted once, by the streaming thread at the next buffer, or by the publisher's
  // thread when the element is already PLAYING (report_refusal).
  std::string refusal;
  bool refusal_posted = false;

  // Streaming thread.
  gint64 last_drop_log_us = 0;
  bool stream_started = false;  // a buffer passed since start()
  std::set<std::string> refused_topics;  // warned of once each since start()
};

}  // namespace

struct _GstDeltaCnnPublish {
  GstBaseTransform parent;
  PublishPrivate *priv;
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_CLIENT_ID,
  PROP_TOPIC,
  PROP_STATUS_TOPIC,
  PROP_CAMERA_ID,
  PROP_QOS,
  PROP_USERNAME,
  PROP_PASSWORD,
  PROP_TLS_CA_FILE,
  PROP_TLS_CERT_FILE,
  PROP_TLS_KEY_FILE,
  PROP_KEEPALIVE,
  PROP_MAX_QUEUE,
  PROP_FLUSH_TIMEOUT,
  PROP_RECONNECT_DELAY_MAX,
  PROP_DROPPED,
  PROP_PUBLISHED,
};

// Any stream: the element only reads the events between the buffers.
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define gst_deltacnn_publish_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstDeltaCnnPublish, gst_deltacnn_publish, GST_TYPE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_deltacnn_publish_debug, "deltacnnpublish", 0,
        "deltacnn track events to MQTT"));
GST_ELEMENT_REGISTER_DEFINE (deltacnnpublish, "deltacnnpublish", GST_RANK_NONE,
    GST_TYPE_DELTACNN_PUBLISH);

static std::string
string_of (const GValue * value)
{
  const gchar *s = g_value_get_string (value);
  return s != nullptr ? s : "";
}

static const gchar *
nullable (const std::string & s)
{
  return s.empty ()? nullptr : s.c_str ();
}

static void
gst_deltacnn_publish_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstDeltaCnnPublish *self = GST_DELTACNN_PUBLISH (object);
  std::lock_guard < std::mutex > lock (self->priv->lock);
  MqttSettings & s = self->priv->settings;

  switch (prop_id) {
    case PROP_HOST: s.host = string_of (value); break;
    case PROP_PORT: s.port = g_value_get_int (value); break;
    case PROP_CLIENT_ID: s.client_id = string_of (value); break;
    case PROP_TOPIC: s.topic = string_of (value); break;
    case PROP_STATUS_TOPIC: s.status_topic = string_of (value); break;
    case PROP_CAMERA_ID: s.camera_id = string_of (value); break;
    case PROP_QOS: s.qos = static_cast<int> (g_value_get_uint (value)); break;
    case PROP_USERNAME: s.username = string_of (value); break;
    case PROP_PASSWORD: s.password = string_of (value); break;
    case PROP_TLS_CA_FILE: s.tls_ca_file = string_of (value); break;
    case PROP_TLS_CERT_FILE: s.tls_cert_file = string_of (value); break;
    case PROP_TLS_KEY_FILE: s.tls_key_file = string_of (value); break;
    case PROP_KEEPALIVE: s.keepalive_s = static_cast<int> (g_value_get_uint (value)); break;
    case PROP_MAX_QUEUE: s.max_queue = g_value_get_uint (value); break;
    case PROP_FLUSH_TIMEOUT: s.flush_timeout_ms = g_value_get_uint (value); break;
    case PROP_RECONNECT_DELAY_MAX: s.reconnect_delay_max_s = g_value_get_uint (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_deltacnn_publish_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstDeltaCnnPublish *self = GST_DELTACNN_PUBLISH (object);
  std::lock_guard < std::mutex > lock (self->priv->lock);
  const MqttSettings & s = self->priv->settings;
  const MqttPublisher *pub = self->priv->publisher.get ();

  switch (prop_id) {
    case PROP_HOST: g_value_set_string (value, s.host.c_str ()); break;
    case PROP_PORT: g_value_set_int (value, s.port); break;
    case PROP_CLIENT_ID: g_value_set_string (value, nullable (s.client_id)); break;
    case PROP_TOPIC: g_value_set_string (value, s.topic.c_str ()); break;
    case PROP_STATUS_TOPIC: g_value_set_string (value, s.status_topic.c_str ()); break;
    case PROP_CAMERA_ID: g_value_set_string (value, nullable (s.camera_id)); break;
    case PROP_QOS: g_value_set_uint (value, static_cast<guint> (s.qos)); break;
    case PROP_USERNAME: g_value_set_string (value, nullable (s.username)); break;
    case PROP_PASSWORD: g_value_set_string (value, nullable (s.password)); break;
    case PROP_TLS_CA_FILE: g_value_set_string (value, nullable (s.tls_ca_file)); break;
    case PROP_TLS_CERT_FILE: g_value_set_string (value, nullable (s.tls_cert_file)); break;
    case PROP_TLS_KEY_FILE: g_value_set_string (value, nullable (s.tls_key_file)); break;
    case PROP_KEEPALIVE: g_value_set_uint (value, static_cast<guint> (s.keepalive_s)); break;
    case PROP_MAX_QUEUE: g_value_set_uint (value, s.max_queue); break;
    case PROP_FLUSH_TIMEOUT: g_value_set_uint (value, s.flush_timeout_ms); break;
    case PROP_RECONNECT_DELAY_MAX: g_value_set_uint (value, s.reconnect_delay_max_s); break;
    case PROP_DROPPED: g_value_set_uint64 (value, pub != nullptr ? pub->dropped () : 0); break;
    case PROP_PUBLISHED: g_value_set_uint64 (value, pub != nullptr ? pub->delivered () : 0); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_deltacnn_publish_finalize (GObject * object)
{
  GstDeltaCnnPublish *self = GST_DELTACNN_PUBLISH (object);
  delete self->priv;            // a running publisher stops (and joins) here at the latest
  self->priv = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

// Posts the refusal's ERROR if there is one and it was not posted yet; true if there is one.
static bool
post_refusal (GstDeltaCnnPublish * self)
{
  std::string text;
  {
    std::lock_guard < std::mutex > lock (self->priv->lock);
    if (self->priv->refusal.empty ())
      return false;
    if (self->priv->refusal_posted)
      return true;
    self->priv->refusal_posted = true;
    text = self->priv->refusal;
  }
  GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED, ("%s", text.c_str ()), (nullptr));
  return true;
}

static bool
is_playing (GstElement * element)
{
  GST_OBJECT_LOCK (element);
  const bool playing = GST_STATE (element) == GST_STATE_PLAYING &&
      GST_STATE_PENDING (element) == GST_STATE_VOID_PENDING;
  GST_OBJECT_UNLOCK (element);
  return playing;
}

// The refusal usually arrives while the pipeline is still changing state to PAUSED (upstream,
// deltacnn loads its model then). An ERROR posted from this thread at that moment is lost on
// gst-launch-1.0 1.22, which then waits forever for a preroll that came (measured: the README's
// MQTT line with wrong credentials hung). So the streaming thread posts it at the next buffer,
// the usual place for a fatal error, and returns a flow error that stops the stream; only a
// playing element (whose application runs its main loop by then) gets it from here at once, so
// that a stream without buffers (a camera gone quiet) still reports it.
static void
report_refusal (GstDeltaCnnPublish * self, const std::string & text)
{
  {
    std::lock_guard < std::mutex > lock (self->priv->lock);
    self->priv->refusal = text;
  }
  GST_WARNING_OBJECT (self, "%s", text.c_str ());
  if (is_playing (GST_ELEMENT (self)))
    post_refusal (self);
}

// The publisher's thread reports here; posting a bus message is thread-safe.
static deltacnn_gst::MqttReporter
reporter_for (GstDeltaCnnPublish * self)
{
  deltacnn_gst::MqttReporter r;
  r.warning = [self](const std::string & text) {
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE, ("%s", text.c_str ()), (nullptr));
  };
  r.refused = [self](const std::string & text) {
    report_refusal (self, text);
  };
  r.info = [self](const std::string & text) {
    GST_INFO_OBJECT (self, "%s", text.c_str ());
  };
  return r;
}

static gboolean
gst_deltacnn_publish_start (GstBaseTransform * trans)
{
  GstDeltaCnnPublish *self = GST_DELTACNN_PUBLISH (trans);
  PublishPrivate *priv = self->priv;
  MqttSettings settings;
  {
    std::lock_guard < std::mutex > lock (priv->lock);
    settings = priv->settings;
  }
  const std::string invalid = deltacnn_gst::validate (settings);
  if (!invalid.empty ()) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", invalid.c_str ()), (nullptr));
    return FALSE;
  }
  const std::string camera = settings.camera_id.empty ()? GST_ELEMENT_NAME (self) :
      settings.camera_id;
  {
    std::lock_guard < std::mutex > lock (priv->lock);   // the new thread may report at once
    priv->refusal.clear ();
    priv->refusal_posted = false;
  }
  auto publisher = std::make_shared<MqttPublisher> (settings, camera, GST_ELEMENT_NAME (self),
      reporter_for (self));
  try {
    publisher->start ();
  } catch (const std::exception & e) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", e.what ()), (nullptr));
    return FALSE;
  }
  GST_INFO_OBJECT (self, "publishing to %s:%d as '%s', status on '%s'", settings.host.c_str (),
      settings.port, publisher->client_id ().c_str (), publisher->status_topic ().c_str ());
  std::lock_guard < std::mutex > lock (priv->lock);
  priv->publisher = std::move (publisher);
  priv->last_drop_log_us = 0;
  priv->stream_started = false;
  priv->refused_topics.clear ();
  return TRUE;
}

// Pass-through: the buffer is not touched; a refused connection stops the stream here. The
// first buffer makes the status "online": a camera that is tried and sends nothing stays
// "offline".
static GstFlowReturn
gst_deltacnn_publish_transform_ip (GstBaseTransform * trans, GstBuffer * buffer)
{
  GstDeltaCnnPublish *self = GST_DELTACNN_PUBLISH (trans);
  (void) buffer;
  if (post_refusal (self))
    return GST_FLOW_ERROR;
  if (!self->priv->stream_started) {
    self->priv->stream_started = true;
    std::lock_guard < std::mutex > lock (self->priv->lock);
    if (self->priv->publisher)
      self->priv->publisher->stream_started ();
  }
  return GST_FLOW_OK;
}

static gboolean
gst_deltacnn_publish_stop (GstBaseTransform * trans)
{
  GstDeltaCnnPublish *self = GST_DELTACNN_PUBLISH (trans);
  std::shared_ptr<MqttPublisher> publisher;
  {
    std::lock_guard < std::mutex > lock (self->priv->lock);
    publisher = self->priv->publisher;
  }
  if (publisher) {
    publisher->stop ();           // flushes within flush-timeout; the counters are final after
    if (publisher->dropped () > 0)
      GST_WARNING_OBJECT (self, "%" G_GUINT64_FORMAT " events were dropped in all "
          "(queue full or not sent within flush-timeout), %" G_GUINT64_FORMAT " published",
          publisher->dropped (), publisher->delivered ());
  }
  return TRUE;
}

static void
enqueue (GstDeltaCnnPublish * self, const deltacnn_gst::TrackEventMessage & message)
{
  PublishPrivate *priv = self->priv;
  std::shared_ptr<MqttPublisher> publisher;
  std::string topic_pattern;
  {
    std::lock_guard < std::mutex > lock (priv->lock);
    publisher = priv->publisher;
    topic_pattern = priv->settings.topic;
  }
  if (!publisher)
    return;
  const std::string topic = deltacnn_gst::expand_topic (topic_pattern, message.camera_id);
  const std::string why = deltacnn_gst::check_publish_topic (topic);
  if (!why.empty ()) {
    // Counted as dropped (received + dropped = produced holds), and one warning per topic
    // rather than one per event.
    publisher->drop_unpublishable ();
    if (priv->refused_topics.insert (topic).second)
      GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS, ("Cannot publish to topic '%s' (topic '%s' "
              "with camera id '%s'): %s; its events are dropped (counted in dropped)",
              topic.c_str (), topic_pattern.c_str (), message.camera_id.c_str (), why.c_str ()),
          (nullptr));
    return;
  }
  publisher->stream_started ();        // an event: the stream runs, even before its buffer
  if (publisher->publish (topic, message.json) == 0)
    return;
  // Once a second at most: a long outage would otherwise log on every event.
  const gint64 now = g_get_monotonic_time ();
  if (now - priv->last_drop_log_us >= G_USEC_PER_SEC) {
    priv->last_drop_log_us = now;
    GST_WARNING_OBJECT (self, "MQTT queue full (max-queue): dropped the oldest event, %"
        G_GUINT64_FORMAT " dropped so far", publisher->dropped ());
  }
}

static gboolean
gst_deltacnn_publish_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstDeltaCnnPublish *self = GST_DELTACNN_PUBLISH (trans);
  deltacnn_gst::TrackEventMessage message;
  if (deltacnn_gst::parse_track_event (event, &message))
    enqueue (self, message);
  // Passed on: another consumer downstream (deltacnnjson) may want it too.
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static void
install_properties (GObjectClass * gobject_class)
{
  const GParamFlags ready = static_cast<GParamFlags> (G_PARAM_READWRITE |
      G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  const GParamFlags counter = static_cast<GParamFlags> (G_PARAM_READABLE |
      G_PARAM_STATIC_STRINGS);
  const MqttSettings d;

  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host", "MQTT broker host name or address",
          d.host.c_str (), ready));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port", "MQTT broker port (8883 is usual with TLS)",
          1, 65535, d.port, ready));
  g_object_class_install_property (gobject_class, PROP_CLIENT_ID,
      g_param_spec_string ("client-id", "Client ID", "MQTT client id; unset (default): "
          "deltacnn-<hostname>-<pid>-<element name>", nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_TOPIC,
      g_param_spec_string ("topic", "Topic", "Topic of the events; {camera} is replaced by "
          "the event's camera_id (deltacnn's camera-id)", d.topic.c_str (), ready));
  g_object_class_install_property (gobject_class, PROP_STATUS_TOPIC,
      g_param_spec_string ("status-topic", "Status topic", "Retained 'online'/'offline' "
          "status and last will; {camera} is replaced by camera-id", d.status_topic.c_str (),
          ready));
  g_object_class_install_property (gobject_class, PROP_CAMERA_ID,
      g_param_spec_string ("camera-id", "Camera ID", "{camera} of status-topic (set it as "
          "deltacnn's camera-id); unset (default): this element's name", nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_QOS,
      g_param_spec_uint ("qos", "QoS", "MQTT QoS of the events: 0 (at most once) or 1 (at "
          "least once)", 0, 1, d.qos, ready));
  g_object_class_install_property (gobject_class, PROP_USERNAME,
      g_param_spec_string ("username", "User name", "User name for the broker; unset: none",
          nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_PASSWORD,
      g_param_spec_string ("password", "Password", "Password for the broker (needs username)",
          nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_TLS_CA_FILE,
      g_param_spec_string ("tls-ca-file", "TLS CA file", "PEM file of the CA that signs the "
          "broker's certificate; set: connect with TLS", nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_TLS_CERT_FILE,
      g_param_spec_string ("tls-cert-file", "TLS certificate file", "PEM client certificate "
          "(with tls-key-file), for brokers that require one", nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_TLS_KEY_FILE,
      g_param_spec_string ("tls-key-file", "TLS key file", "PEM key of tls-cert-file",
          nullptr, ready));
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE,
      g_param_spec_uint ("keepalive", "Keepalive", "MQTT keepalive in seconds: a dead "
          "connection is noticed within about 1.5 times this", 5, 65535, d.keepalive_s, ready));
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE,
      g_param_spec_uint ("max-queue", "Max queue", "Events waiting to be sent, at most; when "
          "full the oldest is dropped (see dropped)", 1, G_MAXINT, d.max_queue, ready));
  g_object_class_install_property (gobject_class, PROP_FLUSH_TIMEOUT,
      g_param_spec_uint ("flush-timeout", "Flush timeout", "On stop, milliseconds to send "
          "what is queued; the rest counts as dropped", 0, 600000, d.flush_timeout_ms, ready));
  g_object_class_install_property (gobject_class, PROP_RECONNECT_DELAY_MAX,
      g_param_spec_uint ("reconnect-delay-max", "Reconnect delay max", "Longest wait in "
          "seconds between connection attempts (the wait doubles from 1 s)", 1, 3600,
          d.reconnect_delay_max_s, ready));
  g_object_class_install_property (gobject_class, PROP_DROPPED,
      g_param_spec_uint64 ("dropped", "Dropped", "Events dropped since start: queue full, "
          "or not sent within flush-timeout on stop", 0, G_MAXUINT64, 0, counter));
  g_object_class_install_property (gobject_class, PROP_PUBLISHED,
      g_param_spec_uint64 ("published", "Published", "Events published since start (QoS 1: "
          "acknowledged by the broker; QoS 0: written to the network)", 0, G_MAXUINT64, 0,
          counter));
}

static void
gst_deltacnn_publish_class_init (GstDeltaCnnPublishClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_deltacnn_publish_set_property;
  gobject_class->get_property = gst_deltacnn_publish_get_property;
  gobject_class->finalize = gst_deltacnn_publish_finalize;
  install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "DeltaCNN track events to MQTT",
      "Filter/Network/Metadata",
      "Publishes the track events of an upstream deltacnn element to an MQTT broker, "
      "without blocking the stream", "deltacnn developers");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_deltacnn_publish_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_deltacnn_publish_stop);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_deltacnn_publish_sink_event);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_deltacnn_publish_transform_ip);
}

static void
gst_deltacnn_publish_init (GstDeltaCnnPublish * self)
{
  self->priv = new PublishPrivate ();
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), FALSE);
}
