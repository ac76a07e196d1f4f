// The recompute form (docs/cpu-engine.md) of two pointwise (1x1) convs in a row whose middle
// tensor has no stored map: the first conv's activated output is computed at the candidate
// pixels from the stored input map, the second conv runs on it while it is in cache, and the
// fire step compares with the second conv's stored map. The middle tensor's values are exact
// functions of the input map (threshold 0), as for the expanded tensors of expand_depthwise.h.
// Optionally a depthwise conv leads the pair (a separable conv followed by a 1x1: MoveNet's
// heads); its output is computed at the same pixels from its own input map and has no map
// either.
//
// Why: MoveNet's six heads are depthwise 3x3 (24 ch) -> 1x1 (24 -> 96, ReLU) -> 1x1
// (96 -> 1..34). The 96-channel maps were 63 MB of a stream's state, and their fire step (read
// new and stored values, compare, write) cost more than the two GEMMs at the candidates; the
// depthwise outputs' fire step cost 2-3x their conv.
#pragma once

#include <cstdint>

#include "kernels/common/activation.h"
#include "kernels/cpu/conv.h"

namespace dcnn::cpu {

// Whether the pair kernels take this pair: both 1x1 stride-1 unpadded ungrouped convs over the
// same map, first.cout == second.cin.
bool pointwise_pair_fits(const ConvGeometry& first, const ConvGeometry& second);

// Whether a depthwise conv can lead the pair: depthwise, its output the first conv's input.
bool leading_depthwise_fits(const ConvGeometry& depthwise, const ConvGeometry& first);

// The depthwise conv before the pair, or none (conv null): the pair's input is then x itself.
struct LeadingDepthwise {
  const PackedConv* conv = nullptr;
  kern::ActSpec act;
};

// x: the input map of the chain's first conv (the depthwise conv's when there is one); cand: n
// output pixels, ascending. Fires as conv_recompute does (fire.h) into out_map / fired and
// returns how many fired. Threads: OpenMP over candidate blocks; results do not depend on the
// count. Throws std::invalid_argument for convs that do not chain, std::out_of_range for a bad
// candidate.
int pointwise_pair_recompute(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                             const kern::ActSpec& second_act, const float* x, const int32_t* cand, int n,
                             float eps, float* out_map, uint8_t* fired, const LeadingDepthwise& lead = {});

// The chain's activated output rows at n listed pixels (any order, repeats allowed), from the
// maps: rows[i * cout ..] = act2(second(act1(first(lead(x))) + b1) + b2) at pixels[i]. The same
// float operations as pointwise_pair_recompute's values, so an output a decoder reads at a few
// cells can be computed there only (Executor::set_queried_outputs). Threads: OpenMP over blocks
// when the work is large; a few pixels run on the calling thread.
void pointwise_pair_rows(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                         const kern::ActSpec& second_act, const float* x, const int32_t* pixels, int n, float* rows,
                         const LeadingDepthwise& lead = {});

// A depthwise conv followed by one 1x1 conv (MobileNetV2's first block, which has no expand;
// the FPN's separable convs): the same with no middle conv. The depthwise output (288x384x48,
// 21 MB, in MoveNet's first block) is computed at the candidates and never stored.
bool depthwise_pointwise_fits(const ConvGeometry& depthwise, const ConvGeometry& pointwise);
// residual (may be null): a map added to the 1x1 conv's output before the fire step, which then
// compares with and writes the residual add's map (fire.h): a block's projection with its add.
int depthwise_pointwise_recompute(const PackedConv& depthwise, const kern::ActSpec& depthwise_act,
                                  const PackedConv& pointwise, const kern::ActSpec& pointwise_act, const float* x,
                                  const int32_t* cand, int n, float eps, float* out_map, uint8_t* fired,
                                  const float* residual = nullptr);

// The dense pass of the chain over the whole map, the intermediate rows only ever in cache:
// out = act2(second(act1(first(lead(x)) + b1)) + b2). Threads: OpenMP over pixel blocks.
void pointwise_pair_dense(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                          const kern::ActSpec& second_act, const float* x, float* out,
                          const LeadingDepthwise& lead = {});

}  // namespace dcnn::cpu
