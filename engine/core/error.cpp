#include "engine/core/error.h"

namespace dcnn {

std::string printable_message(const std::string& message) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(message.size());
  for (const char ch : message) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x20 && byte != 0x7f) {  // UTF-8 (bytes >= 0x80) stays as it is
      out += ch;
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    }
  }
  return out;
}

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::NotFound: return "not found";
    case ErrorKind::Config: return "configuration error";
    case ErrorKind::Model: return "model error";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Input: return "input error";
    case ErrorKind::Device: return "device error";
    case ErrorKind::Memory: return "out of memory";
    case ErrorKind::Internal: return "internal error";
  }
  return "error";
}

}  // namespace dcnn
