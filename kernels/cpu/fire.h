// The epilogue of every recompute-from-stored-maps kernel (docs/cpu-engine.md): candidate values
// computed for a list of pixels are compared with the stored (propagated) map, and a pixel
// fires when max over channels |new - stored| > eps; then, and only then, the stored map takes
// the new values. A pixel that does not fire keeps its old value, so a change below eps stays
// pending against it and fires once it adds up (no drift).
#pragma once

#include <cstdint>
#include <functional>

#include "kernels/common/activation.h"

namespace dcnn::cpu {

// rows: n rows of c values (row stride ld) computed for pixels[0..n); bias (may be null) and the
// activation are applied first, then `residual` (may be null: a map like `stored`) is added at
// the pixel: a conv that fires its residual add's output (conv + bias + residual, the add's
// map) instead of its own. Fired pixels get their row in `stored` (pixel p at p*c) and
// fired[p] = 1; others are left alone. Returns how many fired.
int fire_rows(const kern::ActSpec& act, const float* rows, int64_t ld, const int32_t* pixels, int n,
              int c, const float* bias, float eps, float* stored, uint8_t* fired,
              const float* residual = nullptr);

// The same for values computed at their own pixels of a full-size map (row i at
// values + pixels[i] * c), no bias.
int fire_at_pixels(const kern::ActSpec& act, const float* values, const int32_t* pixels, int n, int c,
                   float eps, float* stored, uint8_t* fired, const float* residual = nullptr);

// Computes and fires the n listed pixels block by block: compute(pixels, m, rows) writes m rows of
// c values (no bias) for pixels[0..m) into `rows`, a per-thread tile that stays in cache, and
// they fire as in fire_rows. For the elementwise ops, instead of writing a full-size scratch map
// at the candidates and reading it back (two passes over cold memory). Blocks are split across
// the OpenMP threads from 64Ki values on; compute must be safe to call from several threads.
using RowsCompute = std::function<void(const int32_t* pixels, int m, float* rows)>;
int fire_computed(const kern::ActSpec& act, const RowsCompute& compute, const int32_t* pixels, int n, int c,
                  float eps, float* stored, uint8_t* fired, const float* residual = nullptr);

}  // namespace dcnn::cpu
