// The recompute form (docs/cpu-engine.md) of an inverted-residual pair, pointwise "expand" conv
// then depthwise conv, when the expanded tensor has no stored map. MobileNetV2's expanded
// tensors are 6x the block's channels and the largest maps of the network (half of a stream's
// state); here they only ever exist for a band of rows in the thread's cache. At the depthwise
// conv's candidate output pixels, the expand's activated output is computed from the stored
// block-input map at exactly the pixels their windows read, the depthwise conv runs on it, and
// the fire step compares with the depthwise conv's stored map. The expanded tensor's values
// are therefore always exact functions of the block input's propagated map (threshold 0).
#pragma once

#include <cstdint>

#include "kernels/common/activation.h"
#include "kernels/cpu/conv.h"

namespace dcnn::cpu {

// expand: 1x1, stride 1, no padding, groups 1 (is_pointwise_gemm), expand.geometry.cout ==
// depthwise.geometry.cin, same spatial size as the depthwise input. x: the expand's input map.
// cand: n depthwise output pixels, ascending. Fires as conv_recompute does (fire.h) into
// out_map / fired and returns how many fired. Threads: OpenMP over bands of output rows.
// Throws std::invalid_argument for mismatched convs, std::out_of_range for a bad candidate.
int expand_depthwise_recompute(const PackedConv& expand, const kern::ActSpec& expand_act,
                               const PackedConv& depthwise, const kern::ActSpec& depthwise_act,
                               const float* x, const int32_t* cand, int n, float eps, float* out_map,
                               uint8_t* fired);

// The whole inverted-residual block (its residual add apart): expand -> depthwise -> project,
// the project a 1x1 conv over the depthwise output. Neither inner tensor has a map: at the
// projection's candidates (the depthwise conv's, as the 1x1 conv reads one pixel) the
// depthwise rows are computed as above, activated and multiplied by the projection while in
// cache, and the fire step compares with the projection's stored map. Why: on MoveNet's
// 144x192 and 72x96 blocks 94-100 % of the depthwise conv's candidates fired anyway, so its
// fire step (the widest maps of the stream, read and written per frame) filtered nothing.
bool expand_depthwise_project_fits(const ConvGeometry& expand, const ConvGeometry& depthwise,
                                   const ConvGeometry& project);
// Whether a whole block is faster than the pair plus the projection on its own: where the
// depthwise output is at least 6 MiB, so that its stored map would come from memory in the fire
// step. On the smaller maps of the deeper blocks fewer of the depthwise candidates fire
// (57-85 % on MoveNet's 36x48 and 18x24 blocks) and the projection, 96-480 channels wide,
// then costs more at the extra pixels than the fire step it saves (MultiPose, 2-vCPU EPYC,
// alternating 120-frame runs: delta / dense 1.30-1.38x with blocks 1-5 whole, 1.29-1.31x
// with all, 1.26-1.28x with none).
bool expand_depthwise_project_pays(int64_t depthwise_output_bytes);
// residual (may be null): the block's residual map, added to the projection before the fire
// step, which then compares with and writes the residual add's map (fire.h).
int expand_depthwise_project_recompute(const PackedConv& expand, const kern::ActSpec& expand_act,
                                       const PackedConv& depthwise, const kern::ActSpec& depthwise_act,
                                       const PackedConv& project, const kern::ActSpec& project_act, const float* x,
                                       const int32_t* cand, int n, float eps, float* out_map, uint8_t* fired,
                                       const float* residual = nullptr);

class OnednnConv;

// The expand conv over `rows` whole rows of its map, bias and activation included (a oneDNN
// 1x1 conv built for that many rows): the dense pass's fast path for the expand GEMM. Rows
// at the bottom edge that do not fill a call go through sgemm.
struct ExpandRowsConv {
  const OnednnConv* conv = nullptr;
  int rows = 0;
};

// The dense pass of the pair: out = act_d(depthwise(act_e(expand(x) + b_e)) + b_d) over the whole
// map, with the expanded rows computed in groups into a per-thread buffer of about 1 MiB, so
// the expanded tensor is never written to memory. Threads: OpenMP over output rows.
void expand_depthwise_dense(const PackedConv& expand, const kern::ActSpec& expand_act,
                            const PackedConv& depthwise, const kern::ActSpec& depthwise_act, const float* x,
                            float* out, const ExpandRowsConv& fast = {});

// Whether the dense pass of a pair with this depthwise conv is faster fused than as two convs
// through oneDNN: where the expanded tensor is at least 16 MiB, so that written out it would
// come back from memory (MultiPose, 2-core EPYC: -3.2 ms at 64 MB, -0.3 and -0.9 ms at 26 MB,
// +0.2 to +1.1 ms at 2.5 to 8 MB, where oneDNN's single pass over the map is faster).
bool expand_depthwise_dense_pays(int64_t expanded_tensor_bytes);

// Whether recompute passes are faster with the pair fused than with the expanded tensor stored
// (its own op, fire step and threshold): where the expanded tensor is at least 7 MiB (MoveNet's
// blocks 1-6 at 768x576). On the smaller maps (36x48 and 18x24, blocks 7-16) the depthwise
// windows' union covers most of the map, so the fused pair computes the expand nearly
// everywhere, while a stored map is updated only at the block input's fired pixels and fits
// in cache (MultiPose vtest, alternating 120-frame runs: delta / dense 1.657 / 1.597 against
// 1.597 / 1.569 fused everywhere; a stored map with threshold 0 gains nothing: the expand's
// threshold is what thins the candidates, and it costs agreement: kpt_agree over 795 frames
// 0.9920 -> 0.9903, tracked count_agree 0.982 -> 0.979).
bool expand_depthwise_recompute_pays(int64_t expanded_tensor_bytes);

// Whether expand_depthwise_recompute and expand_depthwise_dense take this pair.
bool expand_depthwise_fits(const ConvGeometry& expand, const ConvGeometry& depthwise);

}  // namespace dcnn::cpu
