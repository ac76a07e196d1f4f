// deltacnnpublish's properties as plain C++ values, checked before anything connects.
#pragma once

#include <string>

namespace deltacnn_gst {

struct MqttSettings {
  std::string host = "localhost";
  int port = 1883;
  std::string client_id;  // empty: "deltacnn-<hostname>-<pid>-<element name>"
  std::string topic = "deltacnn/{camera}/events";
  std::string status_topic = "deltacnn/{camera}/status";
  std::string camera_id;  // the status topic's {camera}; empty: the element's name
  int qos = 1;
  std::string username, password;            // password needs a username
  std::string tls_ca_file, tls_cert_file, tls_key_file;  // TLS when tls_ca_file is set
  int keepalive_s = 30;
  unsigned max_queue = 1000;
  unsigned flush_timeout_ms = 2000;
  unsigned reconnect_delay_max_s = 30;  // backoff 1 s, 2 s, 4 s, ... up to this
};

// Empty when the settings can work, else a message naming the property, its value and what is
// expected (the element posts it as a SETTINGS error at start).
std::string validate(const MqttSettings& settings);

// `pattern` with every "{camera}" replaced by `camera_id`.
std::string expand_topic(const std::string& pattern, const std::string& camera_id);

// Empty when `topic` is a valid MQTT topic to publish to, else why not.
std::string check_publish_topic(const std::string& topic);

// Empty when `camera_id` can stand for {camera} in a topic (and in the events' JSON), else why
// not: an MQTT wildcard or bytes that are not UTF-8 would make every event unpublishable.
std::string check_camera_id(const std::string& camera_id);

}  // namespace deltacnn_gst
