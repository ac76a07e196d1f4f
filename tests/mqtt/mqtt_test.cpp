// deltacnnpublish against a real mosquitto broker and a real subscriber, on vtest with MoveNet
// Lightning (needs ./scripts/setup.sh and Debian's mosquitto; skipped with a message without
// the broker): what arrives equals what deltacnnjson wrote in the same pipeline; a broker
// killed and restarted mid-stream costs only the counted drops; an unreachable broker is a
// warning; refused credentials are an error. Plus the queue and settings checks (no broker).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gst/elements/drop_oldest_queue.h"
#include "gst/elements/mqtt_settings.h"
#include "gst/elements/track_event_json.h"
#include "tests/gst/gst_test_support.h"
#include "tests/mqtt/mqtt_broker.h"
#include "tests/mqtt/mqtt_subscriber.h"
#include "tests/rtsp/child_process.h"

namespace {

using deltacnn_test::BusError;
using deltacnn_test::MqttBroker;
using deltacnn_test::MqttSubscriber;
using deltacnn_test::ReceivedMessage;

/* ------------------------------------------------------------ no broker needed */

TEST(DropOldestQueue, DropsTheOldestWhenFullAndRequeuesAtTheFront) {
  deltacnn_gst::DropOldestQueue<int> q(3);
  EXPECT_EQ(q.push(1) + q.push(2) + q.push(3), 0u);
  EXPECT_EQ(q.push(4), 1u);  // 1 goes
  EXPECT_EQ(*q.pop(), 2);
  // Two taken back (5, 6) but room for one: the oldest of them (5) is dropped.
  EXPECT_EQ(q.push_front({5, 6}), 1u);
  EXPECT_EQ(*q.pop(), 6);
  EXPECT_EQ(*q.pop(), 3);
  EXPECT_EQ(*q.pop(), 4);
  EXPECT_FALSE(q.pop().has_value());
}

TEST(MqttSettings, TopicTemplateAndValidation) {
  EXPECT_EQ(deltacnn_gst::expand_topic("deltacnn/{camera}/events", "cam1"), "deltacnn/cam1/events");
  EXPECT_EQ(deltacnn_gst::expand_topic("{camera}/{camera}", "a/b"), "a/b/a/b");
  deltacnn_gst::MqttSettings s;
  EXPECT_EQ(deltacnn_gst::validate(s), "");
  s.topic = "deltacnn/#";
  EXPECT_NE(deltacnn_gst::validate(s).find("property topic is 'deltacnn/#'"), std::string::npos)
      << deltacnn_gst::validate(s);
  // The status topic's camera id: a wildcard in it made libmosquitto refuse the will with a
  // message naming no property (session 30).
  s = {};
  s.camera_id = "cam#1";
  EXPECT_NE(deltacnn_gst::validate(s).find("property camera-id is 'cam#1': it holds an MQTT wildcard"),
            std::string::npos) << deltacnn_gst::validate(s);
  EXPECT_EQ(deltacnn_gst::check_camera_id("entrance-1"), "");
  EXPECT_EQ(deltacnn_gst::check_camera_id("site/cam 3"), "");
  EXPECT_NE(deltacnn_gst::check_camera_id("cam+1"), "");
  EXPECT_NE(deltacnn_gst::check_camera_id("caf\xe9"), "");
  EXPECT_NE(deltacnn_gst::check_publish_topic("deltacnn/caf\xe9/events"), "");
  s = {};
  s.password = "secret";
  EXPECT_NE(deltacnn_gst::validate(s).find("password"), std::string::npos);
  s = {};
  s.tls_ca_file = "/nonexistent/ca.pem";
  EXPECT_NE(deltacnn_gst::validate(s).find("tls-ca-file"), std::string::npos);
  s = {};
  s.tls_cert_file = "/etc/hostname";
  EXPECT_NE(deltacnn_gst::validate(s).find("tls-key-file"), std::string::npos);
  // A readable file that is not PEM (a DER certificate, a wrong file): refused at start, not
  // retried as a broker that is down.
  const std::string not_pem = deltacnn_test::temp_path("not-pem", ".der");
  {
    const char der[] = "\x30\x82\x03\x00 not a PEM file";
    std::ofstream(not_pem, std::ios::binary) << std::string(der, sizeof der - 1);
  }
  s = {};
  s.tls_ca_file = not_pem;
  EXPECT_NE(deltacnn_gst::validate(s).find("holds no PEM CERTIFICATE"), std::string::npos)
      << deltacnn_gst::validate(s);
  const std::string pem = deltacnn_test::temp_path("ca", ".pem");
  { std::ofstream(pem) << "# a bundle\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"; }
  s.tls_ca_file = pem;
  EXPECT_EQ(deltacnn_gst::validate(s), "");
  const std::string key = deltacnn_test::temp_path("key", ".pem");
  { std::ofstream(key) << "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n"; }
  s.tls_cert_file = pem;
  s.tls_key_file = key;
  EXPECT_EQ(deltacnn_gst::validate(s), "");
  s.tls_key_file = pem;  // a certificate where the key belongs
  EXPECT_NE(deltacnn_gst::validate(s).find("tls-key-file"), std::string::npos);
  std::remove(not_pem.c_str());
  std::remove(pem.c_str());
  std::remove(key.c_str());
}

/* ------------------------------------------------------------ pipelines */

struct RunResult {
  bool eos = false;
  std::optional<BusError> error;
  std::vector<BusError> warnings;
  uint64_t dropped = 0, published = 0;
  double seconds = 0;       // PLAYING to EOS or ERROR
  double stop_seconds = 0;  // setting it to NULL: the publisher's flush and join
};

// Runs to EOS or ERROR; `tick` is called with the seconds since PLAYING about every 50 ms.
// The counters of the element named "pub" are read after the pipeline stopped (final then).
RunResult run(const std::string& description, int timeout_s,
              const std::function<void(double)>& tick = {}) {
  RunResult r;
  GError* err = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &err);
  if (pipeline == nullptr) {
    ADD_FAILURE() << "pipeline '" << description << "': " << (err ? err->message : "?");
    g_clear_error(&err);
    return r;
  }
  GstBus* bus = gst_element_get_bus(pipeline);
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  while (elapsed() < timeout_s && !r.eos && !r.error) {
    GstMessage* msg = gst_bus_timed_pop_filtered(bus, 50 * GST_MSECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING));
    if (msg != nullptr) {
      if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) r.eos = true;
      else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) r.error = deltacnn_test::to_bus_error(msg);
      else r.warnings.push_back(deltacnn_test::to_bus_error(msg));
      gst_message_unref(msg);
    }
    if (tick) tick(elapsed());
  }
  r.seconds = elapsed();
  gst_element_set_state(pipeline, GST_STATE_NULL);
  r.stop_seconds = elapsed() - r.seconds;
  if (GstElement* pub = gst_bin_get_by_name(GST_BIN(pipeline), "pub")) {
    guint64 dropped = 0, published = 0;
    g_object_get(pub, "dropped", &dropped, "published", &published, nullptr);
    r.dropped = dropped;
    r.published = published;
    gst_object_unref(pub);
  }
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  return r;
}

// vtest through deltacnn (Lightning, an update on every frame: many events) into deltacnnjson
// (write=events) and deltacnnpublish named "pub". `sync`: at the video's speed (10 fps), so
// that a test can act at a known point of the stream.
std::string pipeline(int frames, bool sync, const std::string& events_file,
                     const std::string& publish_properties,
                     const std::string& config = deltacnn_test::config_path("movenet-lightning.yaml")) {
  return "filesrc location=" + deltacnn_test::vtest_path() +
         " ! avidemux ! avdec_msmpeg4 ! videoconvert ! video/x-raw,format=BGRx ! identity sync=" +
         (sync ? "true" : "false") + " eos-after=" + std::to_string(frames) +
         " ! deltacnn config-file-path=" + config +
         " backend=cpu camera-id=cam1 event-update-interval=0"
         " ! deltacnnjson write=events location=" + events_file +
         " ! deltacnnpublish name=pub camera-id=cam1 " + publish_properties + " ! fakesink";
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  for (const nlohmann::json& j : deltacnn_test::read_json_records(path)) lines.push_back(j.dump());
  return lines;
}

std::vector<ReceivedMessage> on_topic(const std::vector<ReceivedMessage>& all,
                                      const std::string& topic) {
  std::vector<ReceivedMessage> out;
  for (const ReceivedMessage& m : all)
    if (m.topic == topic) out.push_back(m);
  return out;
}

bool mentions(const std::vector<BusError>& warnings, const std::string& source,
              const std::string& text) {
  for (const BusError& w : warnings)
    if (w.source == source && w.message.find(text) != std::string::npos) return true;
  return false;
}

class Mqtt : public ::testing::Test {
 protected:
  void SetUp() override {
    if (deltacnn_test::mosquitto_binary().empty())
      GTEST_SKIP() << "mosquitto is not installed (Debian package 'mosquitto'; "
                      "./scripts/setup.sh installs it)";
    deltacnn_test::init_gstreamer();
    ASSERT_TRUE(deltacnn_test::require_asset(deltacnn_test::vtest_path()));
    ASSERT_TRUE(deltacnn_test::require_asset(deltacnn_test::config_path("movenet-lightning.yaml")));
    events_file_ = deltacnn_test::temp_path("mqtt-events", ".jsonl");
  }
  void TearDown() override { std::remove(events_file_.c_str()); }
  std::string events_file_;
};

TEST_F(Mqtt, PublishedEventsEqualTheEventsFile) {
  MqttBroker broker(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(broker.start()) << broker.why();
  MqttSubscriber sub(broker.port(), "deltacnn/#", "test-equal");
  ASSERT_TRUE(sub.wait_subscribed(5000));
  const RunResult r = run(pipeline(60, false, events_file_,
                                   "port=" + std::to_string(broker.port())), 600);
  ASSERT_TRUE(r.eos) << (r.error ? r.error->message : "timeout");
  sub.wait_quiet(500, 5000);

  const std::vector<std::string> file = read_lines(events_file_);
  ASSERT_GT(file.size(), 20u) << "too few events to compare";
  std::vector<std::string> received;
  for (const ReceivedMessage& m : on_topic(sub.messages(), "deltacnn/cam1/events"))
    received.push_back(nlohmann::json::parse(m.payload).dump());
  EXPECT_EQ(received, file);  // the same events, in the same order, nothing lost or added
  EXPECT_EQ(r.published, file.size());
  EXPECT_EQ(r.dropped, 0u);
  for (size_t i = 0; i < file.size(); ++i) {
    const nlohmann::json e = nlohmann::json::parse(file[i]);
    EXPECT_EQ(e["schema_version"], 3);
    EXPECT_EQ(e["run_id"], nlohmann::json::parse(file[0])["run_id"]);  // one run
    EXPECT_EQ(e["run_id"].get<std::string>().size(), 36u);            // a UUID
    EXPECT_EQ(e["seq"], i);
    EXPECT_EQ(e["camera_id"], "cam1");
  }
  const std::vector<ReceivedMessage> status = on_topic(sub.messages(), "deltacnn/cam1/status");
  ASSERT_GE(status.size(), 2u);
  EXPECT_EQ(status.front().payload, "online");
  EXPECT_EQ(status.back().payload, "offline");  // clean stop; retained for later subscribers
  MqttSubscriber late(broker.port(), "deltacnn/cam1/status", "test-late");
  ASSERT_TRUE(late.wait_subscribed(5000));
  late.wait_quiet(300, 3000);
  ASSERT_EQ(late.messages().size(), 1u);
  EXPECT_TRUE(late.messages()[0].retained);
  EXPECT_EQ(late.messages()[0].payload, "offline");
}

// Zone events travel like the others: the broker gets what the file has, zones included. A zone
// over the whole frame holds every track from its birth: the `start` names it, and no
// `zone_enter` follows for it (docs/events.md).
// The status says whether the stream runs, not only whether the broker is connected: an element
// whose source sends nothing (a camera that is tried and never answers) connects, never says
// "online", and its clean stop leaves "offline".
TEST_F(Mqtt, StatusStaysOfflineWhileNoFrameFlows) {
  MqttBroker broker(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(broker.start()) << broker.why();
  MqttSubscriber sub(broker.port(), "deltacnn/#", "test-idle");
  ASSERT_TRUE(sub.wait_subscribed(5000));
  const RunResult r = run("udpsrc port=" + std::to_string(deltacnn_test::free_tcp_port()) +
                              " caps=application/x-rtp ! deltacnnpublish name=pub camera-id=idle port=" +
                              std::to_string(broker.port()) + " ! fakesink",
                          2);
  EXPECT_FALSE(r.error.has_value()) << r.error->message;
  sub.wait_quiet(300, 3000);
  std::vector<std::string> status;
  for (const ReceivedMessage& m : on_topic(sub.messages(), "deltacnn/idle/status")) status.push_back(m.payload);
  EXPECT_EQ(status, std::vector<std::string>{"offline"}) << "connected, then a clean stop, no frame between";
}

TEST_F(Mqtt, ZoneEventsArriveLikeTheOthers) {
  const std::string config = deltacnn_test::config_with(
      "movenet-lightning.yaml",
      "zones:\n  - {name: all, units: normalized, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], inertia: 2}\n");
  ASSERT_FALSE(config.empty());
  MqttBroker broker(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(broker.start()) << broker.why();
  MqttSubscriber sub(broker.port(), "deltacnn/#", "test-zones");
  ASSERT_TRUE(sub.wait_subscribed(5000));
  const RunResult r = run(pipeline(20, false, events_file_, "port=" + std::to_string(broker.port()), config), 300);
  std::remove(config.c_str());
  ASSERT_TRUE(r.eos) << (r.error ? r.error->message : "timeout");
  sub.wait_quiet(500, 5000);
  const std::vector<std::string> file = read_lines(events_file_);
  std::vector<std::string> received;
  for (const ReceivedMessage& m : on_topic(sub.messages(), "deltacnn/cam1/events"))
    received.push_back(nlohmann::json::parse(m.payload).dump());
  EXPECT_EQ(received, file);
  int starts = 0;
  for (const std::string& line : received) {
    const nlohmann::json e = nlohmann::json::parse(line);
    EXPECT_NE(e["event"], "zone_enter") << "born inside: no enter: " << line;
    if (e["event"] != "start") continue;
    ++starts;
    EXPECT_EQ(e["zones"], nlohmann::json::array({"all"}));
  }
  EXPECT_GE(starts, 1) << "the person on vtest starts inside the whole-frame zone";
}

TEST_F(Mqtt, BrokerKilledAndRestartedMidStream) {
  MqttBroker broker(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(broker.start()) << broker.why();
  MqttSubscriber sub(broker.port(), "deltacnn/cam1/events", "test-restart");
  ASSERT_TRUE(sub.wait_subscribed(5000));
  // 8 s of video at its own speed; the broker is down from 2 s to 4.5 s.
  std::string killed_utc, restarted_utc;
  bool restart_failed = false;
  auto now_utc = [] {
    return deltacnn_gst::iso8601_utc(std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count());
  };
  const RunResult r = run(pipeline(80, true, events_file_,
                                   "port=" + std::to_string(broker.port()) +
                                       " client-id=cam1-pub qos=1 max-queue=5 reconnect-delay-max=1 flush-timeout=5000"),
                          60, [&](double t) {
                            if (t >= 2.0 && killed_utc.empty()) {
                              broker.stop();
                              killed_utc = now_utc();
                            }
                            if (t >= 4.5 && restarted_utc.empty()) {
                              restart_failed = !broker.start();
                              restarted_utc = now_utc();
                            }
                          });
  ASSERT_FALSE(restart_failed) << broker.why();
  ASSERT_TRUE(r.eos) << (r.error ? r.error->message : "timeout");
  ASSERT_FALSE(restarted_utc.empty()) << "the pipeline ended before the broker restarted";
  sub.wait_quiet(1500, 15000);

  const std::vector<std::string> file = read_lines(events_file_);
  std::map<uint64_t, std::string> by_seq;
  size_t during_outage = 0;
  for (const std::string& line : file) {
    const nlohmann::json e = nlohmann::json::parse(line);
    by_seq[e["seq"].get<uint64_t>()] = line;
    const std::string utc = e["last_seen"]["utc"];
    during_outage += utc > killed_utc && utc < restarted_utc;
  }
  // QoS 1 is at least once: a message resent after the connection broke may arrive twice.
  std::set<uint64_t> received;
  for (const ReceivedMessage& m : sub.messages()) {
    const nlohmann::json e = nlohmann::json::parse(m.payload);
    const uint64_t seq = e["seq"];
    ASSERT_TRUE(by_seq.count(seq)) << "seq " << seq << " is not in the events file";
    EXPECT_EQ(e.dump(), by_seq[seq]) << "seq " << seq;
    received.insert(seq);
  }
  std::cout << "[ figures  ] produced " << file.size() << ", received " << received.size()
            << ", dropped " << r.dropped << ", produced while the broker was down "
            << during_outage << ", pipeline " << r.seconds << " s for 8 s of video\n";
  RecordProperty("produced", int(file.size()));
  RecordProperty("received", int(received.size()));
  RecordProperty("dropped", int(r.dropped));
  EXPECT_GT(during_outage, 10u) << "the stream did not go on while the broker was down";
  EXPECT_GT(r.dropped, 0u) << "the outage should have overflowed max-queue=5";
  EXPECT_EQ(received.size() + r.dropped, file.size());
  EXPECT_TRUE(received.count(by_seq.rbegin()->first)) << "publishing did not resume";
  // The streaming thread never waited for the network: 8 s of video took about 8 s.
  EXPECT_LT(r.seconds, 8.0 + 2.0);
  EXPECT_TRUE(mentions(r.warnings, "pub", "lost the connection"));
  // A broker restart is not two clients with one id.
  EXPECT_FALSE(mentions(r.warnings, "pub", "same client-id"));
}

TEST_F(Mqtt, UnreachableBrokerIsAWarningAndThePipelineRuns) {
  const int port = deltacnn_test::free_tcp_port();  // nothing listens there
  const RunResult r = run(pipeline(30, false, events_file_,
                                   "port=" + std::to_string(port) + " flush-timeout=300"), 600);
  EXPECT_TRUE(r.eos) << (r.error ? r.error->message : "timeout");
  EXPECT_FALSE(r.error.has_value());
  EXPECT_TRUE(mentions(r.warnings, "pub", "cannot reach the MQTT broker 127.0.0.1") ||
              mentions(r.warnings, "pub", "cannot reach the MQTT broker localhost"))
      << r.warnings.size() << " warnings";
  const size_t produced = read_lines(events_file_).size();
  EXPECT_GT(produced, 0u);
  EXPECT_EQ(r.published, 0u);
  EXPECT_EQ(r.dropped, produced);  // nothing could be sent: all counted
  // Stopping waits for flush-timeout (300 ms), not for the reconnect backoff (up to 30 s).
  EXPECT_LT(r.stop_seconds, 1.0);
}

// A broker that accepts the TCP connection and never answers (a hung broker, a wrong port that
// some other service listens on): the stop waits no longer than flush-timeout, not for the
// CONNACK wait (up to keepalive, 90 s here).
TEST_F(Mqtt, ABrokerThatNeverAnswersDoesNotHoldTheStop) {
  const int port = deltacnn_test::free_tcp_port();
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(uint16_t(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(listener, 8), 0);  // the kernel completes the handshakes; nobody answers
  const RunResult r = run(pipeline(10, false, events_file_,
                                   "port=" + std::to_string(port) + " keepalive=90 flush-timeout=300"), 600);
  close(listener);
  EXPECT_TRUE(r.eos) << (r.error ? r.error->message : "timeout");
  EXPECT_EQ(r.published, 0u);
  EXPECT_LT(r.stop_seconds, 1.5) << "the stop waited for the CONNACK";
}

// A run that published nothing and whose publisher "pub" warned with `text` (the first warning
// is shown when it did not).
void expect_nothing_published_and_told(const RunResult& r, const std::string& text) {
  EXPECT_EQ(r.published, 0u);
  EXPECT_TRUE(mentions(r.warnings, "pub", text)) << (r.warnings.empty() ? "no warning" : r.warnings[0].message);
}

// Certificates made with the openssl command: a CA and the broker's certificate it signed (for
// localhost and 127.0.0.1), another CA that signed nothing of the broker's, and a certificate
// by the first CA for another host name.
struct TestPki {
  std::string dir, ca, other_ca, key, cert, cert_for_other_host, why;
  std::string client_key, client_cert_by_other_ca;  // a client certificate no broker here trusts
  ~TestPki() {
    if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
  }
};

bool make_test_pki(TestPki* pki) {
  char tmpl[] = "/tmp/deltacnn-pki-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return false;
  pki->dir = tmpl;
  const std::string d = pki->dir + "/";
  pki->ca = d + "ca.pem";
  pki->other_ca = d + "other-ca.pem";
  pki->key = d + "broker.key";
  pki->cert = d + "broker.pem";
  pki->cert_for_other_host = d + "other-host.pem";
  pki->client_key = d + "client.key";
  pki->client_cert_by_other_ca = d + "client.pem";
  std::ofstream(d + "broker.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  std::ofstream(d + "other-host.ext") << "subjectAltName=DNS:camera-broker.example\n";
  const std::string quiet = " >/dev/null 2>&1";
  const std::vector<std::string> steps = {
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout " + d + "ca.key -out " + pki->ca,
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout " + d + "other-ca.key -out " + pki->other_ca,
      "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " + pki->key + " -out " + d + "broker.csr",
      "openssl x509 -req -days 2 -in " + d + "broker.csr -CA " + pki->ca + " -CAkey " + d + "ca.key -CAcreateserial -extfile " +
          d + "broker.ext -out " + pki->cert,
      "openssl x509 -req -days 2 -in " + d + "broker.csr -CA " + pki->ca + " -CAkey " + d + "ca.key -CAcreateserial -extfile " +
          d + "other-host.ext -out " + pki->cert_for_other_host,
      "openssl req -newkey rsa:2048 -nodes -subj /CN=camera -keyout " + pki->client_key + " -out " + d + "client.csr",
      "openssl x509 -req -days 2 -in " + d + "client.csr -CA " + pki->other_ca + " -CAkey " + d +
          "other-ca.key -CAcreateserial -out " + pki->client_cert_by_other_ca,
  };
  for (const std::string& step : steps)
    if (std::system((step + quiet).c_str()) != 0) {
      pki->why = "failed: " + step;
      return false;
    }
  return true;
}

// A TLS handshake that fails names the setting to look at (before: "A TLS error occurred.",
// which reads like a broker that is down); the right CA publishes.
TEST_F(Mqtt, TlsFailuresNameTheSettingToCheck) {
  TestPki pki;
  ASSERT_TRUE(make_test_pki(&pki)) << pki.why << " (Debian package openssl; ./scripts/setup.sh installs it)";
  MqttBroker broker(deltacnn_test::free_tcp_port());
  broker.serve_tls(pki.cert, pki.key);
  ASSERT_TRUE(broker.start()) << broker.why();
  const std::string to_broker = "host=127.0.0.1 port=" + std::to_string(broker.port()) + " flush-timeout=3000";

  const RunResult right = run(pipeline(20, false, events_file_, to_broker + " tls-ca-file=" + pki.ca), 600);
  EXPECT_TRUE(right.eos) << (right.error ? right.error->message : "timeout");
  EXPECT_GT(right.published, 0u) << "the right CA must publish: "
                                  << (right.warnings.empty() ? broker.log() : right.warnings[0].message);

  const RunResult wrong_ca = run(pipeline(10, false, events_file_, to_broker + " tls-ca-file=" + pki.other_ca), 600);
  EXPECT_TRUE(wrong_ca.eos) << (wrong_ca.error ? wrong_ca.error->message : "timeout");
  expect_nothing_published_and_told(wrong_ca, "the broker's certificate did not verify against tls-ca-file '" + pki.other_ca + "'");

  // TLS off against the TLS listener, and TLS on against a plain one: the port or tls-ca-file.
  const RunResult plain_to_tls = run(pipeline(10, false, events_file_,
      "host=127.0.0.1 port=" + std::to_string(broker.port()) + " flush-timeout=300"), 600);
  expect_nothing_published_and_told(plain_to_tls, "is the broker's TLS listener, set tls-ca-file");
  MqttBroker plain(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(plain.start()) << plain.why();
  const RunResult tls_to_plain = run(pipeline(10, false, events_file_,
      "host=127.0.0.1 port=" + std::to_string(plain.port()) + " flush-timeout=300 tls-ca-file=" + pki.ca), 600);
  expect_nothing_published_and_told(tls_to_plain, "the other end does not speak TLS");

  // A broker that requires client certificates: none given, and one it does not trust.
  MqttBroker strict(deltacnn_test::free_tcp_port());
  strict.serve_tls(pki.cert, pki.key, pki.ca);
  ASSERT_TRUE(strict.start()) << strict.why();
  const std::string to_strict = "host=127.0.0.1 port=" + std::to_string(strict.port()) + " flush-timeout=300 tls-ca-file=" + pki.ca;
  const RunResult no_client_cert = run(pipeline(10, false, events_file_, to_strict), 600);
  expect_nothing_published_and_told(no_client_cert, "expected tls-cert-file and tls-key-file");
  const RunResult untrusted_client_cert = run(pipeline(10, false, events_file_, to_strict +
      " tls-cert-file=" + pki.client_cert_by_other_ca + " tls-key-file=" + pki.client_key), 600);
  expect_nothing_published_and_told(untrusted_client_cert, "does not accept tls-cert-file '" + pki.client_cert_by_other_ca + "'");

  MqttBroker misnamed(deltacnn_test::free_tcp_port());
  misnamed.serve_tls(pki.cert_for_other_host, pki.key);
  ASSERT_TRUE(misnamed.start()) << misnamed.why();
  const RunResult wrong_host = run(pipeline(10, false, events_file_,
      "host=127.0.0.1 port=" + std::to_string(misnamed.port()) + " flush-timeout=300 tls-ca-file=" + pki.ca), 600);
  expect_nothing_published_and_told(wrong_host, "the broker's certificate is not issued to host '127.0.0.1'");
}

// Two elements given one client-id take the connection from each other at every reconnect;
// the broker says nothing (MQTT 3.1.1), so from the second quick close in a row the warning
// names the likely cause (8 s of video: several reconnects each).
TEST_F(Mqtt, TwoClientsWithOneIdAreToldWhy) {
  MqttBroker broker(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(broker.start()) << broker.why();
  const std::string to_broker = "host=127.0.0.1 port=" + std::to_string(broker.port()) +
                                " client-id=camera-7 flush-timeout=300";
  const RunResult r = run("filesrc location=" + deltacnn_test::vtest_path() +
                              " ! avidemux ! avdec_msmpeg4 ! videoconvert ! video/x-raw,format=BGRx"
                              " ! identity sync=true eos-after=80 ! deltacnn config-file-path=" +
                              deltacnn_test::config_path("movenet-lightning.yaml") +
                              " backend=cpu camera-id=cam1 event-update-interval=0 ! tee name=t"
                              " t. ! queue ! deltacnnpublish name=pub " + to_broker + " ! fakesink"
                              " t. ! queue ! deltacnnpublish name=pub2 " + to_broker + " ! fakesink",
                          600);
  EXPECT_TRUE(r.eos) << (r.error ? r.error->message : "timeout");
  const std::string hint = "another client connects with the same client-id, here 'camera-7'";
  EXPECT_TRUE(mentions(r.warnings, "pub", hint) || mentions(r.warnings, "pub2", hint))
      << (r.warnings.empty() ? "no warning" : r.warnings[0].message);
}

TEST_F(Mqtt, RefusedCredentialsAreAnErrorAndRightOnesPublish) {
  MqttBroker broker(deltacnn_test::free_tcp_port(), true, "camera", "s3cret");
  ASSERT_TRUE(broker.start()) << broker.why();
  const std::string port = "port=" + std::to_string(broker.port());
  const RunResult refused = run(pipeline(150, false, events_file_,
                                         port + " username=camera password=wrong"), 600);
  ASSERT_TRUE(refused.error.has_value()) << "no error for refused credentials";
  EXPECT_EQ(refused.error->source, "pub");
  EXPECT_EQ(refused.error->domain, GST_RESOURCE_ERROR);
  EXPECT_EQ(refused.error->code, GST_RESOURCE_ERROR_NOT_AUTHORIZED);
  EXPECT_NE(refused.error->message.find("refused"), std::string::npos) << refused.error->message;

  const RunResult ok = run(pipeline(30, false, events_file_,
                                    port + " username=camera password=s3cret"), 600);
  EXPECT_TRUE(ok.eos) << (ok.error ? ok.error->message : "timeout");
  EXPECT_EQ(ok.published, read_lines(events_file_).size());
  EXPECT_EQ(ok.dropped, 0u);
}

// The same through gst-launch-1.0, as the README runs it: the refusal arrives while the pipeline
// is still changing state to PAUSED (deltacnn loads its model then), and an ERROR posted from
// the publisher's thread at that moment left gst-launch 1.22 waiting forever. It must exit with
// an error, soon.
TEST_F(Mqtt, GstLaunchExitsWithAnErrorOnRefusedCredentials) {
  gchar* found = g_find_program_in_path("gst-launch-1.0");
  const std::string launcher = found != nullptr ? found : "";
  g_free(found);
  if (launcher.empty()) GTEST_SKIP() << "gst-launch-1.0 is not installed (Debian package gstreamer1.0-tools)";
  MqttBroker broker(deltacnn_test::free_tcp_port(), true, "camera", "s3cret");
  ASSERT_TRUE(broker.start()) << broker.why();
  const std::string description = pipeline(30, false, events_file_, "port=" + std::to_string(broker.port()) +
                                                                        " username=camera password=wrong");
  // One argument per token, as a shell passes them (gst-launch escapes spaces inside arguments).
  std::vector<std::string> argv{launcher};
  for (size_t at = 0; at < description.size();) {
    const size_t end = std::min(description.find(' ', at), description.size());
    if (end > at) argv.push_back(description.substr(at, end - at));
    at = end + 1;
  }
  const auto r = deltacnn_test::run_process(argv, 60);
  EXPECT_FALSE(r.timed_out) << "gst-launch-1.0 still running after 60 s:\n" << r.out << r.err;
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("refused the connection"), std::string::npos) << r.out << r.err;
}

TEST_F(Mqtt, BadSettingsFailAtStartNamingTheProperty) {
  const RunResult tls = run(pipeline(5, false, events_file_, "tls-ca-file=/nonexistent/ca.pem"), 60);
  ASSERT_TRUE(tls.error.has_value());
  EXPECT_NE(tls.error->message.find("tls-ca-file"), std::string::npos) << tls.error->message;
  const RunResult topic = run(pipeline(5, false, events_file_, "topic=deltacnn/+/events"), 60);
  ASSERT_TRUE(topic.error.has_value());
  EXPECT_NE(topic.error->message.find("property topic"), std::string::npos) << topic.error->message;
}

}  // namespace

// examples/deltacnn-cameras with --mqtt-host: each camera's bin publishes its own events under
// its camera id, and what the broker got per camera equals that camera's events file.
TEST_F(Mqtt, CamerasProgramPublishesEachCamerasEvents) {
  const std::string dir = deltacnn_test::temp_path("mqtt-cameras", "");
  const std::string clip = dir + "/clip.avi";
  ASSERT_EQ(std::system(("mkdir -p '" + dir + "' && gst-launch-1.0 -q filesrc location='" +
                         deltacnn_test::vtest_path() +
                         "' ! decodebin ! videoconvert ! identity eos-after=60 ! jpegenc ! "
                         "avimux ! filesink location='" + clip + "'")
                            .c_str()),
            0);
  MqttBroker broker(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(broker.start()) << broker.why();
  MqttSubscriber sub(broker.port(), "deltacnn/#", "test-cameras");
  ASSERT_TRUE(sub.wait_subscribed(5000));
  const deltacnn_test::ProcessResult r = deltacnn_test::run_process(
      deltacnn_test::with_plugin(
          DELTACNN_PLUGIN_DIR, CAMERAS_REGISTRY, DELTACNN_CAMERAS,
          {"--config", deltacnn_test::config_path("movenet-lightning.yaml"), "--backend", "cpu",
           "--write", "events", "--mqtt-host", "127.0.0.1", "--mqtt-port",
           std::to_string(broker.port()), "--output-dir", dir, clip, clip}),
      300);
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  sub.wait_quiet(500, 5000);
  // One client id per camera: with the element's default (process + element name, "publish" in
  // every camera's bin) the broker threw each camera's connection out for the other's.
  EXPECT_EQ(broker.log().find("already connected"), std::string::npos) << broker.log();
  EXPECT_EQ(r.err.find("lost the connection"), std::string::npos) << r.err;
  for (const std::string camera : {"camera1", "camera2"}) {
    const std::vector<std::string> file = read_lines(dir + "/" + camera + ".jsonl");
    ASSERT_GT(file.size(), 5u) << camera << ": too few events to compare";
    std::vector<std::string> received;
    for (const ReceivedMessage& m : on_topic(sub.messages(), "deltacnn/" + camera + "/events"))
      received.push_back(nlohmann::json::parse(m.payload).dump());
    EXPECT_EQ(received, file) << camera;
    EXPECT_EQ(nlohmann::json::parse(file[0])["camera_id"], camera);
    const std::vector<ReceivedMessage> status =
        on_topic(sub.messages(), "deltacnn/" + camera + "/status");
    ASSERT_GE(status.size(), 2u) << camera;
    EXPECT_EQ(status.front().payload, "online");
    EXPECT_EQ(status.back().payload, "offline");
  }
  std::system(("rm -rf '" + dir + "'").c_str());
}

// A camera that cannot be reached is not "online": deltacnn-cameras tries it again and again,
// and its bin's deltacnnpublish says "online" only once frames flow. Before, every try of an
// unreachable camera published "online" for the moment its bin ran.
TEST_F(Mqtt, CamerasProgramKeepsAnUnreachableCameraOffline) {
  const std::string dir = deltacnn_test::temp_path("mqtt-unreachable", "");
  MqttBroker broker(deltacnn_test::free_tcp_port());
  ASSERT_TRUE(broker.start()) << broker.why();
  MqttSubscriber sub(broker.port(), "deltacnn/#", "test-unreachable");
  ASSERT_TRUE(sub.wait_subscribed(5000));
  const int closed_port = deltacnn_test::free_tcp_port();
  deltacnn_test::BackgroundProcess program(
      deltacnn_test::with_plugin(
          DELTACNN_PLUGIN_DIR, CAMERAS_REGISTRY, DELTACNN_CAMERAS,
          {"--config", deltacnn_test::config_path("movenet-lightning.yaml"), "--backend", "cpu",
           "--reconnect-delay", "1", "--mqtt-host", "127.0.0.1", "--mqtt-port",
           std::to_string(broker.port()), "--output-dir", dir,
           "rtsp://127.0.0.1:" + std::to_string(closed_port) + "/test"}),
      dir + ".log");
  // Several tries, a second apart (each fails at once on the closed port).
  std::this_thread::sleep_for(std::chrono::seconds(5));
  ASSERT_TRUE(program.running());
  program.signal(SIGINT);
  EXPECT_EQ(program.wait_exit(30), 130);
  sub.wait_quiet(500, 3000);
  int statuses = 0;
  for (const ReceivedMessage& m : on_topic(sub.messages(), "deltacnn/camera1/status")) {
    EXPECT_EQ(m.payload, "offline") << "an unreachable camera was announced online";
    ++statuses;
  }
  EXPECT_GE(statuses, 2) << "the tries' publishers connected and stopped cleanly";
  std::ifstream log(dir + ".log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("camera1"), std::string::npos) << "no try was logged:\n" << text;
  std::system(("rm -rf '" + dir + "' '" + dir + ".log'").c_str());
}
