#include "engine/exec/op_checks.h"

#include <string>

#include "engine/core/error.h"
#include "engine/exec/executor.h"
#include "engine/exec/ops/input_stage.h"

namespace dcnn {

AddOperands add_operands(const OpNode& op, const ir::AddParams& params) {
  if (op.inputs().size() != 2)
    throw Error(ErrorKind::Model,
                op.where() + "expected 2 inputs, got " + std::to_string(op.inputs().size()));
  const Shape& os = op.output_shape();
  const Shape& s0 = op.input_shape(0);
  const Shape& s1 = op.input_shape(1);
  auto full = [&](const Shape& s) { return s == os; };
  auto vec = [&](const Shape& s) { return s.h == 1 && s.w == 1 && s.c == os.c; };
  AddOperands r;
  if (full(s0) && (full(s1) || vec(s1))) {
    r.full = 0;
  } else if (vec(s0) && full(s1)) {
    r.full = 1;  // the broadcast operand comes first: swap roles (and coefficients)
  } else {
    throw Error(ErrorKind::Unsupported,
                op.where() + "input shapes " + s0.str() + " and " + s1.str() +
                    " are not supported for output " + os.str() +
                    "; expected equal shapes or one operand 1x1xC");
  }
  r.broadcast = !full(op.input_shape(1 - r.full));
  r.coef_full = r.full == 0 ? params.coef_a : params.coef_b;
  r.coef_other = r.full == 0 ? params.coef_b : params.coef_a;
  return r;
}

void check_binary_inputs(const OpNode& op) {
  if (op.inputs().size() != 2)
    throw Error(ErrorKind::Model,
                op.where() + "expected 2 inputs, got " + std::to_string(op.inputs().size()));
  const Shape& os = op.output_shape();
  for (size_t k = 0; k < 2; ++k) {
    const Shape& s = op.input_shape(k);
    const bool spatial_ok = (s.h == os.h && s.w == os.w) || (s.h == 1 && s.w == 1);
    const bool channel_ok = s.c == os.c || s.c == 1;
    if (!spatial_ok || !channel_ok)
      throw Error(ErrorKind::Unsupported,
                  op.where() + "input " + std::to_string(k) + " has shape " + s.str() +
                      ", which does not broadcast to the output " + os.str() +
                      "; expected the output's shape, 1x1xC or HxWx1");
  }
}

void check_conv_io(const OpNode& op, int cin, int cout) {
  if (op.inputs().size() != 1)
    throw Error(ErrorKind::Unsupported, op.where() +
                                            "expected 1 input (weights are constants), got " +
                                            std::to_string(op.inputs().size()));
  const Shape& is = op.input_shape(0);
  const Shape& os = op.output_shape();
  if (is.c != cin || os.c != cout)
    throw Error(ErrorKind::Model, op.where() + "channels do not match: input " + is.str() +
                                      ", output " + os.str() + ", params cin " +
                                      std::to_string(cin) + " cout " + std::to_string(cout));
}

void check_conv_weights(const OpNode& op, const ir::ConvParams& p) {
  const size_t expected =
      size_t(p.cout) * size_t(p.groups > 0 ? p.cin / p.groups : 0) * p.kh * p.kw;
  if (p.weights.size() != expected || (!p.bias.empty() && p.bias.size() != size_t(p.cout)))
    throw Error(ErrorKind::Model, op.where() + "weights hold " + std::to_string(p.weights.size()) +
                                      " values, expected " + std::to_string(expected) +
                                      " (OIHW); bias " + std::to_string(p.bias.size()) +
                                      ", expected " + std::to_string(p.cout));
}

void check_conv_transpose_weights(const OpNode& op, const ir::ConvTransposeParams& p) {
  const size_t expected =
      size_t(p.cin) * size_t(p.groups > 0 ? p.cout / p.groups : 0) * p.kh * p.kw;
  if (p.weights.size() != expected || (!p.bias.empty() && p.bias.size() != size_t(p.cout)))
    throw Error(ErrorKind::Model, op.where() + "weights hold " + std::to_string(p.weights.size()) +
                                      " values, expected " + std::to_string(expected) +
                                      " ([cin][cout/groups][kh][kw]); bias " +
                                      std::to_string(p.bias.size()) + ", expected " +
                                      std::to_string(p.cout));
}

kern::ConvTransposeGeometry conv_transpose_geometry(const OpNode& op, const ir::ConvTransposeParams& p) {
  const Shape& is = op.input_shape(0);
  const Shape& os = op.output_shape();
  kern::ConvTransposeGeometry g;
  g.in_h = is.h; g.in_w = is.w; g.cin = is.c;
  g.out_h = os.h; g.out_w = os.w; g.cout = os.c;
  g.kh = p.kh; g.kw = p.kw;
  g.stride_h = p.stride_h; g.stride_w = p.stride_w;
  g.dil_h = p.dil_h; g.dil_w = p.dil_w;
  g.pad_top = p.pad_top; g.pad_left = p.pad_left;
  g.groups = p.groups;
  return g;
}

void check_concat_inputs(const OpNode& op) {
  const Shape& os = op.output_shape();
  int total = 0;
  for (size_t k = 0; k < op.inputs().size(); ++k) {
    const Shape& s = op.input_shape(k);
    if (s.h != os.h || s.w != os.w)
      throw Error(ErrorKind::Unsupported, op.where() + "input " + std::to_string(k) + " is " +
                                              s.str() + " but the output is " + os.str() +
                                              "; expected the same height and width");
    total += s.c;
  }
  if (op.inputs().empty() || total != os.c)
    throw Error(ErrorKind::Model, op.where() + "input channels sum to " + std::to_string(total) +
                                      ", expected the output's " + std::to_string(os.c));
}

void check_resize_shapes(const OpNode& op) {
  const Shape& is = op.input_shape(0);
  const Shape& os = op.output_shape();
  if (is.c != os.c || is.h < 1 || is.w < 1)
    throw Error(ErrorKind::Model, op.where() + "input " + is.str() + " and output " + os.str() +
                                      " must have the same channels");
}

void check_input_stage(const Shape& shape, const InputNormalization& norm,
                       const InputDeltaRule& rule) {
  if (shape.c != 3)
    throw Error(ErrorKind::Unsupported, "model input has shape " + shape.str() +
                                            "; expected HxWx3 (an image)");
  for (int c = 0; c < 3; ++c)
    if (!(norm.std[c] != 0.f))
      throw Error(ErrorKind::Config, "input normalisation std[" + std::to_string(c) +
                                         "] is 0; expected a non-zero value");
  if (rule.dilation < 0)
    throw Error(ErrorKind::Config, "input_dilation is " + std::to_string(rule.dilation) +
                                       "; expected 0 or more pixels");
  if (rule.block < 0)
    throw Error(ErrorKind::Config, "input_block is " + std::to_string(rule.block) +
                                       "; expected 0 (off) or a tile size in pixels");
}

}  // namespace dcnn
