#include "engine/ir/shape_inference.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "engine/core/error.h"

namespace dcnn::ir {

namespace {

[[noreturn]] void fail(const Graph& g, const Node& node, const std::string& what) {
  throw Error(ErrorKind::Model, (g.source.empty() ? std::string() : g.source + ": ") + "node '" +
                                    node.name + "' (" + node.onnx_op + "): " + what);
}

const Shape& input_shape(const Graph& g, const Node& node, size_t i) {
  if (i >= node.inputs.size()) fail(g, node, "missing input " + std::to_string(i));
  const int id = node.inputs[i];
  if (id < 0 || id >= int(g.tensors.size())) fail(g, node, "input id out of range");
  const Shape& s = g.tensors[size_t(id)].shape;
  if (s.h <= 0 || s.w <= 0 || s.c <= 0) {
    fail(g, node, "input '" + g.tensors[size_t(id)].name + "' has no shape yet (" + s.str() + ")");
  }
  return s;
}

// Output extent of a sliding window (conv / pool) along one axis.
int window_out(const Graph& g, const Node& node, const char* axis, int in, int k, int stride,
               int dil, int pad_begin, int pad_end) {
  if (stride <= 0 || dil <= 0 || k <= 0) fail(g, node, "kernel, stride and dilation must be > 0");
  const int span = dil * (k - 1) + 1;
  const int padded = in + pad_begin + pad_end;
  if (padded < span) {
    fail(g, node, std::string("the ") + axis + " window (" + std::to_string(span) +
                      ") is larger than the padded input (" + std::to_string(padded) + ")");
  }
  return (padded - span) / stride + 1;
}

Shape conv_shape(const Graph& g, const Node& node, const ConvParams& p) {
  const Shape& in = input_shape(g, node, 0);
  if (p.groups <= 0 || p.cin % p.groups != 0 || p.cout % p.groups != 0) {
    fail(g, node, "groups " + std::to_string(p.groups) + " must divide input channels " +
                      std::to_string(p.cin) + " and output channels " + std::to_string(p.cout));
  }
  if (in.c != p.cin) {
    fail(g, node, "the weights expect " + std::to_string(p.cin) + " input channels (" +
                      std::to_string(p.cin / p.groups) + " per group x " +
                      std::to_string(p.groups) + " groups) but the input has " +
                      std::to_string(in.c));
  }
  if (p.weights.size() != size_t(p.cout) * size_t(p.cin / p.groups) * size_t(p.kh) * size_t(p.kw)) {
    fail(g, node, "weight count does not match cout x cin/groups x kh x kw");
  }
  if (p.bias.size() != size_t(p.cout)) fail(g, node, "bias must have cout values");
  return Shape{window_out(g, node, "vertical", in.h, p.kh, p.stride_h, p.dil_h, p.pad_top, p.pad_bottom),
               window_out(g, node, "horizontal", in.w, p.kw, p.stride_w, p.dil_w, p.pad_left, p.pad_right),
               p.cout};
}

Shape conv_transpose_shape(const Graph& g, const Node& node, const ConvTransposeParams& p) {
  const Shape& in = input_shape(g, node, 0);
  if (p.groups <= 0 || p.cin % p.groups != 0 || p.cout % p.groups != 0) {
    fail(g, node, "groups " + std::to_string(p.groups) + " must divide input channels " +
                      std::to_string(p.cin) + " and output channels " + std::to_string(p.cout));
  }
  if (in.c != p.cin) {
    fail(g, node, "the weights expect " + std::to_string(p.cin) + " input channels but the input has " +
                      std::to_string(in.c));
  }
  if (p.weights.size() != size_t(p.cin) * size_t(p.cout / p.groups) * size_t(p.kh) * size_t(p.kw)) {
    fail(g, node, "weight count does not match cin x cout/groups x kh x kw");
  }
  if (p.bias.size() != size_t(p.cout)) fail(g, node, "bias must have cout values");
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.dil_h <= 0 || p.dil_w <= 0) {
    fail(g, node, "stride and dilation must be > 0");
  }
  // int64: a large input times a large stride must not overflow before the size check.
  const int64_t oh = int64_t(in.h - 1) * p.stride_h - p.pad_top - p.pad_bottom +
                     int64_t(p.dil_h) * (p.kh - 1) + 1 + p.out_pad_h;
  const int64_t ow = int64_t(in.w - 1) * p.stride_w - p.pad_left - p.pad_right +
                     int64_t(p.dil_w) * (p.kw - 1) + 1 + p.out_pad_w;
  if (oh <= 0 || ow <= 0) fail(g, node, "pads leave an empty output (" + std::to_string(oh) + "x" + std::to_string(ow) + ")");
  if (oh > (1 << 24) || ow > (1 << 24)) fail(g, node, "output size " + std::to_string(oh) + "x" + std::to_string(ow) + " is too large");
  return Shape{int(oh), int(ow), p.cout};
}

bool is_channel_vector(const Shape& s, int c) { return s.h == 1 && s.w == 1 && s.c == c; }
bool is_plane(const Shape& s, const Shape& full) { return s.h == full.h && s.w == full.w && s.c == 1; }

Shape resize_shape(const Graph& g, const Node& node, const ResizeParams& p) {
  const Shape& in = input_shape(g, node, 0);
  int oh = p.out_h, ow = p.out_w;
  if (p.scale_h > 0.f && p.scale_w > 0.f) {
    // ONNX: output = floor(input * scale).
    const double dh = std::floor(double(in.h) * double(p.scale_h));
    const double dw = std::floor(double(in.w) * double(p.scale_w));
    if (!(dh <= double(1 << 24)) || !(dw <= double(1 << 24))) {
      fail(g, node, "scales give an output larger than 2^24 pixels per side");
    }
    oh = int(dh);
    ow = int(dw);
  }
  if (oh <= 0 || ow <= 0) {
    fail(g, node, "output size " + std::to_string(oh) + "x" + std::to_string(ow) +
                      " from input " + in.str() + " is empty");
  }
  return Shape{oh, ow, in.c};
}

Shape compute_shape(const Graph& g, const Node& node) {
  switch (node.kind) {
    case OpKind::Conv: return conv_shape(g, node, node.as<ConvParams>());
    case OpKind::ConvTranspose: return conv_transpose_shape(g, node, node.as<ConvTransposeParams>());
    case OpKind::Activation: return input_shape(g, node, 0);
    case OpKind::Affine: {
      const Shape& in = input_shape(g, node, 0);
      const auto& p = node.as<AffineParams>();
      if (p.scale.size() != size_t(in.c) || p.shift.size() != size_t(in.c)) {
        fail(g, node, "per-channel scale/shift have " + std::to_string(p.scale.size()) + "/" +
                          std::to_string(p.shift.size()) + " values but the input has " +
                          std::to_string(in.c) + " channels");
      }
      return in;
    }
    case OpKind::Add: {
      const Shape& a = input_shape(g, node, 0);
      const Shape& b = input_shape(g, node, 1);
      if (a == b || is_channel_vector(b, a.c)) return a;
      fail(g, node, "cannot add " + a.str() + " and " + b.str() +
                        "; expected equal shapes or a 1x1xC second operand");
    }
    case OpKind::Binary: {
      const Shape& a = input_shape(g, node, 0);
      const Shape& b = input_shape(g, node, 1);
      if (a == b || is_channel_vector(b, a.c) || is_plane(b, a)) return a;
      if (is_channel_vector(a, b.c) || is_plane(a, b)) return b;
      fail(g, node, "cannot broadcast " + a.str() + " with " + b.str() +
                        "; expected equal shapes, or one side 1x1xC or HxWx1");
    }
    case OpKind::Concat: {
      Shape out = input_shape(g, node, 0);
      for (size_t i = 1; i < node.inputs.size(); ++i) {
        const Shape& s = input_shape(g, node, i);
        if (s.h != out.h || s.w != out.w) {
          fail(g, node, "inputs differ in height/width (" + out.str() + " vs " + s.str() +
                            "); channel concat needs equal HxW");
        }
        out.c += s.c;
      }
      return out;
    }
    case OpKind::Pool: {
      const Shape& in = input_shape(g, node, 0);
      const auto& p = node.as<PoolParams>();
      if (p.pad_top >= p.kh || p.pad_bottom >= p.kh || p.pad_left >= p.kw || p.pad_right >= p.kw) {
        // A window made only of padding has no defined value (max of nothing, 0/0 average).
        fail(g, node, "pads must be smaller than the kernel");
      }
      return Shape{window_out(g, node, "vertical", in.h, p.kh, p.stride_h, 1, p.pad_top, p.pad_bottom),
                   window_out(g, node, "horizontal", in.w, p.kw, p.stride_w, 1, p.pad_left, p.pad_right),
                   in.c};
    }
    case OpKind::GlobalPool: return Shape{1, 1, input_shape(g, node, 0).c};
    case OpKind::Resize: return resize_shape(g, node, node.as<ResizeParams>());
  }
  fail(g, node, "unknown op kind");
}

}  // namespace

Shape infer_node_shape(const Graph& g, const Node& node) {
  const Shape s = compute_shape(g, node);
  // A bad size attribute (Resize sizes, huge strides of ConvTranspose) must not turn into a
  // multi-gigabyte allocation at plan time: 2^28 floats (1 GiB) per feature map is plenty.
  if (s.size() > (int64_t(1) << 28)) {
    throw Error(ErrorKind::Unsupported, (g.source.empty() ? std::string() : g.source + ": ") +
                                            "node '" + node.name + "' (" + node.onnx_op +
                                            "): output " + s.str() +
                                            " is larger than 2^28 values per feature map");
  }
  return s;
}

void infer_shapes(Graph& graph) {
  if (graph.input < 0 || graph.input >= int(graph.tensors.size())) {
    throw Error(ErrorKind::Internal, "infer_shapes: graph has no input tensor");
  }
  const Shape& in = graph.tensors[size_t(graph.input)].shape;
  if (in.h <= 0 || in.w <= 0 || in.c <= 0) {
    throw Error(ErrorKind::Model, graph.source + ": the input shape " + in.str() +
                                      " is not set (give the input size)");
  }
  for (Node& node : graph.nodes) {
    const Shape s = infer_node_shape(graph, node);
    if (node.kind == OpKind::Resize) {
      auto& p = node.as<ResizeParams>();
      p.out_h = s.h;
      p.out_w = s.w;
    }
    graph.tensors.at(size_t(node.output)).shape = s;
  }
}

}  // namespace dcnn::ir
