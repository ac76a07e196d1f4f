#include "kernels/cpu/scratch.h"

#include <cstdlib>
#include <new>
#include <vector>

namespace dcnn::cpu {
namespace {

// Aligned to a cache line (and to the widest SIMD register) so gathered rows start aligned.
constexpr size_t kAlignment = 64;

struct ThreadScratch {
  float* data[static_cast<int>(ScratchSlot::Count)] = {};
  size_t capacity[static_cast<int>(ScratchSlot::Count)] = {};
  ~ThreadScratch() {
    for (float* p : data) std::free(p);
  }
};

thread_local ThreadScratch t_scratch;
thread_local std::vector<int32_t> t_indices;

}  // namespace

float* scratch_floats(ScratchSlot slot, size_t floats) {
  const int s = static_cast<int>(slot);
  if (floats <= t_scratch.capacity[s]) return t_scratch.data[s];
  // Grow by at least 1.5x so a slowly growing request does not reallocate every call.
  size_t want = t_scratch.capacity[s] + t_scratch.capacity[s] / 2;
  if (want < floats) want = floats;
  const size_t bytes = (want * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, bytes);
  if (!p) throw std::bad_alloc();
  std::free(t_scratch.data[s]);
  t_scratch.data[s] = static_cast<float*>(p);
  t_scratch.capacity[s] = want;
  return t_scratch.data[s];
}

int32_t* scratch_indices(size_t count) {
  if (t_indices.size() < count) t_indices.resize(count);
  return t_indices.data();
}

}  // namespace dcnn::cpu
