// Per layer of a recompute stream: whether this frame's candidates are cheaper to recompute one
// by one (the sparse form) or through one dense pass of the layer followed by the fire step at
// the candidates (Op::recompute_candidates). Both forms fire the same pixels from the same
// values up to float rounding, so the choice moves time only.
//
// A fixed break-even fraction (delta.dense_break_even) is right for no layer in particular: on
// MultiPose a recomputed candidate costs 1.3x its share of the dense layer on the wide
// high-resolution convs and 3-5x on the thin head convs (24 channels, docs/cpu-engine.md), so
// one fraction runs some layers sparse at twice the dense cost. With delta.path_choice:
// measured, each layer keeps the wall time of its dense form and its sparse time per candidate
// (moving averages over the frames that took each form) and takes the cheaper prediction; the
// fixed fraction decides until both are known. A form not taken for kRefreshFrames frames is
// tried once more when the two predictions are within kRefreshRatio, so a stale estimate (a
// cold cache, a busy host at the time) does not lock a layer into the wrong form.
#pragma once

namespace dcnn {

enum class LayerPath { Sparse, Dense };

struct LayerPathCost {
  double dense_ms = -1.0;                // moving average of the dense form (dense pass + fire step)
  double sparse_ms_per_candidate = -1.0;  // moving average of the sparse form per candidate pixel
  int frames_since_dense = 0;            // decisions since the dense form last ran
  int frames_since_sparse = 0;
};

constexpr int kRefreshFrames = 64;
constexpr double kRefreshRatio = 1.5;

// The form for `candidates` of `pixels` output pixels. break_even: the fixed rule (dense when
// candidates > break_even * pixels) while a form has no measurement yet.
LayerPath choose_layer_path(const LayerPathCost& cost, int candidates, int pixels, float break_even);

// Records the wall time of the form that ran (candidates > 0 for the sparse form).
void record_layer_path(LayerPathCost& cost, LayerPath path, double ms, int candidates);

// A dense pass of the layer outside the recompute form (a keyframe) as the first estimate of
// its dense form, when there is none yet.
void seed_dense_cost(LayerPathCost& cost, double ms);

}  // namespace dcnn
