#include "tests/mqtt/mqtt_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace deltacnn_test {

namespace {

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string mosquitto_binary() {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty() && executable(dir + "/mosquitto")) return dir + "/mosquitto";
  }
  return executable("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "";
}

MqttBroker::MqttBroker(int port, bool auth, const std::string& user, const std::string& password)
    : port_(port) {
  char tmpl[] = "/tmp/deltacnn-mqtt-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  // Mosquitto started as root drops to its own user unless told otherwise: stay root so that
  // it can write the persistence into our temp dir.
  const bool root = ::geteuid() == 0;
  config_ = dir_ + "/mosquitto.conf";
  std::ofstream conf(config_);
  if (root) conf << "user root\n";
  conf << "listener " << port << " 127.0.0.1\n"
       << "persistence true\npersistence_location " << dir_ << "/\n"
       << "log_dest file " << dir_ << "/broker.log\nlog_type all\n";
  if (auth) {
    const std::string passwd = dir_ + "/passwd";
    const std::string cmd = "mosquitto_passwd -b -c '" + passwd + "' '" + user + "' '" +
                            password + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) why_ = "mosquitto_passwd failed: " + cmd;
    conf << "allow_anonymous false\npassword_file " << passwd << "\n";
  } else {
    conf << "allow_anonymous true\n";
  }
}

MqttBroker::~MqttBroker() {
  stop();
  std::system(("rm -rf '" + dir_ + "'").c_str());
}

bool MqttBroker::start() {
  if (!why_.empty()) return false;
  const std::string binary = mosquitto_binary();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execl(binary.c_str(), binary.c_str(), "-c", config_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    if (port_accepts(port_)) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      why_ = "mosquitto exited at start: " + log();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  why_ = "mosquitto did not listen on port " + std::to_string(port_) + " within 5 s";
  stop();
  return false;
}

void MqttBroker::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void MqttBroker::serve_tls(const std::string& cert_file, const std::string& key_file, const std::string& client_ca) {
  // The listener is the file's only one, so its options may come last.
  std::ofstream conf(config_, std::ios::app);
  conf << "certfile " << cert_file << "\nkeyfile " << key_file << "\n";
  if (!client_ca.empty()) conf << "cafile " << client_ca << "\nrequire_certificate true\n";
}

std::string MqttBroker::log() const {
  std::ifstream in(dir_ + "/broker.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace deltacnn_test
