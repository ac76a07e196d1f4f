// Tensor shape of one stream's feature map. The engine is NHWC with N = 1 per stream
// (several streams are several states over one model, not a batch dimension).
#pragma once

#include <cstdint>
#include <string>

namespace dcnn {

struct Shape {
  int h = 0;
  int w = 0;
  int c = 0;

  int64_t pixels() const { return int64_t(h) * w; }
  int64_t size() const { return pixels() * c; }
  bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const {
    return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c);
  }
};

}  // namespace dcnn
