#include "engine/core/error.h"

namespace dcnn {

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
