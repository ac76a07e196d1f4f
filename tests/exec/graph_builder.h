// Builds small ir::Graphs directly in C++ (no ONNX) with seeded random weights, computing NHWC
// shapes as the importer's shape inference would. For executor tests only.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/ir/graph.h"

namespace dcnn::test {

class GraphBuilder {
 public:
  GraphBuilder(int h, int w, uint32_t seed = 1);

  int input() const { return graph_.input; }
  Shape shape(int t) const { return graph_.tensors.at(size_t(t)).shape; }

  // Conv with random weights scaled for unit-ish variance, random bias; pads "same" for odd k.
  int conv(int in, int cout, int k, int stride = 1, int groups = 1,
           ir::Activation act = {}, int dilation = 1);
  int conv_transpose(int in, int cout, int k, int stride, int pad, ir::Activation act = {});
  int activation(int in, ir::Activation act);
  int affine(int in, ir::Activation act = {});
  int add(int a, int b, float ca = 1.f, float cb = 1.f, ir::Activation act = {});
  int binary(int a, int b, ir::BinaryKind kind);
  int concat(const std::vector<int>& ins, ir::Activation act = {});
  int pool(int in, ir::PoolKind kind, int k, int stride, int pad, bool count_include_pad = false);
  int global_pool(int in);
  int resize(int in, int out_h, int out_w, ir::ResizeMode mode, ir::CoordMode coord,
             ir::NearestRound round = ir::NearestRound::RoundPreferFloor, float scale = 0.f);

  // Marks tensors as graph outputs and returns the graph.
  ir::Graph finish(const std::vector<int>& outputs);

  static ir::Activation act(ir::ActKind kind, float alpha = 0.f, float beta = 0.f) {
    return ir::Activation{kind, alpha, beta};
  }

 private:
  int add_tensor(Shape s);
  int add_node(ir::OpKind kind, const std::string& op, std::vector<int> inputs, Shape out,
               ir::NodeParams params);
  std::vector<float> random(size_t n, float scale);

  ir::Graph graph_;
  std::mt19937 rng_;
};

}  // namespace dcnn::test
