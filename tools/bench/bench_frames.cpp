#include "tools/bench/bench_frames.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "engine/core/error.h"
#include "engine/core/image.h"
#include "engine/pre/preprocess.h"
#include "tools/common/video_file.h"

namespace dcnn::bench {
namespace {

class VideoSource : public FrameSource {
 public:
  VideoSource(const std::string& path, const InputConfig& input)
      : path_(path), input_(input), pre_(input), cap_(tools::open_video_file(path)) {}
  bool next(std::vector<float>& out) override {
    cv::Mat frame;
    if (!cap_.read(frame) || frame.empty()) return false;
    out.resize(size_t(input_.width) * input_.height * 3);
    pre_.run(tools::bgr_view(frame), out.data());
    return true;
  }
  std::string describe() const override { return path_; }
  int source_width() const override { return int(cap_.get(cv::CAP_PROP_FRAME_WIDTH)); }
  int source_height() const override { return int(cap_.get(cv::CAP_PROP_FRAME_HEIGHT)); }

 private:
  std::string path_;
  InputConfig input_;
  Preprocessor pre_;
  cv::VideoCapture cap_;
};

class SyntheticSource : public FrameSource {
 public:
  SyntheticSource(int width, int height, uint32_t seed) : w_(width), h_(height), rng_(seed) {
    background_.resize(size_t(w_) * h_ * 3);
    for (int y = 0; y < h_; ++y)
      for (int x = 0; x < w_; ++x)
        for (int c = 0; c < 3; ++c)
          background_[(size_t(y) * w_ + x) * 3 + c] =
              110.f + 60.f * std::sin(0.021f * x + 0.013f * y + 1.7f * c) +
              25.f * float(((x / 24) + (y / 24)) % 2);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    for (int i = 0; i < 4; ++i)
      squares_.push_back({u(rng_) * (w_ - 60), u(rng_) * (h_ - 120), 1.f + 2.f * u(rng_),
                          0.5f * u(rng_), 40.f + 180.f * u(rng_)});
  }
  bool next(std::vector<float>& out) override {
    out = background_;
    for (Square& s : squares_) {
      for (int y = std::max(0, int(s.y)); y < std::min(h_, int(s.y) + 120); ++y)
        for (int x = std::max(0, int(s.x)); x < std::min(w_, int(s.x) + 50); ++x)
          for (int c = 0; c < 3; ++c) out[(size_t(y) * w_ + x) * 3 + c] = s.shade + 10.f * c;
      s.x += s.vx;
      s.y += s.vy;
      if (s.x < 0 || s.x > w_ - 50) s.vx = -s.vx;
      if (s.y < 0 || s.y > h_ - 120) s.vy = -s.vy;
    }
    std::normal_distribution<float> noise(0.f, 2.f);
    for (float& v : out) v = std::clamp(v + noise(rng_), 0.f, 255.f);
    return true;
  }
  std::string describe() const override { return "synthetic"; }
  int source_width() const override { return w_; }
  int source_height() const override { return h_; }

 private:
  struct Square {
    float x, y, vx, vy, shade;
  };
  int w_, h_;
  std::mt19937 rng_;
  std::vector<float> background_;
  std::vector<Square> squares_;
};

}  // namespace

std::unique_ptr<FrameSource> open_video(const std::string& path, const InputConfig& input) {
  return std::make_unique<VideoSource>(path, input);
}

std::unique_ptr<FrameSource> make_synthetic(int width, int height, uint32_t seed) {
  return std::make_unique<SyntheticSource>(width, height, seed);
}

}  // namespace dcnn::bench
