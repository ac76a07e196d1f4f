#include "tools/common/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "engine/core/error.h"
#include "tools/common/temp_paths.h"

namespace dcnn::tools {
namespace {

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_name_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The mode a new file gets (0666 less the umask), or the existing target's.
mode_t mode_for(const struct stat* existing) {
  if (existing != nullptr) return existing->st_mode & 07777;
  const mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

}  // namespace

OutputFile::OutputFile(const std::string& option, const std::string& path) : option_(option), path_(path) {
  // A link to a file is written through: the file it names is replaced, the link stays.
  std::error_code ec;
  if (std::filesystem::is_symlink(path, ec) && std::filesystem::is_regular_file(path, ec))
    path_ = std::filesystem::canonical(path, ec).string();
  if (path_.empty()) path_ = path;
  auto fail = [&](int why) {
    return Error(ErrorKind::Config, option + " " + path + ": cannot open it for writing (" + std::strerror(why) + ")");
  };
  struct stat target {};
  const bool exists = stat(path_.c_str(), &target) == 0;
  if (exists && !S_ISREG(target.st_mode)) {
    f_ = std::fopen(path_.c_str(), "w");
    if (f_ == nullptr) throw fail(errno);
    return;
  }
  if (exists && access(path_.c_str(), W_OK) != 0) throw fail(errno);
  std::string temp = directory_of(path_) + "/." + base_name_of(path_) + ".tmp-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) throw fail(errno);
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
