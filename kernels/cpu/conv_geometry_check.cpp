#include "kernels/cpu/conv_geometry_check.h"

#include <stdexcept>

namespace dcnn::cpu {

void require_geometry(bool ok, const char* what, const char* field, long long value,
                      const char* expectation) {
  if (ok) return;
  throw std::invalid_argument(std::string(what) + ": " + field + " = " + std::to_string(value) +
                              ", expected " + expectation);
}

}  // namespace dcnn::cpu
