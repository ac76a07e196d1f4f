// A real MQTT subscriber (libmosquitto, its own network thread) that records every message.
// Persistent session (clean_session false, QoS 1): when the broker restarts with its
// persistence, what was published meanwhile still reaches it.
#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace deltacnn_test {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
};

class MqttSubscriber {
 public:
  MqttSubscriber(int port, std::string topic, std::string client_id);
  ~MqttSubscriber();
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  bool wait_subscribed(int timeout_ms);
  // Waits until no message came for `quiet_ms` (or timeout_ms in all).
  void wait_quiet(int quiet_ms, int timeout_ms);
  std::vector<ReceivedMessage> messages() const;

 private:
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_subscribe(mosquitto*, void* self, int, int, const int*);
  static void on_message(mosquitto*, void* self, const mosquitto_message* message);

  std::string topic_;
  mosquitto* mosq_ = nullptr;
  mutable std::mutex lock_;
  bool subscribed_ = false;
  long long last_message_ms_ = 0;
  std::vector<ReceivedMessage> messages_;
};

}  // namespace deltacnn_test
