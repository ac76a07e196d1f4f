// The deltacnn element's reloads: config-file-path, model or model-instance-id set while it
// plays (DeploymentReloader loads in the background; README, "Reloading while running").
#include "gst/elements/gstdeltacnn_private.h"

#include "gst/elements/engine_errors.h"

#define GST_CAT_DEFAULT gst_deltacnn_debug

using deltacnn_gst::DeltaCnnPrivate;

// The bus's copy of the model-updated signal: applications that watch the bus (gst-launch-1.0
// -m, NVR supervisors) need no signal handler.
static void
post_model_updated (GstDeltaCnn * self, const std::string & config_file_path,
    const std::string & model_path, const std::string & model_name, const std::string & error)
{
  GstStructure *s = gst_structure_new ("deltacnn-model-updated",
      "success", G_TYPE_BOOLEAN, error.empty (),
      "config-file-path", G_TYPE_STRING, config_file_path.c_str (),
      "model", G_TYPE_STRING, model_path.c_str (), nullptr);
  if (error.empty ())
    gst_structure_set (s, "model-name", G_TYPE_STRING, model_name.c_str (), nullptr);
  else
    gst_structure_set (s, "error", G_TYPE_STRING, error.c_str (), nullptr);
  gst_element_post_message (GST_ELEMENT (self), gst_message_new_element (GST_OBJECT (self), s));
}

// What a failed reload posts on the bus, carried to a thread of GStreamer's pool.
struct ReloadFailurePosts
{
  std::optional<dcnn::ErrorKind> kind;
  std::string warning;          // the message and what the element goes on with
  std::string error;            // the load's message alone, for model-updated
  std::string config_file_path, model, debug;
};

static void
post_reload_failure (GstElement * element, gpointer data)
{
  const auto *p = static_cast<const ReloadFailurePosts *> (data);
  deltacnn_gst::post_failure (element, GST_MESSAGE_WARNING, p->kind, p->warning,
      "to reload the deployment", __FILE__, GST_FUNCTION, __LINE__, p->debug);
  post_model_updated (GST_DELTACNN (element), p->config_file_path, p->model, "", p->error);
}

// Loader thread: the element goes on with the newest deployment that loaded. The warning and
// the bus message are posted from GStreamer's thread pool (gst_element_call_async), not from
// here: a bus sync handler runs on the posting thread, and one that stops the pipeline on the
// warning (an NVR giving up on a camera) would make stop() join the loader thread from itself
// (std::system_error, an abort). The signal and the properties' notify wait for the streaming
// thread (failed_reloads). The properties go back to the deployment the element goes on with,
// unless they were set again since (a newer reload is on its way), so that they tell the truth
// and a restart comes up with a deployment that loads.
void
gst_deltacnn_on_reload_failed (GstDeltaCnn * self, const deltacnn_gst::ReloadFailure & failure)
{
  DeltaCnnPrivate *priv = self->priv;
  const deltacnn_gst::GstErrorCode code = deltacnn_gst::error_code_for (failure.kind);
  std::string going_on;
  {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    going_on = failure.fallback.config_file_path == priv->running_config_file_path
        && failure.fallback.model == priv->running_model ? "still running " +
        priv->running_description : "going on with config '" +
        failure.fallback.config_file_path + "', loaded before it";
    const bool reverted = failure.request == priv->newest_reload && !priv->reload_wanted
        && priv->running;
    if (reverted) {
      priv->settings.config_file_path = failure.fallback.config_file_path;
      priv->settings.model = failure.fallback.model;
      priv->settings.model_instance_id = failure.fallback.model_instance_id;
    }
    if (priv->running)
      priv->failed_reloads.push_back ({failure.request, code.code,
              failure.settings.config_file_path, reverted});
  }
  auto *posts = new ReloadFailurePosts {failure.kind, failure.message + "; " + going_on,
    failure.message, failure.settings.config_file_path, failure.settings.model,
    gst_deltacnn_describe (failure.settings)};
  gst_element_call_async (GST_ELEMENT (self), post_reload_failure, posts,
      [](gpointer data) { delete static_cast<ReloadFailurePosts *> (data); });
}

// Streaming thread: model-updated (and the notify of reverted properties) for the reloads that
// failed since the last frame, and for the one taken now (`taken`, 0: none), in request order.
static void
signal_reloads (GstDeltaCnn * self, uint64_t taken)
{
  DeltaCnnPrivate *priv = self->priv;
  std::vector<DeltaCnnPrivate::FailedReload> failed;
  {
    std::lock_guard < std::mutex > lock (priv->settings_lock);
    failed.swap (priv->failed_reloads);
  }
  bool taken_signalled = taken == 0;
  for (const auto & f : failed) {
    if (!taken_signalled && taken < f.request) {
      g_signal_emit (self, gst_deltacnn_signals[GST_DELTACNN_SIGNAL_MODEL_UPDATED], 0, 0,
          priv->applied.config_file_path.c_str ());
      taken_signalled = true;
    }
    if (f.reverted) {
      g_object_notify (G_OBJECT (self), "config-file-path");
      g_object_notify (G_OBJECT (self), "model");
      g_object_notify (G_OBJECT (self), "model-instance-id");
    }
    g_signal_emit (self, gst_deltacnn_signals[GST_DELTACNN_SIGNAL_MODEL_UPDATED], 0, f.code, f.config_file_path.c_str ());
  }
  if (!taken_signalled)
    g_signal_emit (self, gst_deltacnn_signals[GST_DELTACNN_SIGNAL_MODEL_UPDATED], 0, 0,
        priv->applied.config_file_path.c_str ());
}

// Streaming thread, before a frame: a reload that finished replaces the running deployment.
// Every open track of the old run ends (as at EOS: the new stream has a tracker of its own);
// the new run starts with a dense frame and a new run_id for its events.
void
gst_deltacnn_take_reloaded_deployment (GstDeltaCnn * self)
{
  DeltaCnnPrivate *priv = self->priv;
  // Zones and masks in pixels of another resolution than the running video's: refused as a
  // failed reload (the old deployment goes on), where the swap would announce success and the
  // first frame stop the pipeline. Checked here, at the swap, against the caps in effect.
  auto ready = priv->reloader->take_ready ([priv](deltacnn_gst::Deployment & d) {
        if (priv->have_info)
          d.stream->prepare_frame_size (GST_VIDEO_INFO_WIDTH (&priv->info),
              GST_VIDEO_INFO_HEIGHT (&priv->info));
      });
  if (!ready) {
    signal_reloads (self, 0);
    return;
  }
  std::unique_ptr<deltacnn_gst::TrackEventEmitter> old_events = std::move (priv->events);
  deltacnn_gst::Deployment & d = ready->first;
  try {
    gst_deltacnn_install_deployment (self, d);   // d now holds the old deployment, freed below
  } catch (...) {
    priv->events = std::move (old_events);
    throw;
  }
  gst_deltacnn_push_track_events_of (self, *old_events, old_events->finish ());
  d = deltacnn_gst::Deployment ();
  GST_INFO_OBJECT (self, "reloaded (request %" G_GUINT64_FORMAT "): model '%s' (%s) from "
      "'%s'", ready->second, priv->model->info ().name.c_str (),
      priv->config.model_path.c_str (), priv->config.source.c_str ());
  post_model_updated (self, priv->applied.config_file_path, priv->config.model_path,
      priv->model->info ().name, "");
  signal_reloads (self, ready->second);
}

