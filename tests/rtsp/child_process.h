// Child processes of the RTSP tests: the stand-in camera (rtsp-test-server), which the tests
// kill for real, and the nvr-reader example, whose output they check. Every wait is bounded.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace deltacnn_test {

// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed). Another process could
// take it before the server binds; the server then exits with "cannot listen", which the
// caller reports.
int free_tcp_port();

// rtsp-test-server PORT VIDEO, started with fork/exec. The destructor SIGKILLs and reaps it.
class RtspServerProcess {
 public:
  RtspServerProcess(const std::string& server_binary, int port, const std::string& video);
  ~RtspServerProcess();
  RtspServerProcess(const RtspServerProcess&) = delete;
  RtspServerProcess& operator=(const RtspServerProcess&) = delete;

  // Waits (at most timeout_s) for the server's "READY" line. False with `error` set if the
  // server exited or said nothing in time.
  bool wait_ready(int timeout_s, std::string* error);
  // SIGKILL and reap; a no-op when already dead.
  void kill_now();
  std::string url() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
};

struct ProcessResult {
  int exit_code = -1;     // -1: killed by a signal or the timeout
  bool timed_out = false;
  std::string out, err;
};

// A program left running while a test works around it (deltacnn-cameras against cameras that
// come and go). stdout and stderr go to `log_path`. The destructor SIGKILLs and reaps it.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool running();
  void signal(int signo);
  // Waits at most timeout_s for the exit; its status, or -1 (still running: then SIGKILLed,
  // or killed by a signal).
  int wait_exit(int timeout_s);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// The argv that runs `program args...` with the deltacnn plugin from `plugin_dir` and its own
// GStreamer registry file (tests running in parallel must not share one): /usr/bin/env
// GST_PLUGIN_PATH=... GST_REGISTRY=... program args...
std::vector<std::string> with_plugin(const std::string& plugin_dir, const std::string& registry,
                                     const std::string& program,
                                     const std::vector<std::string>& args);

// Runs argv to completion, capturing stdout and stderr; SIGKILLs it after timeout_s.
ProcessResult run_process(const std::vector<std::string>& argv, int timeout_s);

}  // namespace deltacnn_test
