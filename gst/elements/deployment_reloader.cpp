#include "gst/elements/deployment_reloader.h"

#include <exception>
#include <utility>

namespace deltacnn_gst {

DeploymentReloader::DeploymentReloader(Load load, Failed failed)
    : load_(std::move(load)), failed_(std::move(failed)) {}

DeploymentReloader::~DeploymentReloader() { cancel(); }

void DeploymentReloader::set_running(const dcnn::Model* model, const ElementSettings& settings) {
  std::lock_guard<std::mutex> guard(lock_);
  newest_ = running_ = model;
  newest_settings_ = running_settings_ = settings;
  newest_number_ = 0;
}

uint64_t DeploymentReloader::request(const ElementSettings& settings) {
  std::lock_guard<std::mutex> guard(lock_);
  pending_ = settings;
  pending_number_ = ++requests_;
  if (!thread_.joinable()) {
    const uint64_t generation = generation_;
    thread_ = std::thread([this, generation] { run(generation); });
  }
  wake_.notify_all();
  return pending_number_;
}

std::optional<std::pair<Deployment, uint64_t>> DeploymentReloader::take_ready(const Accept& accept) {
  std::optional<std::pair<Deployment, uint64_t>> out;
  {
    std::lock_guard<std::mutex> guard(lock_);
    out = std::move(ready_);
    ready_.reset();
  }
  if (!out) return out;
  ReloadFailure failure;
  try {
    if (accept) accept(out->first);
  } catch (const dcnn::Error& e) {
    failure.kind = e.kind();
    failure.message = e.what();
    failure.settings = out->first.settings;
    failure.request = out->second;
  }
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (failure.request == 0) {
      running_ = out->first.model.get();
      running_settings_ = out->first.settings;
      return out;
    }
    // Refused: unless a newer load finished meanwhile, the running deployment is the newest again.
    if (newest_number_ == failure.request) {
      newest_ = running_;
      newest_settings_ = running_settings_;
      newest_number_ = 0;
    }
    failure.fallback = newest_settings_;
  }
  out.reset();  // its stream and maybe a model: freed outside the lock
  failed_(failure);
  return std::nullopt;
}

bool DeploymentReloader::busy() const {
  std::lock_guard<std::mutex> guard(lock_);
  return loading_ || pending_.has_value();
}

void DeploymentReloader::cancel() {
  std::thread old;
  std::optional<std::pair<Deployment, uint64_t>> dropped;
  {
    std::lock_guard<std::mutex> guard(lock_);
    ++generation_;
    pending_.reset();
    dropped = std::move(ready_);
    ready_.reset();
    old = std::move(thread_);
    wake_.notify_all();
  }
  dropped.reset();  // a stream and maybe a model: freed outside the lock
  if (old.joinable()) old.join();
}

void DeploymentReloader::run(uint64_t generation) {
  std::unique_lock<std::mutex> guard(lock_);
  for (;;) {
    wake_.wait(guard, [&] { return generation_ != generation || pending_.has_value(); });
    if (generation_ != generation) return;
    const ElementSettings settings = std::move(*pending_);
    const uint64_t number = pending_number_;
    pending_.reset();
    const dcnn::Model* replacing = newest_;
    loading_ = true;
    guard.unlock();

    std::optional<Deployment> loaded;
    ReloadFailure failure;
    bool failed = false;
    try {
      loaded = load_(settings, replacing);
    } catch (const dcnn::Error& e) {
      failed = true;
      failure.kind = e.kind();
      failure.message = e.what();
    } catch (const std::exception& e) {
      failed = true;
      failure.message = e.what();
    }

    std::optional<std::pair<Deployment, uint64_t>> dropped;  // freed outside the lock
    guard.lock();
    loading_ = false;
    const bool current = generation_ == generation;
    if (failed) failure.fallback = newest_settings_;
    if (loaded && current) {
      newest_ = loaded->model.get();
      newest_settings_ = loaded->settings;
      newest_number_ = number;
      dropped = std::move(ready_);  // an older load nobody took: the newest wins
      ready_.emplace(std::move(*loaded), number);
    }
    guard.unlock();
    dropped.reset();
    loaded.reset();  // a load that finished after cancel()
    if (failed && current) {
      failure.settings = settings;
      failure.request = number;
      failed_(failure);
    }
    guard.lock();
  }
}

}  // namespace deltacnn_gst
