// Engine errors: every failure the engine reports is a dcnn::Error whose message names the
// file, YAML key, ONNX node or value at fault and says what was expected. The kind lets the
// GStreamer element pick the right GError domain without parsing strings.
#pragma once

#include <stdexcept>
#include <string>

namespace dcnn {

enum class ErrorKind {
  NotFound,     // a file (model, config, labels) does not exist or cannot be read
  Config,       // YAML: unknown key, wrong type, out-of-range value
  Model,        // ONNX: corrupt file, inconsistent shapes
  Unsupported,  // ONNX: op, attribute or shape the engine does not implement
  Input,        // bad frame: wrong size/format/stride
  Device,       // GPU absent or a CUDA/cuDNN call failed
  Memory,       // host memory: the need of a model / stream exceeds what the process may use
  Internal,     // a broken invariant: a bug in the engine
};

// Messages quote input (YAML values and keys, ONNX names, yaml-cpp's parser messages), and
// input can hold control bytes: a NUL would cut what() short, before the "; expected ..." part
// (found by tests/fuzz/fuzz_yaml_config.cpp), and a newline or escape sequence would garble a
// log line; a byte that is not UTF-8 (a Latin-1 file) would make GLib and JSON refuse the message.
// The constructor writes each such byte as \xNN, so what() is one printable line of UTF-8.
std::string printable_message(const std::string& message);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(printable_message(message)), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

const char* to_string(ErrorKind kind) noexcept;

}  // namespace dcnn
