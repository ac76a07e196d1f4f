#include "engine/core/file_check.h"

#include <filesystem>

#include "engine/core/error.h"

namespace dcnn {

namespace fs = std::filesystem;

std::string file_problem(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // follows links, as opening does
  if (path.empty() || !fs::exists(status)) return "does not exist";
  if (fs::is_directory(status)) return "is a directory, expected a file";
  if (!fs::is_regular_file(status))
    return "is not a regular file (a device, pipe or socket), expected a file";
  return "";
}

void require_regular_file(const std::string& path, const std::string& what,
                          const std::string& expected) {
  const std::string problem = file_problem(path);
  if (problem.empty()) return;
  const std::string head = what + " '" + path + "' " + problem;
  // The other problems already say "expected a file"; a missing path only needs the hint.
  const bool missing = problem == "does not exist";
  throw Error(ErrorKind::NotFound, missing ? head + "; expected " + expected
                                           : head + " (" + expected + ")");
}

}  // namespace dcnn
