// RAII device and pinned-host buffers for the CUDA executor. Allocation happens only at model
// compile and Executor creation (never per frame); a failed allocation is a Device error that
// says how many bytes were asked for and for what.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "engine/exec/cuda/cuda_error.h"

namespace dcnn::cuda_exec {

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept { swap(o); }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      release();
      swap(o);
    }
    return *this;
  }

  // n elements, zeroed (a fresh stream starts from a clean state). `what` names the buffer.
  void allocate(size_t n, const std::string& what) {
    release();
    if (n == 0) return;
    void* p = nullptr;
    check(cudaMalloc(&p, n * sizeof(T)), what + ": ", byte_text(n).c_str());
    ptr_ = static_cast<T*>(p);
    n_ = n;
    check(cudaMemset(ptr_, 0, n * sizeof(T)), what + ": ", "cudaMemset");
  }
  // Allocates and copies `host` (synchronous: model load only).
  void upload(const std::vector<T>& host, const std::string& what) {
    allocate(host.size(), what);
    if (!host.empty())
      check(cudaMemcpy(ptr_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice),
            what + ": ", "cudaMemcpy (upload)");
  }

  T* get() const { return ptr_; }
  size_t size() const { return n_; }
  size_t bytes() const { return n_ * sizeof(T); }

 private:
  static std::string byte_text(size_t n) {
    return "cudaMalloc of " + std::to_string(n * sizeof(T)) + " bytes";
  }
  void release() {
    if (ptr_) cudaFree(ptr_);  // a failure here is a sticky context error, reported elsewhere
    ptr_ = nullptr;
    n_ = 0;
  }
  void swap(DeviceBuffer& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(n_, o.n_);
  }
  T* ptr_ = nullptr;
  size_t n_ = 0;
};

// Page-locked host memory: asynchronous copies to and from it overlap nothing else on the
// host, and D2H copies into it are what Executor::output() returns.
template <typename T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  ~PinnedBuffer() { release(); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  PinnedBuffer(PinnedBuffer&& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(n_, o.n_);
  }

  void allocate(size_t n, const std::string& what) {
    release();
    if (n == 0) return;
    void* p = nullptr;
    check(cudaMallocHost(&p, n * sizeof(T)), what + ": ",
          ("cudaMallocHost of " + std::to_string(n * sizeof(T)) + " bytes").c_str());
    ptr_ = static_cast<T*>(p);
    n_ = n;
    for (size_t i = 0; i < n; ++i) ptr_[i] = T{};
  }
  T* get() const { return ptr_; }
  size_t size() const { return n_; }

 private:
  void release() {
    if (ptr_) cudaFreeHost(ptr_);
    ptr_ = nullptr;
    n_ = 0;
  }
  T* ptr_ = nullptr;
  size_t n_ = 0;
};

}  // namespace dcnn::cuda_exec
