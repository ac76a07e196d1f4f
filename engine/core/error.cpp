#include "engine/core/error.h"

#include "engine/core/utf8.h"

namespace dcnn {

std::string printable_message(const std::string& message) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(message.size());
  for (size_t pos = 0; pos < message.size();) {
    const auto byte = static_cast<unsigned char>(message[pos]);
    // Well-formed UTF-8 stays as it is; a byte of anything else (a Latin-1 label quoted from a
    // file) is escaped like a control byte, so the message is valid UTF-8 for GLib and JSON.
    const size_t n = byte >= 0x80 ? utf8_sequence_length(message, pos) : (byte >= 0x20 && byte != 0x7f);
    if (n > 0) {
      out.append(message, pos, n);
      pos += n;
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
      ++pos;
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
