// Output files of the tools (--csv, --layers-csv): opened before the run, so that a path that
// cannot be written fails at once and not after minutes of measuring, and closed with the
// stream's error state checked, so that a full disk is not a silent, truncated file.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "engine/core/error.h"

namespace dcnn::tools {

class OutputFile {
 public:
  OutputFile() = default;
  // `option`: the flag that named the file, for the message. Throws Error(Config) naming the
  // option, the path and the system's reason.
  OutputFile(const std::string& option, const std::string& path) : option_(option), path_(path) {
    f_ = std::fopen(path.c_str(), "w");
    if (f_ == nullptr)
      throw Error(ErrorKind::Config, option + " " + path + ": cannot open it for writing (" +
                                         std::strerror(errno) + ")");
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  OutputFile(OutputFile&& o) noexcept : option_(std::move(o.option_)), path_(std::move(o.path_)), f_(o.f_) {
    o.f_ = nullptr;
  }
  OutputFile& operator=(OutputFile&& o) noexcept {
    if (this != &o) {
      if (f_ != nullptr) std::fclose(f_);
      option_ = std::move(o.option_);
      path_ = std::move(o.path_);
      f_ = o.f_;
      o.f_ = nullptr;
    }
    return *this;
  }
  ~OutputFile() {
    if (f_ != nullptr) std::fclose(f_);
  }
  std::FILE* get() const { return f_; }
  explicit operator bool() const { return f_ != nullptr; }
  // Flushes and closes; throws Error(Config) when anything written did not reach the file.
  void close() {
    if (f_ == nullptr) return;
    const bool failed = std::ferror(f_) != 0;
    const int closed = std::fclose(f_);
    const int why = errno;
    f_ = nullptr;
    if (failed || closed != 0)
      throw Error(ErrorKind::Config, option_ + " " + path_ + ": writing it failed (" + std::strerror(why) +
                                         "); the file is incomplete");
  }

 private:
  std::string option_, path_;
  std::FILE* f_ = nullptr;
};

}  // namespace dcnn::tools
