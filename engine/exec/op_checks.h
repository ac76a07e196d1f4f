// The checks of a node's shapes and parameters that the CPU op set (ops/) and the CUDA op set
// (cuda/ops/) share. Each throws the same dcnn::Error on either backend, same kind and same
// text, naming the node through OpNode::where(), so a model is refused the same way whichever
// backend compiles it. Checks only one backend needs (a kernel's own limits) stay in its op.
#pragma once

#include <cstddef>

#include "engine/core/shape.h"
#include "engine/exec/op_node.h"
#include "engine/ir/graph.h"
#include "kernels/common/conv_transpose_geometry.h"

namespace dcnn {

struct InputNormalization;
struct InputDeltaRule;

// Add: two inputs of the output's shape, or one of them 1x1xC (broadcast over the map). The
// kernels take the full-shape operand first, so a broadcast operand that comes first swaps
// roles, and coefficients, with the other.
struct AddOperands {
  size_t full = 0;         // which input has the output's shape
  bool broadcast = false;  // the other input is 1x1xC
  float coef_full = 1.f, coef_other = 1.f;
};
AddOperands add_operands(const OpNode& op, const ir::AddParams& params);

// Binary (Mul / Div): two inputs, each of the output's shape, 1x1xC or HxWx1.
void check_binary_inputs(const OpNode& op);

// Conv and ConvTranspose: one input (the weights are constants), and input and output channels
// equal to the params' cin and cout.
void check_conv_io(const OpNode& op, int cin, int cout);
// Conv: weights in OIHW ([cout][cin / groups][kh][kw]), bias empty or [cout].
void check_conv_weights(const OpNode& op, const ir::ConvParams& params);
// ConvTranspose: weights [cin][cout / groups][kh][kw] (ONNX), bias empty or [cout].
void check_conv_transpose_weights(const OpNode& op, const ir::ConvTransposeParams& params);
// The kernels' geometry of a ConvTranspose node: its input/output shapes and params.
kern::ConvTransposeGeometry conv_transpose_geometry(const OpNode& op, const ir::ConvTransposeParams& params);

// Concat: every input of the output's height and width, channels summing to the output's.
void check_concat_inputs(const OpNode& op);

// Resize: input and output of the same channels, a non-empty input map.
void check_resize_shapes(const OpNode& op);

// The input stage: an HxWx3 model input, non-zero normalisation std, and a valid delta rule.
void check_input_stage(const Shape& shape, const InputNormalization& norm,
                       const InputDeltaRule& rule);

}  // namespace dcnn
