#include "gst/elements/mqtt_settings.h"

#include <unistd.h>

#include <fstream>
#include <tuple>

#include "engine/core/utf8.h"

namespace deltacnn_gst {

std::string expand_topic(const std::string& pattern, const std::string& camera_id) {
  static const std::string key = "{camera}";
  std::string out;
  size_t from = 0;
  for (size_t at; (at = pattern.find(key, from)) != std::string::npos; from = at + key.size())
    out += pattern.substr(from, at - from) + camera_id;
  return out + pattern.substr(from);
}

std::string check_publish_topic(const std::string& topic) {
  if (topic.empty()) return "it is empty";
  if (topic.size() > 65535) return "it is longer than 65535 bytes";
  if (topic.find_first_of("+#") != std::string::npos)
    return "it holds a wildcard ('+' or '#'), which only subscriptions may use";
  if (topic.find('\0') != std::string::npos) return "it holds a NUL character";
  if (dcnn::invalid_utf8_offset(topic) != std::string::npos) return "it is not UTF-8 text";
  return "";
}

std::string check_camera_id(const std::string& camera_id) {
  if (camera_id.find_first_of("+#") != std::string::npos)
    return "it holds an MQTT wildcard ('+' or '#'), which no event topic may contain";
  if (dcnn::invalid_utf8_offset(camera_id) != std::string::npos) return "it is not UTF-8 text";
  if (camera_id.size() > 1024) return "it is longer than 1024 bytes";
  return "";
}

static bool readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

// Whether the file holds a PEM block of this kind ("CERTIFICATE", or "PRIVATE KEY" for any key
// type's "-----BEGIN ... PRIVATE KEY-----"). libmosquitto takes any file at set-up and fails
// only in the TLS handshake, which the publisher cannot tell from a broker that is down: a DER
// certificate or a wrong file was retried with backoff for ever. The first 1 MB is read
// (certificate bundles are a few hundred KB).
static bool holds_pem(const std::string& path, const std::string& kind) {
  std::ifstream in(path, std::ios::binary);
  std::string text(1 << 20, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  text.resize(size_t(in.gcount()));
  for (size_t at = 0; (at = text.find("-----BEGIN ", at)) != std::string::npos; ++at) {
    const size_t end = text.find("-----", at + 11);
    if (end == std::string::npos) break;
    const std::string label = text.substr(at + 11, end - at - 11);
    if (label.size() >= kind.size() && label.compare(label.size() - kind.size(), kind.size(), kind) == 0)
      return true;
  }
  return false;
}

std::string validate(const MqttSettings& s) {
  if (s.host.empty()) return "property host is empty; expected a broker host name or address";
  if (s.port < 1 || s.port > 65535)
    return "property port is " + std::to_string(s.port) + "; expected 1..65535";
  if (s.qos != 0 && s.qos != 1)
    return "property qos is " + std::to_string(s.qos) + "; expected 0 or 1";
  // Check the templates with a sample camera id: a wildcard or an empty topic stays one.
  for (const auto& [name, pattern] : {std::pair<const char*, const std::string&>{"topic", s.topic},
                                      {"status-topic", s.status_topic}}) {
    const std::string why = check_publish_topic(expand_topic(pattern, "camera"));
    if (!why.empty())
      return std::string("property ") + name + " is '" + pattern + "': " + why +
             "; expected a topic such as 'deltacnn/{camera}/events'";
  }
  if (const std::string why = check_camera_id(s.camera_id); !why.empty())
    return "property camera-id is '" + s.camera_id + "': " + why +
           "; expected a name such as 'entrance-1'";
  if (!s.password.empty() && s.username.empty())
    return "property password is set without username; expected both or neither";
  if ((!s.tls_cert_file.empty()) != (!s.tls_key_file.empty()))
    return "properties tls-cert-file and tls-key-file must be set together (client "
           "certificate and its key)";
  if (!s.tls_cert_file.empty() && s.tls_ca_file.empty())
    return "property tls-cert-file is set without tls-ca-file; expected the CA file that "
           "signs the broker's certificate";
  for (const auto& [name, path] : {std::pair<const char*, const std::string&>{"tls-ca-file",
                                                                              s.tls_ca_file},
                                   {"tls-cert-file", s.tls_cert_file},
                                   {"tls-key-file", s.tls_key_file}})
    if (!path.empty() && !readable(path))
      return std::string("property ") + name + " is '" + path +
             "', which cannot be read; expected a readable PEM file";
  for (const auto& [name, path, kind] :
       {std::tuple<const char*, const std::string&, const char*>{"tls-ca-file", s.tls_ca_file, "CERTIFICATE"},
        {"tls-cert-file", s.tls_cert_file, "CERTIFICATE"},
        {"tls-key-file", s.tls_key_file, "PRIVATE KEY"}})
    if (!path.empty() && !holds_pem(path, kind))
      return std::string("property ") + name + " is '" + path + "', which holds no PEM " + kind +
             "; expected a PEM file with a '-----BEGIN " + kind +
             "-----' block (convert a DER file with openssl x509 -inform der)";
  if (s.max_queue < 1) return "property max-queue is 0; expected 1 or more";
  if (s.keepalive_s < 5)
    return "property keepalive is " + std::to_string(s.keepalive_s) + "; expected 5 or more seconds";
  if (s.reconnect_delay_max_s < 1)
    return "property reconnect-delay-max is 0; expected 1 or more seconds";
  return "";
}

}  // namespace deltacnn_gst
