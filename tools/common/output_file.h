// Output files of the tools (--csv, --layers-csv). Opened before the run, so that a path that
// cannot be written fails at once and not after minutes of measuring. Written under a temporary
// name beside the target and renamed over it only by close(), after the stream's error state was
// checked: a run that fails, is interrupted, or fills the disk leaves the user's earlier file as
// it was, never a truncated one. Written in place instead (as before): a target that is not a
// regular file (a FIFO, a device), a standard stream redirected to a file (/dev/stdout), a file
// with other hard links, and a file in a directory where no temporary file can be made. A link
// is written through (also a dangling one); the file's mode is kept, not its owner or ACLs.
#pragma once

#include <cstdio>
#include <string>

namespace dcnn::tools {

class OutputFile {
 public:
  OutputFile() = default;
  // `option`: the flag that named the file, for the message. Throws Error(Config) naming the
  // option, the path and the system's reason.
  OutputFile(const std::string& option, const std::string& path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  OutputFile(OutputFile&& o) noexcept;
  OutputFile& operator=(OutputFile&& o) noexcept;
  ~OutputFile();  // without close(): the temporary file is removed, the target left as it was

  std::FILE* get() const { return f_; }
  explicit operator bool() const { return f_ != nullptr; }
  // Flushes, closes and puts the file in place; throws Error(Config) when anything written did
  // not reach the file (the target is then left as it was).
  void close();

 private:
  void discard() noexcept;

  std::string option_, path_;
  std::string temp_;  // empty: writing the target in place
  std::FILE* f_ = nullptr;
};

// Whether two output paths name one file (the same path spelt differently, or two links to one
// file); paths that do not exist yet are compared by their absolute, normalised spelling.
bool same_file(const std::string& a, const std::string& b);

}  // namespace dcnn::tools
