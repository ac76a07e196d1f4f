// Shared by the deltacnn element's files: gstdeltacnn.cpp (GObject glue, life cycle, frames)
// and gstdeltacnn_reload.cpp (config-file-path / model / model-instance-id set while playing).
// Not installed; C++ only.
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/api/deltacnn.h"
#include "gst/elements/deployment.h"
#include "gst/elements/deployment_reloader.h"
#include "gst/elements/element_settings.h"
#include "gst/elements/gstdeltacnn.h"
#include "gst/elements/result_metas.h"
#include "gst/elements/timestamp_gaps.h"
#include "gst/elements/track_event_emitter.h"
#include "gst/elements/unique_ids.h"

GST_DEBUG_CATEGORY_EXTERN (gst_deltacnn_debug);

namespace deltacnn_gst {

// C++ state of one element. GObject allocates instances with calloc and never runs
// constructors, so the instance only holds a pointer to this.
struct DeltaCnnPrivate {
  std::mutex settings_lock;
  ElementSettings settings;  // guarded by settings_lock
  bool running = false;      // guarded by settings_lock: model loaded, READY-only props frozen
  bool starting = false;     // guarded by settings_lock: start() loads what it copied; frozen too
  bool live_changed = false; // guarded by settings_lock: a PLAYING-mutable prop changed
  // Guarded by settings_lock: config-file-path, model or model-instance-id set while running;
  // the reload is asked for once the whole g_object_set call is done
  // (dispatch_properties_changed), so that setting several in one call loads once.
  bool reload_wanted = false;
  uint64_t newest_reload = 0;  // guarded by settings_lock: the number of the last request
  // Guarded by settings_lock: what the running deployment was loaded from, to put the
  // properties back when a reload fails and to name it in the failure's message.
  std::string running_config_file_path;
  std::string running_model;
  std::string running_description;
  // Guarded by settings_lock: reloads that failed on the loader thread, for the streaming thread
  // to signal (model-updated, notify of the reverted properties) before its next frame. The
  // loader thread runs no application code, bus sync handlers included (its bus messages are
  // posted from GStreamer's thread pool): code that stopped the element from there would make
  // stop() wait for the thread it runs on.
  struct FailedReload {
    uint64_t request;
    int code;
    std::string config_file_path;
    bool reverted;
  };
  std::vector<FailedReload> failed_reloads;
  std::unique_ptr<DeploymentReloader> reloader;  // from init to finalize

  // Owned by the streaming thread between start() and stop().
  dcnn::DeploymentConfig config;
  std::shared_ptr<const dcnn::Model> model;
  std::unique_ptr<dcnn::Stream> stream;
  ElementSettings applied;  // per-stream settings the stream currently runs with
  MetaContext meta_context;
  UniqueIdClaim unique_id;  // held from start() to stop()
  std::unique_ptr<TrackEventEmitter> events;  // start() to stop()
  GstVideoInfo info;
  bool have_info = false;
  dcnn::PixelFormat pixel_format = dcnn::PixelFormat::RGB;

  // Set from event handlers and set_caps, consumed by the next transform_ip.
  std::atomic<bool> reset_pending{false};
  // Read per buffer without the settings lock.
  std::atomic<bool> reset_on_discont{true};
  // A forward jump of the timestamps longer than this (ns; 0: never) resets like a DISCONT.
  std::atomic<guint64> reset_after_gap_ns{5 * GST_SECOND};
  // Streaming thread: the buffers' timestamps, for reset-after-gap (cleared at start()).
  TimestampGaps timestamp_gaps;
  // Streaming thread: the last analysed frame's results, attached again to a buffer flagged GAP
  // (a copy of that frame, or no valid picture at all) instead of analysing it. Empty after a
  // reset and whenever a deployment is installed (start, a reload taken).
  std::optional<dcnn::FrameResult> last_result;

  // Warnings already on the bus (at start, and the stream's after frames): each once per element.
  std::set<std::string> posted_warnings;
  // How many of the stream's warnings were posted: some appear only with a frame.
  size_t stream_warnings_posted = 0;
};

}  // namespace deltacnn_gst

struct _GstDeltaCnn {
  GstBaseTransform parent;
  deltacnn_gst::DeltaCnnPrivate *priv;
};

enum {
  GST_DELTACNN_SIGNAL_MODEL_UPDATED,
  GST_DELTACNN_N_SIGNALS
};
extern guint gst_deltacnn_signals[GST_DELTACNN_N_SIGNALS];

// gstdeltacnn.cpp
// The settings that decide what is loaded, for the debug text of load errors.
std::string gst_deltacnn_describe (const deltacnn_gst::ElementSettings & s);
// Makes `d` the element's deployment: at start, and on the streaming thread when a reload is
// taken. `d` is left holding what it replaced, freed by the caller.
void gst_deltacnn_install_deployment (GstDeltaCnn * self, deltacnn_gst::Deployment & d);
// Pushes track events downstream; `events`: the emitter that made them (it sends again what a
// flush lost).
void gst_deltacnn_push_track_events_of (GstDeltaCnn * self,
    deltacnn_gst::TrackEventEmitter & events,
    const std::vector<deltacnn_gst::TrackEventMessage> & messages);

// gstdeltacnn_reload.cpp
// Loader thread: a reload failed (warning and bus message now, the signal from the streaming
// thread before the next frame).
void gst_deltacnn_on_reload_failed (GstDeltaCnn * self,
    const deltacnn_gst::ReloadFailure & failure);
// Streaming thread, before each frame: takes a finished reload and signals the reloads that
// ended since the last frame.
void gst_deltacnn_take_reloaded_deployment (GstDeltaCnn * self);
