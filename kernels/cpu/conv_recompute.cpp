#include "kernels/cpu/conv_recompute.h"

#include <omp.h>

#include <algorithm>

#include "kernels/cpu/depthwise.h"
#include "kernels/cpu/fire.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/im2col.h"
#include "kernels/cpu/scratch.h"

namespace dcnn::cpu {
namespace {

// gather_gemm up to this K; above it (the stride-16/32 projections, K = 864-1440) oneDNN's
// sgemm on copied rows measured as fast or up to 10 % faster (MultiPose vtest, per layer).
constexpr int64_t kMaxGatherK = 512;

bool gathers(const PackedConv& p) {
  const GemmB b = gemm_b(p);
  return b.ld > 0 && (b.k <= kMaxGatherK || b.pairs);  // bf16 has no sgemm to fall back on
}

// Row stride of the tile compute_block writes: whole 16-column panels where gather_gemm runs.
int tile_ld(const PackedConv& p) { return gathers(p) ? gemm_b(p).ld : p.geometry.cout; }

// The candidates of one block, computed into `tile` (n rows of tile_ld(p), no bias).
void compute_block(const PackedConv& p, const float* in, const int32_t* cand, int n, float* tile) {
  const ConvGeometry& g = p.geometry;
  if (is_depthwise(g)) {
    depthwise_rows_of(g, p.weights.data(), in, cand, n, tile);
    return;
  }
  const int64_t k = im2col_row_length(g);
  if (gathers(p)) {
    // A pointwise conv multiplies the candidates' input pixels where they lie; others gather
    // their receptive fields into rows first.
    const GemmB b = gemm_b(p);
    if (is_pointwise_gemm(g)) {
      gather_gemm(in, g.cin, cand, n, b, tile, b.ld);
      return;
    }
    float* rows = scratch_floats(ScratchSlot::Rows, size_t(n) * size_t(k));
    im2col_list(g, in, 0, cand, n, rows);
    gather_gemm(rows, k, nullptr, n, b, tile, b.ld);
    return;
  }
  // A pointwise block of consecutive pixels is a GEMM on the input rows where they lie.
  if (is_pointwise_gemm(g) && cand[n - 1] - cand[0] == n - 1) {
    sgemm_rows(n, g.cout, g.cin, in + int64_t{cand[0]} * g.cin, g.cin, p.weights.data(), g.cout, tile, g.cout,
               false);
    return;
  }
  const int og = g.cout / g.groups;
  float* rows = scratch_floats(ScratchSlot::Rows, size_t(n) * size_t(k));
  for (int grp = 0; grp < g.groups; ++grp) {
    im2col_list(g, in, grp, cand, n, rows);
    sgemm_rows(n, og, int(k), rows, int(k), p.weights.data() + size_t(grp) * size_t(k) * size_t(og), og,
               tile + grp * og, g.cout, false);
  }
}

}  // namespace

int conv_recompute(const PackedConv& p, const kern::ActSpec& act, const float* in_map, const int32_t* cand,
                   int n, float eps, float* out_map, uint8_t* fired) {
  const ConvGeometry& g = p.geometry;
  if (n <= 0) return 0;
  require_output_pixels("conv_recompute", g, cand, n);
  const int64_t k = im2col_row_length(g);
  // Blocks small enough that the tile (and the gathered rows) stay in L2 for the epilogue.
  const int most = is_depthwise(g) ? 64 : std::min(is_pointwise_gemm(g) ? 256 : im2col_block_pixels(k), 256);
  const CandidateBlocks split = split_candidates(n, most, 2 * int64_t{n} * g.cout * k);
  int total = 0;
#pragma omp parallel for num_threads(split.threads) schedule(static) reduction(+ : total)
  for (int b = 0; b < split.blocks; ++b) {
    const int i0 = split.first(b);
    const int m = split.first(b + 1) - i0;
    const int ld = tile_ld(p);
    float* tile = scratch_floats(ScratchSlot::Product, size_t(m) * size_t(ld));
    compute_block(p, in_map, cand + i0, m, tile);
    total += fire_rows(act, tile, ld, cand + i0, m, g.cout, p.bias.data(), eps, out_map, fired);
  }
  return total;
}

}  // namespace dcnn::cpu
