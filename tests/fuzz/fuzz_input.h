// Reads a fuzz input as a sequence of little-endian fields, then the remaining bytes as a blob.
// Reads past the end give zeros, so every input (even an empty one) decodes to some case and
// libFuzzer's mutations of the header map to nearby cases. (LLVM's FuzzedDataProvider does the
// same job but ships with clang only; the corpus replay also builds with gcc.)
#pragma once

#include <cstddef>
#include <cstdint>

namespace dcnn::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return uint16_t(byte() | byte() << 8); }
  int32_t i32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(byte()) << (8 * i);
    return int32_t(v);
  }
  // What the fields did not consume.
  const uint8_t* rest() const { return data_ + pos_; }
  size_t rest_size() const { return size_ - pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace dcnn::fuzz
