// Deterministic synthetic video for delta tests: a static textured background, moving patches,
// optional per-pixel noise, optional camera shake and a scene cut. Frames are HxWx3 floats in
// 0..255, the executor's raw input.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace dcnn::test {

struct SequenceOptions {
  int height = 32;
  int width = 32;
  int patches = 2;            // moving squares
  int patch_size = 6;         // pixels
  float noise_sigma = 0.f;    // Gaussian pixel noise per frame (0..255 units)
  int scene_cut_frame = -1;   // frame index where the background is replaced (-1: never)
  int shake_period = 0;       // every N frames the background shifts by one pixel (0: never)
  uint32_t seed = 7;
};

class SyntheticSequence {
 public:
  explicit SyntheticSequence(const SequenceOptions& options);
  // The next frame (frame 0 first); valid until the next call.
  const std::vector<float>& next();
  int frame_index() const { return frame_ - 1; }

 private:
  struct Patch {
    float y, x, vy, vx;
    float color[3];
  };
  void make_background(uint32_t seed);

  SequenceOptions opt_;
  std::mt19937 rng_;
  std::vector<float> background_;
  std::vector<Patch> patches_;
  std::vector<float> frame_data_;
  int frame_ = 0;
};

}  // namespace dcnn::test
