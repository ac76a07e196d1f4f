// One check for every path the engine and the tools are given as a file (YAML, ONNX model,
// labels file, video): a missing path, a directory and a device each get their own message, so
// that "models/" in place of "models/x.onnx" does not read as "does not exist" or "the file is
// empty" (a directory opens as an empty stream on Linux).
#pragma once

#include <string>

namespace dcnn {

// What stops `path` from being read as a file: "" when it is a regular file (or a link to one),
// else "does not exist", "is a directory, expected a file" or "is not a regular file (a device,
// pipe or socket), expected a file".
std::string file_problem(const std::string& path);

// Throws dcnn::Error(NotFound) unless `path` is a regular file. The message reads
// "<what> '<path>' <problem>; expected <expected>" for a missing path, and
// "<what> '<path>' is a directory, expected a file (<expected>)" otherwise, e.g.
// "configs/x.yaml: model.onnx: file '../models' is a directory, expected a file (...)".
void require_regular_file(const std::string& path, const std::string& what,
                          const std::string& expected);

}  // namespace dcnn
