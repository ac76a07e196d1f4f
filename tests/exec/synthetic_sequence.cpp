#include "tests/exec/synthetic_sequence.h"

#include <algorithm>
#include <cmath>

namespace dcnn::test {

SyntheticSequence::SyntheticSequence(const SequenceOptions& options) : opt_(options), rng_(options.seed) {
  make_background(options.seed * 31u + 1u);
  std::uniform_real_distribution<float> pos(0.f, 1.f), vel(-1.5f, 1.5f), col(0.f, 255.f);
  for (int i = 0; i < opt_.patches; ++i) {
    Patch p;
    p.y = pos(rng_) * float(std::max(1, opt_.height - opt_.patch_size));
    p.x = pos(rng_) * float(std::max(1, opt_.width - opt_.patch_size));
    p.vy = vel(rng_);
    p.vx = vel(rng_);
    if (std::fabs(p.vx) < 0.5f) p.vx = p.vx < 0.f ? -0.7f : 0.7f;
    for (float& c : p.color) c = col(rng_);
    patches_.push_back(p);
  }
  frame_data_.resize(size_t(opt_.height) * opt_.width * 3);
}

void SyntheticSequence::make_background(uint32_t seed) {
  std::mt19937 r(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  // Smooth gradients plus blocky texture: edges and flat areas, like a real static scene.
  const float fy = 0.05f + 0.2f * u(r), fx = 0.05f + 0.2f * u(r), ph = 6.28f * u(r);
  const int block = 4;
  const int bh = opt_.height / block + 2, bw = opt_.width / block + 2;
  std::vector<float> blocks(size_t(bh) * bw * 3);
  for (auto& b : blocks) b = 60.f * u(r);
  background_.assign(size_t(opt_.height) * opt_.width * 3, 0.f);
  for (int y = 0; y < opt_.height; ++y)
    for (int x = 0; x < opt_.width; ++x)
      for (int c = 0; c < 3; ++c) {
        float v = 100.f + 70.f * std::sin(fy * y + fx * x + ph + 1.3f * c) +
                  blocks[(size_t(y / block) * bw + size_t(x / block)) * 3 + c];
        background_[(size_t(y) * opt_.width + x) * 3 + c] = std::clamp(v, 0.f, 255.f);
      }
}

const std::vector<float>& SyntheticSequence::next() {
  if (frame_ == opt_.scene_cut_frame) make_background(opt_.seed * 977u + 13u);
  const int shift = (opt_.shake_period > 0 && (frame_ / opt_.shake_period) % 2 == 1) ? 1 : 0;
  const int H = opt_.height, W = opt_.width;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const int sx = std::min(W - 1, x + shift);
      for (int c = 0; c < 3; ++c)
        frame_data_[(size_t(y) * W + x) * 3 + c] = background_[(size_t(y) * W + sx) * 3 + c];
    }
  for (Patch& p : patches_) {
    const int y0 = int(std::lround(p.y)), x0 = int(std::lround(p.x));
    for (int y = std::max(0, y0); y < std::min(H, y0 + opt_.patch_size); ++y)
      for (int x = std::max(0, x0); x < std::min(W, x0 + opt_.patch_size); ++x)
        for (int c = 0; c < 3; ++c)
          frame_data_[(size_t(y) * W + x) * 3 + c] =
              std::clamp(p.color[c] + 20.f * float(((x - x0) + (y - y0)) % 3), 0.f, 255.f);
    // Move and bounce off the borders.
    p.y += p.vy;
    p.x += p.vx;
    if (p.y < 0.f || p.y > float(H - opt_.patch_size)) p.vy = -p.vy;
    if (p.x < 0.f || p.x > float(W - opt_.patch_size)) p.vx = -p.vx;
  }
  if (opt_.noise_sigma > 0.f) {
    std::normal_distribution<float> n(0.f, opt_.noise_sigma);
    for (float& v : frame_data_) v = std::clamp(v + n(rng_), 0.f, 255.f);
  }
  ++frame_;
  return frame_data_;
}

}  // namespace dcnn::test
