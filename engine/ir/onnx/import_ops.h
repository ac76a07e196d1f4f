// One translator per ONNX op family. Each reads the current node from the context, checks its
// attributes and inputs, and appends IR nodes (or constants). Errors name file, node and op.
#pragma once

#include "engine/ir/onnx/import_context.h"

namespace dcnn::ir::onnximport {

void import_conv(ImportContext& ctx);            // Conv
void import_conv_transpose(ImportContext& ctx);  // ConvTranspose
void import_activation(ImportContext& ctx);      // Relu Clip LeakyRelu Sigmoid HardSigmoid HardSwish
void import_batch_norm(ImportContext& ctx);      // BatchNormalization -> Affine
void import_elementwise(ImportContext& ctx);     // Add Sub Mul Div with a feature-map operand
void import_concat(ImportContext& ctx);          // Concat of feature maps along channels
void import_pool(ImportContext& ctx);            // MaxPool AveragePool
void import_global_pool(ImportContext& ctx);     // GlobalAveragePool, ReduceMean over H,W
void import_resize(ImportContext& ctx);          // Resize (opset 10-13+), Upsample (7-9)

// Evaluates the current node at import time when it is shape arithmetic (Shape, Gather, Slice,
// Concat, Unsqueeze, Squeeze, Reshape, Cast, Constant, ConstantOfShape, Identity, and
// Add/Sub/Mul/Div/Floor on constants). Returns false when the node is not foldable (some input
// is a feature map, or the op is not one of these): the caller translates it as a layer.
bool try_fold_constant(ImportContext& ctx);

// "Conv, ConvTranspose, ...": the list every Unsupported-op error quotes.
const char* supported_ops_list();

}  // namespace dcnn::ir::onnximport
