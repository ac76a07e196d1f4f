#include "gst/elements/mqtt_publisher.h"

#include <mosquitto.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <set>
#include <stdexcept>
#include <utility>

namespace deltacnn_gst {

namespace {

using Clock = std::chrono::steady_clock;

// Messages handed to libmosquitto and not yet acknowledged (QoS 1) or written (QoS 0): its own
// default for QoS 1; more would only queue inside libmosquitto.
constexpr size_t kMaxInFlight = 20;
constexpr int kLoopTimeoutMs = 50;  // how soon a new message is noticed while connected
// Longest wait for the broker's CONNACK (at most the keepalive time): a broker that answers at
// all does within a second; one that accepted TCP and hangs is tried again after this.
constexpr std::chrono::seconds kConnackWait(10);
// Two clients with one client-id take the connection from each other at every reconnect: each
// connection then ends, closed by the broker, within about the 1 s backoff of the other's
// reconnect. Two such quick ends in a row name the likely cause; a broker restart (one end of a
// long-lived connection) does not.
constexpr std::chrono::seconds kQuickClose(5);
constexpr int kQuickClosesForHint = 2;

// mosquitto_publish's errors that are the message's own (its topic, its size): sending it again
// cannot help, so it is dropped. Every other one (no connection, a lost one, a write that failed
// with errno, such as a broken pipe, out of memory) is the connection's: the message is kept.
bool message_itself_wrong(int rc) {
  return rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_MALFORMED_UTF8 ||
         rc == MOSQ_ERR_OVERSIZE_PACKET || rc == MOSQ_ERR_QOS_NOT_SUPPORTED;
}
constexpr const char* kOnline = "online";
constexpr const char* kOffline = "offline";

void init_library_once() {
  // Never cleaned up: other elements in the process may still use it.
  static const int rc = mosquitto_lib_init();
  (void) rc;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "host";
  return name;
}

std::string endpoint(const MqttSettings& s) { return s.host + ":" + std::to_string(s.port); }

// Whether a failed call's rc (with the errno it left) says the other end closed or broke off the
// connection: libmosquitto reports it as a lost connection, a protocol error, or errno EPROTO
// (OpenSSL's when a TLS peer aborts) or ECONNRESET, depending on where the call was.
bool closed_by_peer(int rc, int error) {
  return rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_PROTOCOL ||
         (rc == MOSQ_ERR_ERRNO && (error == EPROTO || error == ECONNRESET));
}

}  // namespace

// mosquitto_strerror() says "Lookup error." for a bad host; errno says more for the rest.
// (libmosquitto's text for MOSQ_ERR_ERRNO is already strerror(errno): "Connection refused".)
std::string MqttPublisher::failure_text(int rc) const {
  if (rc == MOSQ_ERR_TLS) return connected_ ? "a TLS error (libmosquitto: " + library_errors_ + ")" : tls_failure_text();
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

// A connection the broker ended before its CONNACK, with no TLS error: the usual causes are a
// TLS mismatch, which libmosquitto cannot tell apart from a broker that went away.
std::string MqttPublisher::closed_before_connack_hint() const {
  const std::string port = std::to_string(settings_.port);
  if (settings_.tls_ca_file.empty())
    return "; if port " + port + " is the broker's TLS listener, set tls-ca-file";
  if (settings_.tls_cert_file.empty())
    return "; a broker that requires client certificates closes the connection like this: expected "
           "tls-cert-file and tls-key-file";
  return "; a broker that requires client certificates closes the connection like this when it does not accept "
         "tls-cert-file '" + settings_.tls_cert_file + "': expected a certificate signed by a CA the broker trusts";
}

// "A TLS error occurred." reads like a broker that is down, and is retried for ever; a wrong CA
// or host name will not mend itself, so say which setting to look at. libmosquitto logs the
// handshake's reason (OpenSSL's, or its own host name check) just before it fails.
std::string MqttPublisher::tls_failure_text() const {
  const std::string reason = library_errors_.empty() ? "A TLS error occurred." : library_errors_;
  if (reason.find("host name verification failed") != std::string::npos)
    return "the TLS handshake failed: the broker's certificate is not issued to host '" + settings_.host +
           "' (property host: expected the name or address the certificate names; libmosquitto: " + reason + ")";
  if (reason.find("certificate verify failed") != std::string::npos)
    return "the TLS handshake failed: the broker's certificate did not verify against tls-ca-file '" +
           settings_.tls_ca_file + "' (expected the CA that signed it; or the certificate has expired; " + reason + ")";
  // The broker's alert about our certificate (TLS 1.2 reports it in the handshake).
  if (reason.find("certificate required") != std::string::npos || reason.find("alert bad certificate") != std::string::npos ||
      reason.find("alert unknown ca") != std::string::npos)
    return settings_.tls_cert_file.empty()
               ? "the TLS handshake failed: the broker requires a client certificate (expected tls-cert-file and "
                 "tls-key-file; " + reason + ")"
               : "the TLS handshake failed: the broker does not accept tls-cert-file '" + settings_.tls_cert_file +
                     "' (expected a certificate signed by a CA the broker trusts; " + reason + ")";
  // A plain MQTT listener closes (or answers in plain text) a TLS hello.
  if (reason.find("unexpected eof") != std::string::npos || reason.find("wrong version number") != std::string::npos)
    return "the TLS handshake failed: the other end does not speak TLS (expected port " + std::to_string(settings_.port) +
           " to be the broker's TLS listener, often 8883, not its plain one, often 1883; " + reason + ")";
  return "the TLS handshake failed (tls-ca-file '" + settings_.tls_ca_file + "'; " + reason + ")";
}

MqttPublisher::MqttPublisher(MqttSettings settings, std::string status_camera_id,
                             std::string element_name, MqttReporter reporter)
    : settings_(std::move(settings)),
      element_name_(std::move(element_name)),
      reporter_(std::move(reporter)),
      queue_(settings_.max_queue) {
  client_id_ = !settings_.client_id.empty()
                   ? settings_.client_id
                   : "deltacnn-" + host_name() + "-" + std::to_string(::getpid()) + "-" +
                         element_name_;
  status_topic_ = expand_topic(settings_.status_topic, status_camera_id);
}

MqttPublisher::~MqttPublisher() { stop(); }

mosquitto* MqttPublisher::new_client(std::string* error) {
  init_library_once();
  mosquitto* mosq = mosquitto_new(client_id_.c_str(), true, this);
  if (mosq == nullptr) {
    *error = "could not create an MQTT client (out of memory)";
    return nullptr;
  }
  mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  int rc = mosquitto_will_set(mosq, status_topic_.c_str(), int(std::strlen(kOffline)), kOffline,
                              1, true);
  if (rc == MOSQ_ERR_SUCCESS && !settings_.username.empty())
    rc = mosquitto_username_pw_set(mosq, settings_.username.c_str(),
                                   settings_.password.empty() ? nullptr
                                                              : settings_.password.c_str());
  if (rc != MOSQ_ERR_SUCCESS) {
    *error = "could not set the last will or the credentials: " + std::string(mosquitto_strerror(rc));
    mosquitto_destroy(mosq);
    return nullptr;
  }
  if (!settings_.tls_ca_file.empty()) {
    auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    rc = mosquitto_tls_set(mosq, settings_.tls_ca_file.c_str(), nullptr,
                           opt(settings_.tls_cert_file), opt(settings_.tls_key_file), nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      *error = "TLS set-up failed (tls-ca-file '" + settings_.tls_ca_file + "', tls-cert-file '" +
               settings_.tls_cert_file + "', tls-key-file '" + settings_.tls_key_file +
               "'): " + mosquitto_strerror(rc) + "; expected readable PEM files";
      mosquitto_destroy(mosq);
      return nullptr;
    }
  }
  mosquitto_connect_callback_set(mosq, &MqttPublisher::on_connect);
  mosquitto_disconnect_callback_set(mosq, &MqttPublisher::on_disconnect);
  mosquitto_publish_callback_set(mosq, &MqttPublisher::on_publish);
  mosquitto_log_callback_set(mosq, &MqttPublisher::on_log);
  return mosq;
}

void MqttPublisher::start() {
  std::string error;
  mosquitto* probe = new_client(&error);  // the settings libmosquitto checks before connecting
  if (probe == nullptr) throw std::runtime_error(error);
  mosquitto_destroy(probe);
  thread_ = std::thread([this] { run(); });
}

void MqttPublisher::stream_started() { streaming_ = true; }

size_t MqttPublisher::publish(std::string topic, std::string payload) {
  const size_t dropped = queue_.push({std::move(topic), std::move(payload)});
  dropped_ += dropped;
  return dropped;
}

void MqttPublisher::stop() {
  {
    std::lock_guard<std::mutex> lock(wake_lock_);
    if (!stop_requested_) {
      stop_requested_ = true;
      flush_deadline_ = Clock::now() + std::chrono::milliseconds(settings_.flush_timeout_ms);
    }
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool MqttPublisher::flush_deadline_passed() const { return Clock::now() >= flush_deadline_; }

bool MqttPublisher::stop_was_requested() {
  std::lock_guard<std::mutex> lock(wake_lock_);
  return stop_requested_;
}

void MqttPublisher::on_connect(mosquitto*, void* self, int rc) {
  static_cast<MqttPublisher*>(self)->connack_ = rc;
}

void MqttPublisher::on_log(mosquitto*, void* self_ptr, int level, const char* text) {
  if ((level & MOSQ_LOG_ERR) == 0 || text == nullptr) return;
  std::string& errors = static_cast<MqttPublisher*>(self_ptr)->library_errors_;
  if (errors.size() > 512) return;  // the first lines say why
  if (!errors.empty()) errors += "; ";
  errors += text;
}

void MqttPublisher::on_disconnect(mosquitto*, void* self, int) {
  static_cast<MqttPublisher*>(self)->lost_ = true;
}

void MqttPublisher::on_publish(mosquitto*, void* self_ptr, int mid) {
  auto* self = static_cast<MqttPublisher*>(self_ptr);
  if (mid == self->status_mid_) {
    self->status_mid_ = -1;
    return;
  }
  auto it = self->in_flight_.find(mid);
  if (it == self->in_flight_.end()) {
    // Called from inside mosquitto_publish (a QoS 0 message written at once), before the
    // caller could record the mid: run_connection counts it.
    self->done_early_.insert(mid);
    return;
  }
  self->in_flight_.erase(it);
  ++self->delivered_;
}

void MqttPublisher::requeue_in_flight() {
  std::deque<MqttMessage> back;
  for (auto& [mid, message] : in_flight_) back.push_back(std::move(message));
  in_flight_.clear();
  done_early_.clear();
  dropped_ += queue_.push_front(std::move(back));
}

// One connection's life. Returns false when the thread should end (refused, or stopped).
bool MqttPublisher::run_connection(bool* was_connected) {
  *was_connected = false;
  std::string error;
  mosq_ = new_client(&error);
  if (mosq_ == nullptr) {
    if (reporter_.warning) reporter_.warning(error);
    return true;
  }
  auto finish = [this] {
    requeue_in_flight();
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
    connected_ = false;
  };
  library_errors_.clear();
  int rc = mosquitto_connect(mosq_, settings_.host.c_str(), settings_.port, settings_.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    // libmosquitto connects (and shakes hands) here or in the loop below, as timing has it.
    const int error = errno;
    last_error_ = failure_text(rc) + (closed_by_peer(rc, error) ? closed_before_connack_hint() : "");
    quick_closes_ = 0;
    finish();
    return true;
  }
  connack_ = -1;
  lost_ = false;
  online_sent_ = false;
  const std::chrono::seconds connack_wait_s =
      std::min(std::chrono::seconds(settings_.keepalive_s), kConnackWait);
  const Clock::time_point connack_deadline = Clock::now() + connack_wait_s;
  bool stopping = false;
  while (true) {
    rc = mosquitto_loop(mosq_, kLoopTimeoutMs, 1);
    // CONNACK 3 (server unavailable) may pass: retried like a lost connection. 2 (client id
    // rejected), 4 (bad user name or password) and 5 (not authorized) will not.
    if (connack_ > 0 && connack_ != 2 && connack_ != 4 && connack_ != 5) {
      last_error_ = "the broker answered: " + std::string(mosquitto_connack_string(connack_));
      finish();
      return true;
    }
    if (connack_ > 0) {
      const std::string why = mosquitto_connack_string(connack_);
      finish();
      if (reporter_.refused)
        reporter_.refused("the MQTT broker " + endpoint(settings_) + " refused the connection of client '" +
                          client_id_ + "'" + (settings_.username.empty() ? "" : " as user '" + settings_.username + "'") +
                          ": " + why + " (properties username, password, client-id); not retrying");
      return false;
    }
    if (rc != MOSQ_ERR_SUCCESS || lost_) {
      // Before the CONNACK a failure is the TCP connection's (libmosquitto connects without
      // waiting: an unreachable address fails here, reported as a "protocol error").
      const int error = errno;
      if (rc != MOSQ_ERR_SUCCESS && connack_ < 0)
        last_error_ = "the connection failed before the broker answered (libmosquitto: " + failure_text(rc) + ")" +
                      (closed_by_peer(rc, error) ? closed_before_connack_hint() : "");
      else
        last_error_ = rc != MOSQ_ERR_SUCCESS ? failure_text(rc) : "the broker closed the connection";
      // The broker closes the older of two clients with one id without a word (MQTT 3.1.1).
      if (connected_) {
        quick_closes_ = Clock::now() - connected_at_ < kQuickClose ? quick_closes_ + 1 : 0;
        if (quick_closes_ >= kQuickClosesForHint && !settings_.client_id.empty())
          last_error_ += " (closed within seconds of connecting, again: a broker does this when another client "
                         "connects with the same client-id, here '" + client_id_ + "'; expected one client-id per element)";
      } else {
        quick_closes_ = 0;
      }
      finish();
      return !stopping || !flush_deadline_passed();
    }
    if (connack_ < 0) {
      // A broker that accepts the connection and never answers: stop() waits no longer than
      // its flush deadline, and the next try comes after kConnackWait, not the keepalive time.
      stopping = stop_was_requested();
      if (stopping && flush_deadline_passed()) {
        last_error_ = "no CONNACK before the stop's flush-timeout";
        finish();
        return false;
      }
      if (Clock::now() > connack_deadline) {
        last_error_ = "no CONNACK within " + std::to_string(connack_wait_s.count()) + " s of connecting";
        finish();
        return true;
      }
      continue;
    }
    if (!connected_) {
      connected_ = true;
      connected_at_ = Clock::now();
      *was_connected = true;
      if (reporter_.info)
        reporter_.info("connected to the MQTT broker " + endpoint(settings_) + " as client '" +
                       client_id_ + "'");
    }
    if (!online_sent_ && streaming_) {
      int mid = 0;
      // Not taken (out of memory, a dropping connection): tried again on the next round.
      online_sent_ = mosquitto_publish(mosq_, &mid, status_topic_.c_str(), int(std::strlen(kOnline)),
                                       kOnline, 1, true) == MOSQ_ERR_SUCCESS;
      if (online_sent_ && reporter_.info)
        reporter_.info("the stream runs: status 'online' on '" + status_topic_ + "'");
    }
    stopping = stop_was_requested();
    if (stopping && ((queue_.size() == 0 && in_flight_.empty()) || flush_deadline_passed())) {
      // Clean stop: say offline (the will only fires on an unclean end), then disconnect.
      status_mid_ = 0;
      mosquitto_publish(mosq_, &status_mid_, status_topic_.c_str(), int(std::strlen(kOffline)),
                        kOffline, 1, true);
      const Clock::time_point until = Clock::now() + std::chrono::milliseconds(500);
      while (status_mid_ != -1 && Clock::now() < until &&
             mosquitto_loop(mosq_, kLoopTimeoutMs, 1) == MOSQ_ERR_SUCCESS && !lost_) {
      }
      mosquitto_disconnect(mosq_);
      mosquitto_loop(mosq_, kLoopTimeoutMs, 1);
      finish();
      return false;
    }
    while (in_flight_.size() < kMaxInFlight) {
      std::optional<MqttMessage> message = queue_.pop();
      if (!message) break;
      int mid = 0;
      rc = mosquitto_publish(mosq_, &mid, message->topic.c_str(), int(message->payload.size()),
                             message->payload.data(), settings_.qos, false);
      if (rc == MOSQ_ERR_SUCCESS) {
        if (done_early_.erase(mid) > 0)
          ++delivered_;
        else
          in_flight_.emplace(mid, std::move(*message));
        continue;
      }
      if (!message_itself_wrong(rc)) {
        // The connection's failure (gone, a broken pipe written to, out of memory): the message
        // goes back to the front of the queue for the next connection.
        std::deque<MqttMessage> back;
        back.push_back(std::move(*message));
        dropped_ += queue_.push_front(std::move(back));
        break;
      }
      // The message itself is wrong (topic, size): sending it again cannot help.
      ++dropped_;
      if (reporter_.warning)
        reporter_.warning("dropped a message to '" + message->topic + "': " + mosquitto_strerror(rc));
    }
  }
}

void MqttPublisher::run() {
  std::chrono::seconds backoff(1);
  bool warned = false;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(wake_lock_);
      if (stop_requested_ && queue_.size() == 0) break;  // nothing left to flush
    }
    bool was_connected = false;
    const bool retry = run_connection(&was_connected);
    if (!retry) break;
    if (was_connected) {
      backoff = std::chrono::seconds(1);
      warned = false;
    }
    if (!warned && reporter_.warning) {
      reporter_.warning((was_connected ? "lost the connection to the MQTT broker " :
                                         "cannot reach the MQTT broker ") +
                        endpoint(settings_) + ": " + last_error_ +
                        "; events are queued (max-queue " + std::to_string(settings_.max_queue) +
                        ", oldest dropped first) and the element retries with backoff up to " +
                        std::to_string(settings_.reconnect_delay_max_s) + " s");
      warned = true;
    }
    std::unique_lock<std::mutex> lock(wake_lock_);
    const Clock::time_point until = Clock::now() + backoff;
    // Once stop is requested, wait no longer than the flush deadline (an attempt before it may
    // still flush): stop() must not wait out a long backoff.
    // With nothing queued there is nothing to flush: stop ends the wait at once.
    while (true) {
      if (stop_requested_ && queue_.size() == 0) break;
      const Clock::time_point target = stop_requested_ ? std::min(until, flush_deadline_) : until;
      if (Clock::now() >= target) break;
      wake_.wait_until(lock, target);
    }
    if (stop_requested_ && (Clock::now() >= flush_deadline_ || queue_.size() == 0)) break;
    backoff = std::min(backoff * 2, std::chrono::seconds(settings_.reconnect_delay_max_s));
  }
  // Whatever is left could not be sent: count it. After a refusal the thread waits for stop()
  // so that the count is final when stop() returns.
  {
    std::unique_lock<std::mutex> lock(wake_lock_);
    wake_.wait(lock, [&] { return stop_requested_; });
  }
  dropped_ += queue_.clear();
}

}  // namespace deltacnn_gst
