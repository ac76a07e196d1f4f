// A real mosquitto broker for the tests: its own config, persistence and log in a temp dir, on
// a localhost port (tests/rtsp's free_tcp_port); started and stopped (SIGTERM, as an operator would) by the test.
#pragma once

#include <sys/types.h>

#include <string>

namespace deltacnn_test {

// The mosquitto binary (PATH, then /usr/sbin), or "" when it is not installed.
std::string mosquitto_binary();

class MqttBroker {
 public:
  // `auth`: allow_anonymous false with one user (mosquitto_passwd).
  explicit MqttBroker(int port, bool auth = false, const std::string& user = "",
                      const std::string& password = "");
  ~MqttBroker();
  MqttBroker(const MqttBroker&) = delete;
  MqttBroker& operator=(const MqttBroker&) = delete;

  // Makes the listener TLS with this certificate and key (PEM files); with `client_ca` it also
  // requires client certificates signed by that CA. Call before start().
  void serve_tls(const std::string& cert_file, const std::string& key_file, const std::string& client_ca = "");
  // Starts it and waits until the port accepts connections; false (with why()) otherwise.
  bool start();
  // SIGTERM and wait: the broker saves its persistence (subscriber sessions) on the way out.
  void stop();
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  const std::string& why() const { return why_; }
  std::string log() const;

 private:
  int port_;
  std::string dir_, config_, why_;
  pid_t pid_ = -1;
};

}  // namespace deltacnn_test
