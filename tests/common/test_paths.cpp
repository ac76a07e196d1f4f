#include "tests/common/test_paths.h"

#include <cstdlib>
#include <sys/stat.h>

namespace dcnn::test {

namespace {
std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : std::string(fallback);
}
}  // namespace

std::string source_root() { return env_or("DELTACNN_SOURCE_ROOT", "."); }
std::string build_root() { return env_or("DELTACNN_BUILD_ROOT", "."); }
std::string source_path(const std::string& relative) { return source_root() + "/" + relative; }

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string missing_asset_message(const std::string& path) {
  return path + " is missing: run ./scripts/setup.sh";
}

}  // namespace dcnn::test
