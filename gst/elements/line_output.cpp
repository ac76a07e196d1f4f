#include "gst/elements/line_output.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace deltacnn_gst {
namespace {

// SIGPIPE (a reader went away) and SIGXFSZ (a file size limit) blocked on this thread for one
// write, and the one that write raised taken back before the mask is restored: their default
// action ends the whole process, where the element needs an error it can report.
class WriteSignalsBlocked {
 public:
  WriteSignalsBlocked() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGPIPE);
    sigaddset(&signals_, SIGXFSZ);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    sigset_t pending;
    if (sigpending(&pending) == 0) {
      pipe_was_pending_ = sigismember(&pending, SIGPIPE) == 1;
      size_was_pending_ = sigismember(&pending, SIGXFSZ) == 1;
    }
  }
  ~WriteSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  WriteSignalsBlocked(const WriteSignalsBlocked&) = delete;
  WriteSignalsBlocked& operator=(const WriteSignalsBlocked&) = delete;

  // `error`: the failed write's errno. A signal pending from before is not ours to take.
  void take_raised_by(int error) {
    sigset_t raised;
    sigemptyset(&raised);
    if (error == EPIPE && !pipe_was_pending_)
      sigaddset(&raised, SIGPIPE);
    else if (error == EFBIG && !size_was_pending_)
      sigaddset(&raised, SIGXFSZ);
    else
      return;
    const timespec now{0, 0};
    sigtimedwait(&raised, nullptr, &now);
  }

 private:
  sigset_t signals_, previous_;
  bool pipe_was_pending_ = false, size_was_pending_ = false;
};

}  // namespace

LineOutput::~LineOutput() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

bool LineOutput::open(const std::string& path, bool append) {
  path_ = path;
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    owns_fd_ = false;
    regular_file_ = false;
    return true;
  }
  return open_fd(append ? 0 : O_TRUNC);
}

// Opens path_ and makes it the output; the previous descriptor is left to the caller.
bool LineOutput::open_fd(int flags) {
  // Non-blocking only for the open: a FIFO without a reader fails with ENXIO instead of
  // waiting for one. Writes block again afterwards, as a file's do.
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK | flags, 0644);
  if (fd < 0) return false;
  struct stat st;
  const int status_flags = ::fcntl(fd, F_GETFL);
  if (status_flags < 0 || ::fcntl(fd, F_SETFL, status_flags & ~O_NONBLOCK) < 0 || ::fstat(fd, &st) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return false;
  }
  fd_ = fd;
  owns_fd_ = true;
  regular_file_ = S_ISREG(st.st_mode);
  device_ = st.st_dev;
  inode_ = st.st_ino;
  return true;
}

bool LineOutput::path_names_open_file() const {
  struct stat st;
  return ::stat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_;
}

PathCheck LineOutput::follow_path(int* reopen_error) {
  // One stat a line: next to building the record it is nothing, and a rotation is followed
  // from the first line after it.
  if (path_names_open_file()) return PathCheck::kSame;
  const int previous = fd_;
  // Appending: logrotate's create mode has put a fresh file there, or another program has.
  if (!open_fd(0)) {
    *reopen_error = errno;
    return PathCheck::kReopenFailed;
  }
  ::close(previous);
  return PathCheck::kReopened;
}

LineWriteResult LineOutput::write_line(const std::string& line) {
  LineWriteResult result;
  if (owns_fd_) result.path = follow_path(&result.reopen_error);

  WriteSignalsBlocked signals;
  size_t done = 0;
  int error = 0;
  // What stdio holds for standard output (a host program's printf) goes first; its flush meets
  // a reader that went away as our write would, so it too runs with SIGPIPE blocked.
  if (!owns_fd_ && std::fflush(stdout) != 0) error = errno;
  while (error == 0 && done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      error = n < 0 ? errno : EIO;
      break;
    }
  }
  if (error == 0) {
    result.written = true;
    return result;
  }
  signals.take_raised_by(error);
  struct stat st;
  if (done > 0 && owns_fd_ && regular_file_ && ::fstat(fd_, &st) == 0 &&
      st.st_size >= static_cast<off_t>(done)) {
    // The line's start is `done` bytes before the end (O_APPEND put it there). If cutting it
    // back fails too, the write's own error is still the one to report.
    const int cut = ::ftruncate(fd_, st.st_size - static_cast<off_t>(done));
    (void) cut;
  }
  result.error = error;
  errno = error;
  return result;
}

bool LineOutput::close() {
  const bool owned = owns_fd_ && fd_ >= 0;
  const int fd = fd_;
  fd_ = -1;
  owns_fd_ = false;
  return !owned || ::close(fd) == 0;
}

}  // namespace deltacnn_gst
