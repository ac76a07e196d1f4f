// The engine's graph IR: what the ONNX importer produces, the passes rewrite, and the executor
// plans. It is deliberately small: every node is one of the ops the delta semantics in
// ../shared/DESIGN.md define, with ONNX's NCHW shapes already translated to NHWC.
//
// Conventions
// - Every value ("tensor") is a feature map of one stream: Shape {h, w, c}, N = 1.
//   Global results (GlobalAveragePool, ReduceMean over H,W) are 1x1xC maps.
// - Nodes are stored in topological order (the importer and every pass keep it that way).
// - Weights keep ONNX's layout (documented per param struct); ops re-lay them out once at
//   model load for their kernels.
// - Node names are the ONNX node names (or "<op>_<index>" where ONNX has none); per-layer delta
//   thresholds in the YAML refer to them.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "engine/core/shape.h"

namespace dcnn::ir {

enum class ActKind {
  None,
  Relu,
  Clip,         // min = alpha, max = beta (ReLU6 is Clip(0, 6))
  LeakyRelu,    // slope = alpha
  Sigmoid,
  HardSigmoid,  // max(0, min(1, alpha * x + beta)); ONNX defaults alpha 0.2, beta 0.5
  HardSwish,    // x * max(0, min(1, x / 6 + 0.5))
};

struct Activation {
  ActKind kind = ActKind::None;
  float alpha = 0.f;
  float beta = 0.f;
  bool is_none() const { return kind == ActKind::None; }
};

// Conv / depthwise / grouped. weights: ONNX OIHW = [cout][cin/groups][kh][kw]; bias: [cout]
// (zeros when the ONNX node has none). Pads are explicit (auto_pad resolved at import).
struct ConvParams {
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int groups = 1;
  int cin = 0, cout = 0;
  std::vector<float> weights;
  std::vector<float> bias;
  Activation act;  // fused by the activation-fusion pass; None straight after import
};

// ConvTranspose. weights: ONNX layout [cin][cout/groups][kh][kw]; bias [cout].
// Output size = (in - 1) * stride - pad_begin - pad_end + dil * (k - 1) + 1 + output_padding.
struct ConvTransposeParams {
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int out_pad_h = 0, out_pad_w = 0;
  int groups = 1;
  int cin = 0, cout = 0;
  std::vector<float> weights;
  std::vector<float> bias;
  Activation act;
};

// Standalone nonlinear activation (one not fused into a conv).
struct ActivationParams {
  Activation act;
};

// y = scale[c] * x + shift[c]: BatchNormalization that could not be folded, and every
// tensor-constant Add/Sub/Mul/Div with a scalar or per-channel constant. Linear on deltas
// (the shift cancels), so it is stateless in delta mode.
struct AffineParams {
  std::vector<float> scale;  // [c]
  std::vector<float> shift;  // [c]
  Activation act;
};

// y = coef_a * a + coef_b * b (Add: 1, 1; Sub: 1, -1). Same shapes, or b broadcast from 1x1xC.
// Linear: values add, masks union.
struct AddParams {
  float coef_a = 1.f;
  float coef_b = 1.f;
  Activation act;
};

// y = a * b or a / b, tensor by tensor. Nonlinear in its inputs: runs on accumulated values,
// out = f(acc_a, acc_b) - prev_out. Broadcasting: equal shapes, or one side 1x1xC
// (squeeze-excite gate), or one side HxWx1.
enum class BinaryKind { Mul, Div };
struct BinaryParams {
  BinaryKind kind = BinaryKind::Mul;
};

// Channel concatenation of all inputs, in order.
// A fused activation (a ReLU after the concat: CenterNet's head) is applied to the whole output.
struct ConcatParams {
  Activation act;
};

enum class PoolKind { Max, Average };
struct PoolParams {
  PoolKind kind = PoolKind::Max;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;  // AveragePool only
};

// GlobalAveragePool and ReduceMean over (H, W) with keepdims: output 1x1xC.
struct GlobalPoolParams {};

enum class ResizeMode { Nearest, Linear };
enum class CoordMode { HalfPixel, Asymmetric, AlignCorners, PytorchHalfPixel };
enum class NearestRound { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };
struct ResizeParams {
  ResizeMode mode = ResizeMode::Nearest;
  CoordMode coord = CoordMode::HalfPixel;
  NearestRound nearest = NearestRound::RoundPreferFloor;
  int out_h = 0, out_w = 0;      // resolved at shape inference
  float scale_h = 0.f, scale_w = 0.f;  // > 0 when the ONNX node gives scales; else sizes rule
};

enum class OpKind {
  Conv,
  ConvTranspose,
  Activation,
  Affine,
  Add,
  Binary,
  Concat,
  Pool,
  GlobalPool,
  Resize,
};

using NodeParams = std::variant<ConvParams, ConvTransposeParams, ActivationParams, AffineParams,
                                AddParams, BinaryParams, ConcatParams, PoolParams,
                                GlobalPoolParams, ResizeParams>;

struct Tensor {
  std::string name;  // ONNX value name
  Shape shape;       // NHWC, filled by shape inference
};

struct Node {
  std::string name;        // ONNX node name, used for per-layer thresholds and errors
  std::string onnx_op;     // the ONNX op type it came from (for messages and stats)
  OpKind kind;
  std::vector<int> inputs;  // tensor ids
  int output = -1;          // tensor id
  NodeParams params;

  template <typename P> P& as() { return std::get<P>(params); }
  template <typename P> const P& as() const { return std::get<P>(params); }
};

// Pre-processing the model itself performs on its input (e.g. MoveNet's x/127.5 - 1 is in the
// graph). Importers may fold leading Affine nodes here; the executor applies it in pre-processing.
struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // topological order
  int input = -1;           // the image input tensor id (HxWx3, RGB or as configured)
  std::vector<int> outputs; // head tensor ids, in ONNX graph-output order
  std::string source;       // file it was imported from (for error messages)
  // The input H and W the file declares (0 when dynamic): for single-size models the size they
  // were trained and exported at, whatever size the import ran at (ImportOptions).
  int exported_height = 0, exported_width = 0;

  int add_tensor(const std::string& name, Shape shape = {});
  int find_tensor(const std::string& name) const;  // -1 when absent
  const Tensor& tensor(int id) const { return tensors.at(id); }
  Tensor& tensor(int id) { return tensors.at(id); }
  // Which nodes read tensor id (computed on demand; graphs are small).
  std::vector<int> consumers(int tensor_id) const;
  // Throws dcnn::Error(Internal) naming the node when the graph breaks an IR invariant
  // (order, dangling ids, shape mismatch). Passes call it in debug builds and tests.
  void validate() const;
};

const char* to_string(OpKind kind) noexcept;
const char* to_string(ActKind kind) noexcept;

}  // namespace dcnn::ir
