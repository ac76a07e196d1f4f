#include "kernels/cpu/pointwise_pair.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "kernels/cpu/activation.h"
#include "kernels/cpu/fire.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/scratch.h"

namespace dcnn::cpu {
namespace {

const float* bias_of(const PackedConv& p) { return p.bias.empty() ? nullptr : p.bias.data(); }

// The candidates' input rows: in place where a block's pixels are consecutive (a GEMM reads
// them where they lie), else gathered into `rows`.
const float* input_rows(const float* x, int cin, const int32_t* cand, int m, float* rows) {
  if (cand[m - 1] - cand[0] == m - 1) return x + int64_t{cand[0]} * cin;
  for (int i = 0; i < m; ++i)
    std::memcpy(rows + int64_t{i} * cin, x + int64_t{cand[i]} * cin, size_t(cin) * sizeof(float));
  return rows;
}

}  // namespace

bool pointwise_pair_fits(const ConvGeometry& a, const ConvGeometry& b) {
  return is_pointwise_gemm(a) && is_pointwise_gemm(b) && a.groups == 1 && b.groups == 1 && a.cout == b.cin &&
         a.out_h == b.in_h && a.out_w == b.in_w;
}

int pointwise_pair_recompute(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                             const kern::ActSpec& second_act, const float* x, const int32_t* cand, int n,
                             float eps, float* out_map, uint8_t* fired) {
  const ConvGeometry& ga = first.geometry;
  const ConvGeometry& gb = second.geometry;
  if (!pointwise_pair_fits(ga, gb))
    throw std::invalid_argument("pointwise_pair_recompute: not two pointwise convs over the same map");
  if (n <= 0) return 0;
  require_output_pixels("pointwise_pair_recompute", gb, cand, n);
  const int cin = ga.cin, mid = ga.cout, cout = gb.cout;
  // Blocks of 128 pixels: the middle rows (128 x 96 floats, 48 KiB) stay in L2 between the GEMMs.
  const auto [block, blocks, threads] = split_candidates(n, 128, 2 * int64_t{n} * mid * (cin + cout));
  int total = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total)
  for (int b = 0; b < blocks; ++b) {
    const int i0 = b * block;
    const int m = std::min(block, n - i0);
    const float* in = input_rows(x, cin, cand + i0, m, scratch_floats(ScratchSlot::Rows, size_t(m) * cin));
    float* middle = scratch_floats(ScratchSlot::Band, size_t(m) * mid);
    sgemm_rows(m, mid, cin, in, cin, first.weights.data(), mid, middle, mid, false);
    activate_rows(first_act, middle, nullptr, m, mid, bias_of(first), middle);
    float* tile = scratch_floats(ScratchSlot::Product, size_t(m) * cout);
    sgemm_rows(m, cout, mid, middle, mid, second.weights.data(), cout, tile, cout, false);
    total += fire_rows(second_act, tile, cout, cand + i0, m, cout, bias_of(second), eps, out_map, fired);
  }
  return total;
}

}  // namespace dcnn::cpu
