// Graph rewrites run after import, before compilation. Each keeps the nodes in topological order
// and leaves shapes valid; run_default_passes runs them in the order that lets each see the
// patterns it expects (HardSwish is matched before its Clip is fused into the Add in front).
#pragma once

#include "engine/ir/graph.h"

namespace dcnn::ir {

// x * clip(x + 3, 0, 6) * (1/6) (also "/ 6", "(clip(...) / 6) * x", and x * HardSigmoid(x) with
// alpha 1/6, beta 0.5) -> one Activation(HardSwish). Returns the number of fusions.
int fuse_hardswish(Graph& graph);

// Conv/ConvTranspose (no activation yet) -> Affine, where the conv output feeds only the Affine:
// scale the weights and bias per output channel, drop the Affine. Returns the number folded.
int fold_affine_into_conv(Graph& graph);

// A standalone Activation whose producer is a Conv, ConvTranspose, Affine, Add or Concat without
// an activation and with no other consumer becomes that producer's fused activation.
int fuse_activations(Graph& graph);

// A scale-only Affine (no shift, no activation) whose every consumer is a Conv/ConvTranspose
// folds into those consumers' weights along their input channels (exact: zero padding stays
// zero when scaled). Returns the number of Affines removed.
int fold_scale_into_consumers(Graph& graph);

// An Affine without activation whose output only feeds another Affine merges into it (one pass
// over the tensor instead of two; the coefficients are multiplied out). Returns the number merged.
int merge_affine_chains(Graph& graph);

// The input's only reader, when it is a per-channel Affine without activation (a model's own
// normalisation, e.g. MoveNet's x / 127.5 - 1), leaves the graph: its readers read the input,
// and `taken` says y = scale * x + shift per channel for the pre-processing to apply instead
// (the executor folds it into the input's mean / std). Not run by run_default_passes: whoever
// calls it must apply `taken`. Returns whether it took one.
struct InputAffine {
  float scale[3] = {1.f, 1.f, 1.f};
  float shift[3] = {0.f, 0.f, 0.f};
};
bool take_input_affine(Graph& graph, InputAffine& taken);

// An Add whose operand is a Resize read by nothing else: the Resize moves to just before the
// Add (after the other operand's producer), so the CPU executor can fire the sum from the
// Resize. Order only. Returns the number moved.
int place_resize_before_sum(Graph& graph);

// Drops nodes whose output does not reach a graph output, and tensors no node uses.
int remove_dead_nodes(Graph& graph);

// All of the above, then shape inference and validation.
void run_default_passes(Graph& graph);

}  // namespace dcnn::ir
