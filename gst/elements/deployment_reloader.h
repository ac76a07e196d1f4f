// Loads a new deployment in the background while the element keeps running the old one: the
// config-file-path / model properties set while playing. A MultiPose load takes 1-2 s of CPU;
// done on the streaming thread it would stall a live camera for that long, and a bad file
// would stop the pipeline where it should only be refused.
//
// The element asks for a reload with the settings to load (request), the streaming thread
// picks the result up at its next frame (take_ready) and swaps it in. Requests made while a
// load runs are coalesced: only the newest is loaded next. No GStreamer objects here, so the
// glue tests drive it.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/core/error.h"
#include "gst/elements/deployment.h"

namespace deltacnn_gst {

struct ReloadFailure {
  ElementSettings settings;                // what was asked for
  std::optional<dcnn::ErrorKind> kind;     // unset: not a dcnn::Error (std::bad_alloc, ...)
  std::string message;
  uint64_t request = 0;                    // the request's number (see request())
  // The settings of the newest deployment that did load: the running one, or one loaded but
  // not taken yet, which takes over at the next frame. What the element goes on with.
  ElementSettings fallback;
};

class DeploymentReloader {
 public:
  // `load` builds a deployment from settings (load_deployment in the element); `replacing` is
  // the newest model this element runs or has loaded. `failed` is called on the loader thread
  // when a load throws (and on take_ready's thread when its check refuses a load), without any
  // lock of the reloader held.
  using Load = std::function<Deployment(const ElementSettings&, const dcnn::Model* replacing)>;
  using Failed = std::function<void(const ReloadFailure&)>;

  DeploymentReloader(Load load, Failed failed);
  ~DeploymentReloader();  // cancel()
  DeploymentReloader(const DeploymentReloader&) = delete;
  DeploymentReloader& operator=(const DeploymentReloader&) = delete;

  // The deployment the element runs after a synchronous load (start): what a reload replaces
  // and what a failed one falls back to.
  void set_running(const dcnn::Model* model, const ElementSettings& settings);
  // Schedules a load of `settings`; returns the request's number (1, 2, ...). A load already
  // running finishes (its result is kept unless a newer one succeeds before it is taken).
  uint64_t request(const ElementSettings& settings);
  // The newest successful load not taken yet, with its request number; never blocks on a load.
  // `accept` (optional) checks it first against what only the taker knows (the element: the
  // frame size its zones must fit); when it throws dcnn::Error the load counts as failed:
  // `failed` is called (on the caller's thread), the deployment is dropped, what a later
  // failure falls back to is the running one again, and nothing is returned.
  using Accept = std::function<void(Deployment&)>;
  std::optional<std::pair<Deployment, uint64_t>> take_ready(const Accept& accept = {});
  // True while a request is pending or loading.
  bool busy() const;
  // Drops the pending request and the untaken result and waits for a running load to end
  // (its result is dropped too). Used at stop; request() works again afterwards.
  void cancel();

 private:
  // The loader thread of one generation: waits for requests until cancel() moves on.
  void run(uint64_t generation);

  Load load_;
  Failed failed_;
  mutable std::mutex lock_;
  std::condition_variable wake_;
  // All guarded by lock_.
  std::thread thread_;         // the current generation's loader, started by the first request
  uint64_t generation_ = 0;    // cancel() bumps it: the old thread drops its load and ends
  bool loading_ = false;
  std::optional<ElementSettings> pending_;
  uint64_t pending_number_ = 0;
  uint64_t requests_ = 0;
  std::optional<std::pair<Deployment, uint64_t>> ready_;
  // The newest deployment that loaded (running, or ready and not taken yet), and the request
  // it answered (0: the running one).
  const dcnn::Model* newest_ = nullptr;  // only compared by address, never used
  ElementSettings newest_settings_;
  uint64_t newest_number_ = 0;
  // The running deployment (set_running, or the last one taken): newest again when a ready one
  // is refused at take_ready.
  const dcnn::Model* running_ = nullptr;
  ElementSettings running_settings_;
};

}  // namespace deltacnn_gst
