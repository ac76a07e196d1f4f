// The input stage on raw pixels (0..255): which pixels changed beyond the threshold, their
// normalised deltas, and the dense normalisation for keyframes.
#pragma once

#include <cstdint>

namespace dcnn::cpu {

// mask[p] = max_c |x - ref| > threshold.
void input_change_mask(const float* x, const float* ref, int64_t pixels, int c, float threshold,
                       uint8_t* mask);

// Phase-tolerant test for a stabilised camera (docs/stabilize.md): a frame re-sampled at a new
// sub-pixel phase moves each value within the range its 3x3 neighbourhood spans, so mask[p] is
// set only when max_c of x's distance outside [min, max] of ref over the 3x3 neighbourhood
// (clamped at the border) exceeds the threshold. h x w pixels of c channels (c <= 4).
void input_change_mask_phase_tolerant(const float* x, const float* ref, int h, int w, int c,
                                      float threshold, uint8_t* mask);

// Coherent faint change: for each block x block tile, the mean of (x - ref) per channel; where
// max_c |mean| > threshold every pixel of the tile is set in mask (others are left as they are).
// (Summed per column over the tile's rows, then across its columns.)
// Codec and sensor noise is independent per pixel and averages out over a tile; the fringe of a
// slow, low-contrast object changes a whole region the same way and does not.
void input_block_change_mask(const float* x, const float* ref, int h, int w, int c, int block,
                             float threshold, uint8_t* mask);

// input_change_mask then input_block_change_mask, in one pass over x and ref (bands of `block`
// rows; the tiles' sums in the same order, so the same mask): the two passes read the frame and
// its reference twice, 21 MB a frame at 768x576 (1.05 ms on two threads; one pass: see
// docs/cpu-engine.md section 13).
void input_change_masks(const float* x, const float* ref, int h, int w, int c, float threshold, int block,
                        float block_threshold, uint8_t* mask);

// Masks (engine/zones): mask[p] = 0 wherever ignore[p] is set, after every other test (block,
// dilation), so a masked pixel never enters the active set and its reference keeps its value.
void input_clear_ignored(uint8_t* mask, const uint8_t* ignore, int64_t pixels);

// For the n listed pixels: out = (x - ref) * inv_std[c]; ref = x.
void input_delta_emit(const float* x, float* ref, const float* inv_std, float* out,
                      const int32_t* list, int n, int c);

// Recompute form: for the n listed pixels, out = (x - mean[c]) * inv_std[c] (the propagated
// input map takes the new pixel) and ref = x.
void input_emit_values(const float* x, float* ref, const float* mean, const float* inv_std, float* out,
                       const int32_t* list, int n, int c);

// Dense pass: out = (x - mean[c]) * inv_std[c]; ref = x when ref is not null.
void input_dense(const float* x, float* ref, const float* mean, const float* inv_std, float* out,
                 int64_t pixels, int c);

}  // namespace dcnn::cpu
