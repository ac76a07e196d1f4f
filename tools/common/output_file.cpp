#include "tools/common/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "engine/core/error.h"
#include "tools/common/temp_paths.h"

namespace dcnn::tools {
namespace {

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The mode a new file gets (0666 less the umask), or the existing target's.
mode_t mode_for(const struct stat* existing) {
  if (existing != nullptr) return existing->st_mode & 07777;
  const mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

// The standard stream (1 or 2) that `target` is the same file as, or -1 (--csv /dev/stdout with
// stdout redirected to a file: replacing that file, or opening it again with "w", would lose what
// the tool prints there).
int standard_stream_of(const struct stat& target) {
  for (int fd = 1; fd <= 2; ++fd) {
    struct stat stream {};
    if (fstat(fd, &stream) == 0 && stream.st_dev == target.st_dev && stream.st_ino == target.st_ino) return fd;
  }
  return -1;
}

// Where a chain of symbolic links ends (the last name, which need not exist yet); the path
// itself when it is no link; "" with errno ELOOP for a loop.
std::string link_target(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat entry {};
    if (lstat(p.c_str(), &entry) != 0 || !S_ISLNK(entry.st_mode)) return p;
    std::vector<char> buffer(PATH_MAX + 1);
    const ssize_t n = readlink(p.c_str(), buffer.data(), buffer.size() - 1);
    if (n <= 0) return p;
    const std::string target(buffer.data(), size_t(n));
    p = target[0] == '/' ? target : directory_of(p) + "/" + target;
  }
  errno = ELOOP;
  return {};
}

}  // namespace

OutputFile::OutputFile(const std::string& option, const std::string& path) : option_(option), path_(path) {
  auto fail = [&](int why) {
    return Error(ErrorKind::Config, option + " " + path + ": cannot open it for writing (" + std::strerror(why) + ")");
  };
  auto write_in_place = [&] {
    f_ = std::fopen(path.c_str(), "w");
    if (f_ == nullptr) throw fail(errno);
  };
  struct stat target {};
  const bool exists = stat(path.c_str(), &target) == 0;
  // Written in place, as a plain fopen would: what is not a regular file (a FIFO, a device, a
  // pipe behind /dev/stdout), and a file with other hard links (they would keep the old text).
  // A standard stream redirected to a file is written through that stream's own descriptor, at
  // its offset.
  if (exists && (!S_ISREG(target.st_mode) || target.st_nlink > 1)) {
    write_in_place();
    return;
  }
  if (exists) {
    const int stream = standard_stream_of(target);
    if (stream >= 0) {
      std::fflush(stream == 1 ? stdout : stderr);
      const int fd = dup(stream);
      f_ = fd >= 0 ? fdopen(fd, "a") : nullptr;
      if (f_ == nullptr) throw fail(errno);
      return;
    }
  }
  // A link is written through, also one whose file does not exist yet: the file it names is
  // replaced or made, the link stays.
  path_ = link_target(path);
  if (path_.empty()) throw fail(errno);
  if (exists && access(path_.c_str(), W_OK) != 0) throw fail(errno);
  // A short temporary name: the target's own may already be near NAME_MAX.
  std::string temp = directory_of(path_) + "/.dcnn-output-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    // The tool may write the file but not make one beside it (a directory it cannot write).
    const int why = errno;
    if (exists && (why == EACCES || why == EROFS || why == EPERM)) {
      write_in_place();
      return;
    }
    throw fail(why);
  }
  remove_on_interrupt(temp);
  temp_ = temp;
  fchmod(fd, mode_for(exists ? &target : nullptr));
  f_ = fdopen(fd, "w");
  if (f_ == nullptr) {
    const int why = errno;
    ::close(fd);
    discard();
    throw fail(why);
  }
}

OutputFile::OutputFile(OutputFile&& o) noexcept
    : option_(std::move(o.option_)), path_(std::move(o.path_)), temp_(std::move(o.temp_)), f_(o.f_) {
  o.f_ = nullptr;
  o.temp_.clear();
}

OutputFile& OutputFile::operator=(OutputFile&& o) noexcept {
  if (this != &o) {
    discard();
    option_ = std::move(o.option_);
    path_ = std::move(o.path_);
    temp_ = std::move(o.temp_);
    f_ = o.f_;
    o.f_ = nullptr;
    o.temp_.clear();
  }
  return *this;
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::discard() noexcept {
  if (f_ != nullptr) std::fclose(f_);
  f_ = nullptr;
  if (!temp_.empty()) {
    unlink(temp_.c_str());
    forget_on_interrupt(temp_);
    temp_.clear();
  }
}

void OutputFile::close() {
  if (f_ == nullptr) return;
  // The first failure's reason: errno after a later call says nothing about an earlier write.
  int why = 0;
  if (std::fflush(f_) != 0) why = errno;
  const bool write_failed = std::ferror(f_) != 0;
  if (std::fclose(f_) != 0 && why == 0) why = errno;
  f_ = nullptr;
  if (write_failed && why == 0) why = EIO;
  const bool in_place = temp_.empty();
  if (why == 0 && !in_place && std::rename(temp_.c_str(), path_.c_str()) != 0) why = errno;
  if (why != 0) {
    discard();
    throw Error(ErrorKind::Config, option_ + " " + path_ + ": writing it failed (" + std::strerror(why) + "); " +
                                       (in_place ? "the file is incomplete" : "the file was left as it was"));
  }
  forget_on_interrupt(temp_);
  temp_.clear();
}

bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ea, eb;
  if (fs::exists(a, ea) && fs::exists(b, eb)) return fs::equivalent(a, b, ea);
  return fs::weakly_canonical(fs::absolute(a, ea), ea) == fs::weakly_canonical(fs::absolute(b, eb), eb);
}

}  // namespace dcnn::tools
