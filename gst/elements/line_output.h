// Where deltacnnjson writes its lines: a file it opens (or stdout), written so that the usual
// ways an output goes wrong on an NVR box are errors the element can report, not a hang, a dead
// process or lines silently lost:
// - a FIFO with no reader fails at start (ENXIO) instead of blocking the state change, which
//   Ctrl-C could not interrupt;
// - a reader that goes away (a FIFO, a pipe from stdout) is an EPIPE error instead of SIGPIPE,
//   whose default action kills the whole process (every camera of deltacnn-cameras); a file
//   size limit is EFBIG instead of SIGXFSZ, for the same reason;
// - writes always go to the end of the file (O_APPEND, truncated first unless appending), so a
//   log rotation that truncates the file (logrotate's copytruncate) leaves no hole of NUL bytes;
// - a file that is moved or deleted while written (logrotate's default "create" mode, an
//   operator's rm) is opened again at its path, instead of the lines going on into the moved
//   file or into a deleted one where nobody can read them;
// - a write that stops part-way (a full disk, a file size limit) is cut back, so the file never
//   ends in a torn line that the next record would be glued onto.
#pragma once

#include <sys/types.h>

#include <string>

namespace deltacnn_gst {

// What a write did about the path before writing (see LineOutput::write_line).
enum class PathCheck {
  kSame,           // the path still names the open file (or the output is stdout)
  kReopened,       // the file had been moved or deleted; the path is open again
  kReopenFailed,   // it had been, and the path cannot be opened (errno in reopen_error)
};

struct LineWriteResult {
  bool written = false;  // the whole line reached the output
  int error = 0;         // errno when it did not
  PathCheck path = PathCheck::kSame;
  int reopen_error = 0;  // errno of the failed reopen
};

class LineOutput {
 public:
  LineOutput() = default;
  ~LineOutput();
  LineOutput(const LineOutput&) = delete;
  LineOutput& operator=(const LineOutput&) = delete;

  // Opens `path` ("-" = standard output) for writing lines: appended to, or truncated first.
  // False with errno set on failure (ENXIO: a FIFO nobody reads).
  bool open(const std::string& path, bool append);

  // Writes `line` (which ends in '\n') in full. A file whose path no longer names it is opened
  // again first (appending); while that fails, lines go on to the file already open. On an
  // owned regular file a write that fails part-way is cut back to where the line began.
  LineWriteResult write_line(const std::string& line);

  // Closes a file this object opened (never stdout). False with errno set on failure.
  bool close();

  bool is_open() const { return fd_ >= 0; }

 private:
  bool open_fd(int flags);
  bool path_names_open_file() const;
  PathCheck follow_path(int* reopen_error);

  int fd_ = -1;
  bool owns_fd_ = false;
  bool regular_file_ = false;
  std::string path_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

}  // namespace deltacnn_gst
