// Runs a loop over [0, n) on the calling thread, or on equal shares across the OpenMP threads.
// For loops in DCNN_SIMD_CLONES functions (simd_dispatch.h): an OpenMP body is outlined into a
// function of its own that does not inherit the clones, so the loop must live in a cloned
// function that the body only calls, with its range; this is that body, written once.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>

namespace dcnn::cpu {

// body(begin, end) once on this thread when !parallel, else once per thread of an OpenMP
// parallel region over consecutive shares whose bounds are multiples of `grain` (a vector's
// floats, so no share splits one) except at n.
template <typename Body>
void for_each_share(int64_t n, bool parallel, const Body& body, int64_t grain = 1) {
  if (!parallel) {
    body(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t units = (n + grain - 1) / grain;
    body(std::min(n, units * t / nt * grain), std::min(n, units * (t + 1) / nt * grain));
  }
}

}  // namespace dcnn::cpu
