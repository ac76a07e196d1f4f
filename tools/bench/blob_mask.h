// Synthetic delta masks for the kernel benchmarks: rectangles of 8..48 pixels a side until a
// fraction of the map is covered, the shape of a real delta mask (moving objects, dilated by the
// receptive fields).
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace dcnn::bench {

inline std::vector<uint8_t> blob_mask(int h, int w, double fraction, std::mt19937& rng) {
  std::vector<uint8_t> on(size_t(h) * size_t(w), 0);
  size_t covered = 0;
  const size_t want = std::max<size_t>(1, size_t(fraction * h * w));
  std::uniform_int_distribution<int> side(8, 48);
  while (covered < want) {
    const int bh = side(rng), bw = side(rng);
    const int y0 = std::uniform_int_distribution<int>(0, h - 1)(rng);
    const int x0 = std::uniform_int_distribution<int>(0, w - 1)(rng);
    for (int y = y0; y < std::min(h, y0 + bh) && covered < want; ++y)
      for (int x = x0; x < std::min(w, x0 + bw); ++x)
        if (!on[size_t(y) * w + x]) on[size_t(y) * w + x] = 1, ++covered;
  }
  return on;
}

// The same as an ascending pixel list.
inline std::vector<int32_t> blob_pixels(int h, int w, double fraction, std::mt19937& rng) {
  const std::vector<uint8_t> on = blob_mask(h, w, fraction, rng);
  std::vector<int32_t> list;
  for (size_t i = 0; i < on.size(); ++i)
    if (on[i]) list.push_back(int32_t(i));
  return list;
}

}  // namespace dcnn::bench
