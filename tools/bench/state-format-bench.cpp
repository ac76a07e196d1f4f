// state-format-bench: what storing the delta state's maps in bf16 instead of fp32 would buy the
// fire step (read the stored row, compare, write the fired one), the step whose cost grows most
// when the stored maps are cold (docs/cpu-engine.md, section 16). One thread, blob-shaped
// candidates (tools/bench/blob_mask.h) on shapes of MultiPose's expensive units, each measured
// hot (the map just touched) and cold (a 256 MiB sweep first, as a delta frame leaves the next
// frame's maps). The bf16 row is what a bf16 state would hold: the new value rounded to
// nearest-even on write, compared after widening. Needs AVX-512 BF16; prints why not otherwise.
//
//   state-format-bench [--min-seconds S]
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/cpu/gather_gemm_bf16.h"
#include "tools/bench/blob_mask.h"
#include "tools/bench/min_seconds_option.h"

namespace {

constexpr float kEps = 0.1f;

#define DCNN_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

DCNN_BF16_TARGET inline __mmask16 lanes(int left) { return left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1); }

// The engine's fire step in its simplest form, stored row in fp32.
DCNN_BF16_TARGET int fire_fp32(const float* rows, const int32_t* pixels, int n, int c, float* stored) {
  int fired = 0;
  for (int i = 0; i < n; ++i) {
    const float* r = rows + size_t(i) * c;
    float* s = stored + size_t(pixels[i]) * c;
    __m512 most = _mm512_setzero_ps();
    for (int k = 0; k < c; k += 16) {
      const __mmask16 m = lanes(c - k);
      most = _mm512_max_ps(most, _mm512_abs_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, r + k), _mm512_maskz_loadu_ps(m, s + k))));
    }
    if (_mm512_reduce_max_ps(most) > kEps) {
      std::memcpy(s, r, sizeof(float) * size_t(c));
      ++fired;
    }
  }
  return fired;
}

// The same with the stored row in bf16: half the bytes read and written.
DCNN_BF16_TARGET int fire_bf16(const float* rows, const int32_t* pixels, int n, int c, uint16_t* stored) {
  int fired = 0;
  for (int i = 0; i < n; ++i) {
    const float* r = rows + size_t(i) * c;
    uint16_t* s = stored + size_t(pixels[i]) * c;
    __m512 most = _mm512_setzero_ps();
    for (int k = 0; k < c; k += 16) {
      const __mmask16 m = lanes(c - k);
      const __m512 old = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, s + k)), 16));
      most = _mm512_max_ps(most, _mm512_abs_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, r + k), old)));
    }
    if (_mm512_reduce_max_ps(most) > kEps) {
      // Whole 16-lane chunks unmasked: masked stores are slow on AMD Zen 4 and 5.
      int k = 0;
      for (; k + 16 <= c; k += 16)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(s + k), __m256i(_mm512_cvtneps_pbh(_mm512_loadu_ps(r + k))));
      if (k < c) {
        const __mmask16 m = lanes(c - k);
        _mm256_mask_storeu_epi16(s + k, m, __m256i(_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, r + k))));
      }
      ++fired;
    }
  }
  return fired;
}

std::vector<char> sweep_buffer(size_t(256) << 20);
void evict_caches() {
  for (size_t i = 0; i < sweep_buffer.size(); i += 64) sweep_buffer[i] = char(sweep_buffer[i] + 1);
}

// Best ns per candidate over runs of at least min_seconds in all; run r fires rows r % 2, so
// that every run fires the same half of the candidates (the two row sets differ by more than
// eps there) without restoring the map in between.
template <typename Fire>
double best_ns(const Fire& fire, int n, bool cold, double min_seconds) {
  double best = 1e30, spent = 0.0;
  for (int run = 0; run < 6 || spent < min_seconds; ++run) {
    if (cold) evict_caches();
    const auto t0 = std::chrono::steady_clock::now();
    fire(run % 2);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    spent += s;
    if (run >= 2) best = std::min(best, s * 1e9 / n);  // after both row sets have been written once
  }
  return best;
}

struct Shape {
  const char* unit;
  int h, w, c;
  double candidates;  // fraction of the map, as measured on vtest (deltacnn-bench --layers)
};

}  // namespace

int main(int argc, char** argv) {
  const double min_seconds = dcnn::tools::min_seconds_option("state-format-bench", argc, argv);
  if (!dcnn::cpu::cpu_has_bf16()) {
    std::printf("state-format-bench: this CPU has no AVX-512 BF16 (or DELTACNN_CPU_ISA holds the kernels below "
                "AVX-512): nothing to measure\n");
    return 0;
  }
  const Shape shapes[] = {{"stem Conv1_relu", 288, 384, 48, 0.15},
                          {"FPN add_2", 144, 192, 24, 0.82},
                          {"block_2_add", 144, 192, 40, 0.33},
                          {"block_12 expand", 36, 48, 864, 0.40},
                          {"block_16 project", 18, 24, 480, 0.67}};
  std::printf("fire step per candidate, one thread, blob candidates; ns (fp32 -> bf16 stored rows)\n");
  std::printf("%-18s %-14s %10s %22s %22s\n", "unit", "map", "candidates", "hot", "cold");
  for (const Shape& s : shapes) {
    std::mt19937 rng(1);
    const std::vector<int32_t> pixels = dcnn::bench::blob_pixels(s.h, s.w, s.candidates, rng);
    const int n = int(pixels.size());
    const size_t map = size_t(s.h) * s.w * s.c;
    std::vector<float> stored32(map), rows[2];
    std::vector<uint16_t> stored16(map);
    std::uniform_real_distribution<float> value(0.f, 6.f);
    for (float& v : stored32) v = value(rng);
    for (size_t i = 0; i < map; ++i) stored16[i] = uint16_t(__builtin_bit_cast(uint32_t, stored32[i]) >> 16);
    // Odd candidates alternate between two values 0.5 apart (they fire on every run), even ones
    // stay within eps of the map (they never do).
    for (int set = 0; set < 2; ++set) {
      rows[set].resize(size_t(n) * s.c);
      for (int i = 0; i < n; ++i)
        for (int k = 0; k < s.c; ++k)
          rows[set][size_t(i) * s.c + k] = stored32[size_t(pixels[i]) * s.c + k] + (i % 2 ? 0.5f * set : 0.01f);
    }
    double ns[2][2];
    for (int cold = 0; cold < 2; ++cold) {
      ns[cold][0] = best_ns([&](int set) { fire_fp32(rows[set].data(), pixels.data(), n, s.c, stored32.data()); }, n,
                            cold, min_seconds);
      ns[cold][1] = best_ns([&](int set) { fire_bf16(rows[set].data(), pixels.data(), n, s.c, stored16.data()); }, n,
                            cold, min_seconds);
    }
    char dims[32];
    std::snprintf(dims, sizeof dims, "%dx%dx%d", s.h, s.w, s.c);
    std::printf("%-18s %-14s %10.2f %7.1f -> %5.1f (%4.2fx) %7.1f -> %5.1f (%4.2fx)\n", s.unit, dims, s.candidates,
                ns[0][0], ns[0][1], ns[0][0] / ns[0][1], ns[1][0], ns[1][1], ns[1][0] / ns[1][1]);
  }
  return 0;
}
