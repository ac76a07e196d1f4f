// Builds synthetic NHWC head tensors for decoder tests: a background value everywhere and
// values set at chosen cells, so expected decodings can be worked out by hand.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "engine/decode/decoder.h"

namespace dcnn::test {

class SyntheticHeads {
 public:
  void add(const std::string& name, int h, int w, int c, float background) {
    names_.push_back(name);
    auto& t = tensors_[name];
    t.shape = {h, w, c};
    t.data.assign(size_t(h) * w * c, background);
  }
  float& at(const std::string& name, int y, int x, int c) {
    auto& t = tensors_.at(name);
    return t.data[(size_t(y) * t.shape.w + x) * t.shape.c + c];
  }
  std::vector<HeadView> views() const {
    std::vector<HeadView> out;
    for (const auto& n : names_) {
      const auto& t = tensors_.at(n);
      out.push_back({n, t.shape, t.data.data(), {}, {}});
    }
    return out;
  }
  std::vector<std::string> names() const { return names_; }

 private:
  struct Tensor {
    Shape shape;
    std::vector<float> data;
  };
  std::vector<std::string> names_;
  std::map<std::string, Tensor> tensors_;
};

// Inverse sigmoid, to place a chosen probability into a logit head.
inline float logit(float p) { return std::log(p / (1.f - p)); }

}  // namespace dcnn::test
