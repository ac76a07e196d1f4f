// GCC generic vectors of one register each (16 floats for AVX-512, 8 for AVX2, 4 for the
// baseline) and unaligned loads / stores of them, for the kernels built once per ISA
// (isa.h: gather_gemm, the depthwise convs). Loads and stores go through memcpy: as template
// arguments the typedefs lose any aligned(4) attribute (GCC drops attributes of a typedef
// there), and a cast compiled to aligned moves that faulted. The helpers are always inlined
// into the per-ISA functions; an out-of-line copy would be built for the baseline ISA and pass
// vectors in memory, which is what GCC's -Wpsabi note is about (silenced here, and in the
// including kernels for their own helpers, for that reason).
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace dcnn::cpu::simd {

typedef float V16 __attribute__((vector_size(64)));
typedef float V8 __attribute__((vector_size(32)));
typedef float V4 __attribute__((vector_size(16)));

template <typename V>
inline __attribute__((always_inline)) V load(const float* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof(V));
  return v;
}
template <typename V>
inline __attribute__((always_inline)) void store(float* p, V v) {
  __builtin_memcpy(p, &v, sizeof(V));
}
template <typename V>
constexpr int lanes() {
  return int(sizeof(V) / sizeof(float));
}

}  // namespace dcnn::cpu::simd

#pragma GCC diagnostic pop
