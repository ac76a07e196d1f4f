#include "tests/mqtt/mqtt_subscriber.h"

#include <mosquitto.h>

#include <chrono>
#include <thread>

namespace deltacnn_test {

namespace {
long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

MqttSubscriber::MqttSubscriber(int port, std::string topic, std::string client_id)
    : topic_(std::move(topic)) {
  mosquitto_lib_init();
  mosq_ = mosquitto_new(client_id.c_str(), false, this);
  mosquitto_connect_callback_set(mosq_, &MqttSubscriber::on_connect);
  mosquitto_subscribe_callback_set(mosq_, &MqttSubscriber::on_subscribe);
  mosquitto_message_callback_set(mosq_, &MqttSubscriber::on_message);
  mosquitto_reconnect_delay_set(mosq_, 1, 1, false);
  mosquitto_connect_async(mosq_, "127.0.0.1", port, 10);
  mosquitto_loop_start(mosq_);
  last_message_ms_ = now_ms();
}

MqttSubscriber::~MqttSubscriber() {
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
  mosquitto_lib_cleanup();
}

void MqttSubscriber::on_connect(mosquitto* mosq, void* self, int rc) {
  // Also after a reconnect: the restarted broker has the session, this is harmless.
  if (rc == 0) mosquitto_subscribe(mosq, nullptr, static_cast<MqttSubscriber*>(self)->topic_.c_str(), 1);
}

void MqttSubscriber::on_subscribe(mosquitto*, void* self_ptr, int, int, const int*) {
  auto* self = static_cast<MqttSubscriber*>(self_ptr);
  std::lock_guard<std::mutex> lock(self->lock_);
  self->subscribed_ = true;
}

void MqttSubscriber::on_message(mosquitto*, void* self_ptr, const mosquitto_message* m) {
  auto* self = static_cast<MqttSubscriber*>(self_ptr);
  std::lock_guard<std::mutex> lock(self->lock_);
  self->messages_.push_back({m->topic, std::string(static_cast<const char*>(m->payload),
                                                   static_cast<size_t>(m->payloadlen)),
                             m->retain});
  self->last_message_ms_ = now_ms();
}

bool MqttSubscriber::wait_subscribed(int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    {
      std::lock_guard<std::mutex> lock(lock_);
      if (subscribed_) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void MqttSubscriber::wait_quiet(int quiet_ms, int timeout_ms) {
  const long long until = now_ms() + timeout_ms;
  while (now_ms() < until) {
    {
      std::lock_guard<std::mutex> lock(lock_);
      if (now_ms() - last_message_ms_ >= quiet_ms) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<ReceivedMessage> MqttSubscriber::messages() const {
  std::lock_guard<std::mutex> lock(lock_);
  return messages_;
}

}  // namespace deltacnn_test
