// Publishes messages to an MQTT broker from a thread of its own (libmosquitto), so that the
// caller (the streaming thread) never waits on the network:
//
//   MqttPublisher pub(settings, status_camera_id, element_name, reporter);
//   pub.start();                          // throws std::runtime_error on bad TLS files
//   pub.publish(topic, payload);          // never blocks; a full queue drops its oldest
//   pub.stop();                           // flushes within settings.flush_timeout_ms
//
// Connection: the thread connects, and after any failure or loss reconnects with exponential
// backoff (1 s, 2 s, ... up to reconnect_delay_max_s). The broker holds a retained status on
// the status topic: "online" once connected and the stream has started (stream_started():
// a camera that is tried but sends no frame is not online), "offline" on a clean stop or, as
// the last will, when the connection dies. Each attempt uses a fresh libmosquitto client, so what was not
// acknowledged stays in our queue only (no second copy inside libmosquitto): on a lost
// connection unacknowledged messages go back to the queue's front and are sent again (QoS 1:
// at least once; a consumer dedupes by camera_id + seq). Refused credentials stop the retries
// (retrying cannot help) and are reported as an error.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <chrono>
#include <map>
#include <set>
#include <mutex>
#include <string>
#include <thread>

#include "gst/elements/drop_oldest_queue.h"
#include "gst/elements/mqtt_settings.h"

struct mosquitto;

namespace deltacnn_gst {

struct MqttMessage {
  std::string topic;
  std::string payload;
};

// How the publisher reports, from its own thread.
struct MqttReporter {
  std::function<void(const std::string&)> warning;  // broker unreachable, connection lost
  std::function<void(const std::string&)> refused;  // the broker refused the credentials
  std::function<void(const std::string&)> info;     // connected
};

class MqttPublisher {
 public:
  MqttPublisher(MqttSettings settings, std::string status_camera_id, std::string element_name,
                MqttReporter reporter);
  ~MqttPublisher();  // stops (with the flush) when still running
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  // Checks what can be checked before connecting (TLS files as libmosquitto reads them) and
  // starts the thread. Throws std::runtime_error with a message naming the property.
  void start();
  // The stream runs (its first buffer or event arrived): from now on the status says "online"
  // whenever connected. Cheap and idempotent; any thread.
  void stream_started();
  // Counts a message that could not be queued (its topic is invalid) as dropped.
  void drop_unpublishable() { ++dropped_; }
  // Queues one message; returns how many were dropped to make room (0 or 1).
  size_t publish(std::string topic, std::string payload);
  // Publishes what it can within flush_timeout_ms (counting the rest as dropped), then sets
  // the status "offline" and disconnects. Idempotent.
  void stop();

  uint64_t dropped() const { return dropped_; }      // queue overflow + left at stop
  uint64_t delivered() const { return delivered_; }  // QoS 1: acknowledged; QoS 0: sent
  bool connected() const { return connected_; }
  const std::string& client_id() const { return client_id_; }
  const std::string& status_topic() const { return status_topic_; }

 private:
  void run();
  // One connection: connect, publish until it drops or stop; false when it should not retry.
  bool run_connection(bool* was_connected);
  mosquitto* new_client(std::string* error);
  void requeue_in_flight();
  bool flush_deadline_passed() const;
  bool stop_was_requested();  // stop_requested_, read under wake_lock_
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_log(mosquitto*, void* self, int level, const char* text);
  std::string failure_text(int rc) const;
  std::string tls_failure_text() const;
  std::string closed_before_connack_hint() const;

  const MqttSettings settings_;
  const std::string element_name_;
  const MqttReporter reporter_;
  std::string client_id_;
  std::string status_topic_;

  DropOldestQueue<MqttMessage> queue_;
  std::thread thread_;
  std::mutex wake_lock_;
  std::condition_variable wake_;
  bool stop_requested_ = false;  // guarded by wake_lock_
  std::chrono::steady_clock::time_point flush_deadline_;  // set with stop_requested_

  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> delivered_{0};
  std::atomic<bool> connected_{false};
  std::atomic<bool> streaming_{false};  // stream_started() was called

  // MQTT thread only.
  mosquitto* mosq_ = nullptr;
  int connack_ = -1;          // -1: waiting for CONNACK; else its code
  bool lost_ = false;         // the connection dropped
  int status_mid_ = -1;       // mid of the "offline" status at stop, until sent
  bool online_sent_ = false;  // "online" published on this connection
  std::map<int, MqttMessage> in_flight_;  // by mid: handed to libmosquitto, not yet done
  std::set<int> done_early_;  // mids whose on_publish came inside mosquitto_publish
  std::string last_error_;    // why the last connection failed or ended
  std::string library_errors_;  // libmosquitto's error log of this try (a TLS handshake's reason)
  std::chrono::steady_clock::time_point connected_at_;  // the CONNACK of the connection up now
  int quick_closes_ = 0;  // connections in a row the broker closed within kQuickClose
};

}  // namespace deltacnn_gst
