// Nonlinear activation on dense values and on deltas with exact truncation bookkeeping.
// The delta step keeps, per pixel, the accumulated pre-activation `acc` (what downstream has
// seen) and the residual `res` (pre-activation change not yet propagated):
//   res += d; cand = acc + res; out = g(cand) - g(acc);
//   fires when max_c |out| > eps: emit out, acc = cand, res = 0; else emit nothing, keep res.
// Nothing is dropped, so truncation error never accumulates over frames.
#pragma once

#include <cstdint>

#include "kernels/common/activation.h"

namespace dcnn::cpu {

// out = g(x) for pixels * c values (out may alias x). When acc is not null the state is
// initialised from this dense pass: acc = x, res = 0.
void activation_dense(const kern::ActSpec& a, const float* x, float* out, float* acc, float* res,
                      int64_t pixels, int c);

// Delta step for the n listed pixels (d and out may alias). A pixel that does not fire gets
// out = 0 and mask[pixel] = 0; one that fires keeps mask[pixel] as it is.
void activation_delta(const kern::ActSpec& a, const float* d, float* out, float* acc, float* res,
                      const int32_t* list, int n, int c, float eps, uint8_t* mask);

// dst = g(rows + bias) for n rows of c values (bias may be null): row i of `rows` goes to row
// slots[i] of dst, or row i when slots is null (dst may be rows then). Runs in the calling
// thread: the recompute kernels call it on their own blocks.
void activate_rows(const kern::ActSpec& a, const float* rows, const int32_t* slots, int64_t n, int c,
                   const float* bias, float* dst);

}  // namespace dcnn::cpu
