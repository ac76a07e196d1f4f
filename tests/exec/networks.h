// Small networks in the shape of the shipped models' building blocks, for executor tests.
#pragma once

#include "engine/ir/graph.h"

namespace dcnn::test {

// Stem conv, MobileNetV2 inverted residual (expand 1x1 ReLU6, depthwise 3x3 ReLU6, project
// 1x1, residual add), a strided block, and a 1x1 head.
ir::Graph mobilenet_v2_block(int h, int w, uint32_t seed = 3);
// Conv features, squeeze-excite gate (global pool, 1x1 ReLU, 1x1 HardSigmoid, Mul), head.
ir::Graph squeeze_excite_block(int h, int w, uint32_t seed = 4);
// Two strided levels, nearest and bilinear upsampling added to lateral 1x1 convs, two heads.
ir::Graph fpn_upsample_add(int h, int w, uint32_t seed = 5);
// Two branches (conv, max pool + conv) concatenated, then a sigmoid head, like CenterNet heads.
ir::Graph concat_branches(int h, int w, uint32_t seed = 6);

// Two strided convs, then transposed-conv upsampling (4x4 stride 2, ReLU; then a 2x2 stride 2) added to a lateral 1x1 conv, and a sigmoid head: the decoder of CenterNet's ResNet
// variants, which upsample with ConvTranspose.
ir::Graph deconv_decoder(int h, int w, uint32_t seed = 9);

// An FPN (upsample + add) whose stride-2 map feeds a shared depthwise + pointwise layer and two
// cheap heads (1x1 ReLU, 1x1 output): the shape DenseTail is for.
ir::Graph fpn_with_heads(int h, int w, uint32_t seed = 8);
ir::Graph separable_heads(int h, int w, uint32_t seed = 12);

}  // namespace dcnn::test
