// A 64-byte aligned, zero-initialised heap array for feature maps and weights. Alignment keeps
// OpenBLAS and the vectorised loops on their fast paths; zero-init is part of the delta
// invariant (inactive pixels of a delta tensor hold 0).
//
// Large arrays are anonymous mappings: the kernel hands out zeroed pages when they are first
// touched, so a buffer costs resident memory only once it is used. A stream that has not seen
// a frame yet (a camera that is not reachable, a pipeline waiting in PAUSED) then holds none of
// its delta state, where a memset at allocation made all of it resident at start.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace dcnn {

template <typename T>
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t n) { resize(n); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  AlignedBuffer(AlignedBuffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    if (this != &o) {
      release(data_, size_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  ~AlignedBuffer() { release(data_, size_); }

  // Reallocates (and zeroes) only when the size changes.
  void resize(size_t n) {
    if (n == size_) return;
    release(data_, size_);
    data_ = nullptr;
    size_ = 0;
    if (n == 0) return;
    const size_t bytes = allocated_bytes(n);
    if (mapped(bytes)) {
      void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      data_ = static_cast<T*>(p);  // page-aligned, and zero until written
    } else {
      data_ = static_cast<T*>(std::aligned_alloc(64, bytes));
      if (!data_) throw std::bad_alloc();
      std::memset(static_cast<void*>(data_), 0, bytes);
    }
    size_ = n;
  }
  // Size n with every element 0. Zeroes only a buffer it keeps: fresh pages are zero untouched.
  void resize_zeroed(size_t n) {
    if (n == size_)
      zero();
    else
      resize(n);
  }
  void zero() {
    if (data_) std::memset(static_cast<void*>(data_), 0, size_ * sizeof(T));
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

 private:
  // From this size on, an array is mapped rather than taken from malloc's heap.
  static constexpr size_t kMapFromBytes = size_t(64) << 10;
  static constexpr size_t kPageBytes = 4096;

  static size_t allocated_bytes(size_t n) {
    const size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;
    return bytes >= kMapFromBytes ? (bytes + kPageBytes - 1) / kPageBytes * kPageBytes : bytes;
  }
  static bool mapped(size_t bytes) { return bytes >= kMapFromBytes; }
  static void release(T* data, size_t n) {
    if (!data) return;
    const size_t bytes = allocated_bytes(n);
    if (mapped(bytes))
      munmap(static_cast<void*>(data), bytes);
    else
      std::free(data);
  }

  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace dcnn
