#include "gst/elements/line_output.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace deltacnn_gst {

std::FILE* open_line_output(const std::string& path, bool append) {
  // Non-blocking only for the open: a FIFO without a reader fails with ENXIO instead of
  // waiting for one. Writes block again afterwards, as a file's do.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK | (append ? 0 : O_TRUNC),
                        0644);
  if (fd < 0) return nullptr;
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return nullptr;
  }
  std::FILE* out = ::fdopen(fd, "a");
  if (out == nullptr) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
  }
  return out;
}

bool write_and_flush(std::FILE* out, const std::string& line) {
  sigset_t pipe_only, previous, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  const bool was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
  const bool ok = std::fwrite(line.data(), 1, line.size(), out) == line.size() && std::fflush(out) == 0;
  const int saved = errno;
  if (!ok && saved == EPIPE && !was_pending) {
    // The write raised SIGPIPE for this thread; take it before the mask goes back.
    const timespec now{0, 0};
    sigtimedwait(&pipe_only, nullptr, &now);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = saved;
  return ok;
}

}  // namespace deltacnn_gst
