// Where deltacnnjson writes its lines: a file it opens (or stdout), written so that the usual
// ways an output goes wrong on an NVR box are errors the element can report, not a hang or a
// dead process:
// - a FIFO with no reader fails at start (ENXIO) instead of blocking the state change, which
//   Ctrl-C could not interrupt;
// - a reader that goes away (a FIFO, a pipe from stdout) is an EPIPE error instead of SIGPIPE,
//   whose default action kills the whole process (every camera of deltacnn-cameras);
// - writes always go to the end of the file (O_APPEND, truncated first unless appending), so a
//   log rotation that truncates the file (logrotate's copytruncate) leaves no hole of NUL bytes.
#pragma once

#include <cstdio>
#include <string>

namespace deltacnn_gst {

// Opens `path` for writing lines: appended to, or truncated first. nullptr with errno set on
// failure (ENXIO: a FIFO nobody reads).
std::FILE* open_line_output(const std::string& path, bool append);

// Writes `line` and flushes it, with SIGPIPE blocked on this thread (a pending SIGPIPE this
// write caused is consumed). False with errno set when it did not all reach the file.
bool write_and_flush(std::FILE* out, const std::string& line);

}  // namespace deltacnn_gst
