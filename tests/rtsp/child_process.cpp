#include "tests/rtsp/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace deltacnn_test {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// fork + exec with stdout (and optionally stderr) on pipes; returns the pid or -1.
pid_t spawn(const std::vector<std::string>& argv, int* out_fd, int* err_fd) {
  int out_pipe[2], err_pipe[2] = {-1, -1};
  if (::pipe(out_pipe) != 0) return -1;
  if (err_fd != nullptr && ::pipe(err_pipe) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return -1;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    if (err_fd != nullptr) ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    if (err_fd != nullptr) {
      ::close(err_pipe[0]);
      ::close(err_pipe[1]);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  if (err_fd != nullptr) ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    if (err_fd != nullptr) ::close(err_pipe[0]);
    return -1;
  }
  *out_fd = out_pipe[0];
  if (err_fd != nullptr) *err_fd = err_pipe[0];
  return pid;
}

}  // namespace

int free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

RtspServerProcess::RtspServerProcess(const std::string& server_binary, int port,
                                     const std::string& video)
    : port_(port) {
  pid_ = spawn({server_binary, std::to_string(port), video}, &stdout_fd_, nullptr);
}

RtspServerProcess::~RtspServerProcess() {
  kill_now();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

bool RtspServerProcess::wait_ready(int timeout_s, std::string* error) {
  if (pid_ < 0) {
    *error = "could not start the RTSP test server";
    return false;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  std::string seen;
  while (seen.find("READY") == std::string::npos) {
    pollfd p{stdout_fd_, POLLIN, 0};
    int left = remaining_ms(deadline);
    if (left == 0 || ::poll(&p, 1, left) <= 0) {
      *error = "the RTSP test server said nothing within " + std::to_string(timeout_s) + " s";
      return false;
    }
    char chunk[256];
    ssize_t n = ::read(stdout_fd_, chunk, sizeof(chunk));
    if (n <= 0) {
      *error = "the RTSP test server exited before listening on port " +
               std::to_string(port_) + " (port taken?)";
      return false;
    }
    seen.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

void RtspServerProcess::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string RtspServerProcess::url() const {
  return "rtsp://127.0.0.1:" + std::to_string(port_) + "/test";
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::string& log_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool BackgroundProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
    return false;
  }
  return true;
}

void BackgroundProcess::signal(int signo) {
  if (pid_ > 0) ::kill(pid_, signo);
}

int BackgroundProcess::wait_exit(int timeout_s) {
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  while (running() && Clock::now() < deadline) ::usleep(50 * 1000);
  if (running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return -1;
  }
  return status_;
}

std::vector<std::string> with_plugin(const std::string& plugin_dir, const std::string& registry,
                                     const std::string& program,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env", "GST_PLUGIN_PATH=" + plugin_dir,
                                   "GST_REGISTRY=" + registry, program};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

ProcessResult run_process(const std::vector<std::string>& argv, int timeout_s) {
  ProcessResult result;
  int out_fd = -1, err_fd = -1;
  pid_t pid = spawn(argv, &out_fd, &err_fd);
  if (pid < 0) {
    result.err = "could not start " + argv[0];
    return result;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    int left = remaining_ms(deadline);
    if (left == 0 || ::poll(fds, 2, left) == 0) {
      result.timed_out = true;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char chunk[4096];
      ssize_t n = ::read(fds[i].fd, chunk, sizeof(chunk));
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(chunk, static_cast<size_t>(n));
      }
    }
  }
  for (pollfd& p : fds)
    if (p.fd >= 0) ::close(p.fd);
  if (result.timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace deltacnn_test
