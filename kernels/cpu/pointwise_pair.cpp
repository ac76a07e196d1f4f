#include "kernels/cpu/pointwise_pair.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/cpu/activation.h"
#include "kernels/cpu/depthwise.h"
#include "kernels/cpu/fire.h"
#include "kernels/cpu/gather_gemm.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/scratch.h"
#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {

bool pointwise_pair_fits(const ConvGeometry& a, const ConvGeometry& b) {
  return is_pointwise_gemm(a) && is_pointwise_gemm(b) && a.groups == 1 && b.groups == 1 && a.cout == b.cin &&
         a.out_h == b.in_h && a.out_w == b.in_w;
}

bool depthwise_pointwise_fits(const ConvGeometry& d, const ConvGeometry& p) {
  return is_depthwise(d) && is_pointwise_gemm(p) && p.groups == 1 && d.cout == p.cin && d.out_h == p.in_h &&
         d.out_w == p.in_w;
}

bool leading_depthwise_fits(const ConvGeometry& d, const ConvGeometry& first) {
  return is_depthwise(d) && d.cout == first.cin && d.out_h == first.in_h && d.out_w == first.in_w;
}

namespace {

// The pair's input rows at the block's pixels: the leading depthwise conv's activated output
// computed there into `rows` (returned, no index), or x itself with the pixels as the index.
struct InputRows {
  const float* rows;
  const int32_t* index;
};
InputRows input_rows(const LeadingDepthwise& lead, const float* x, int cin, const int32_t* pixels, int m,
                     float* rows) {
  if (lead.conv) {
    depthwise_rows_of(lead.conv->geometry, lead.conv->weights.data(), x, pixels, m, rows);
    activate_rows(lead.act, rows, nullptr, m, cin, bias_or_null(*lead.conv), rows);
    return {rows, nullptr};
  }
  return {x, pixels};
}

// Outputs at most kNarrowOutputs wide (conv.h) take narrow_rows: MoveNet's centre and box heads
// (1 and 2 channels) after a 96-wide middle. gather_gemm would pad them to a 16-column panel
// (8-16x the work: 2.6 us per 128 rows at 96 x 1, measured) and sgemm on such shapes is no
// better.
// C[i][j] = sum_k A[i][k] * Bt[j][k]: a dot product per output, vectorised along k. Summed in
// the same order for every row, whatever its neighbours.
DCNN_SIMD_CLONES void narrow_rows(const float* a, int lda, int m, int k, const float* bt, int n, float* c, int ldc) {
  for (int i = 0; i < m; ++i) {
    const float* __restrict ai = a + int64_t{i} * lda;
    for (int j = 0; j < n; ++j) {
      const float* __restrict bj = bt + int64_t{j} * k;
      float acc = 0.f;
#pragma omp simd reduction(+ : acc)
      for (int kk = 0; kk < k; ++kk) acc += ai[kk] * bj[kk];
      c[int64_t{i} * ldc + j] = acc;
    }
  }
}

// One block of m pixels: the first conv's activated rows into `middle`, then the second
// conv's rows (no bias, no activation) into `out_rows` (row stride ld_out). Row i of the input
// is at in + (index ? index[i] : i) * cin. gather_gemm (gather_gemm.h) runs where its padded
// panels fit the rows: the middle when its width is whole panels (MoveNet's 96), the second
// product when ld_out has room for the padding; sgemm on copied rows otherwise.
void pair_block(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                const float* in, const int32_t* index, int m, float* out_rows, int ld_out) {
  const int cin = first.geometry.cin, mid = first.geometry.cout, cout = second.geometry.cout;
  float* middle = scratch_floats(ScratchSlot::Band, size_t(m) * mid);
  const GemmB b = gemm_b(first);
  if (b.ld == mid) {
    // Activated in place: the epilogue stores each finished row over its own partial sums.
    gather_gemm_activated(in, cin, index, m, b, bias_or_null(first), first_act, middle, middle, nullptr);
  } else {
    // (Rows holds the lead's rows when there is a lead, and then no index needs copying.)
    if (index) {
      float* rows = scratch_floats(ScratchSlot::Rows, size_t(m) * cin);
      for (int i = 0; i < m; ++i)
        std::memcpy(rows + int64_t{i} * cin, in + int64_t{index[i]} * cin, size_t(cin) * sizeof(float));
      in = rows;
    }
    gemm_rows(first, in, cin, m, middle, mid);
    activate_rows(first_act, middle, nullptr, m, mid, bias_or_null(first), middle);
  }
  if (!second.weights_by_output.empty())
    narrow_rows(middle, mid, m, mid, second.weights_by_output.data(), cout, out_rows, ld_out);
  else if (ld_out >= gemm_b(second).ld)
    gather_gemm(middle, mid, nullptr, m, gemm_b(second), out_rows, ld_out);
  else
    gemm_rows(second, middle, mid, m, out_rows, ld_out);
}

void require_chain(const char* who, const PackedConv& first, const PackedConv& second,
                   const LeadingDepthwise& lead) {
  if (!pointwise_pair_fits(first.geometry, second.geometry))
    throw std::invalid_argument(std::string(who) + ": not two pointwise convs over the same map");
  if (lead.conv && !leading_depthwise_fits(lead.conv->geometry, first.geometry))
    throw std::invalid_argument(std::string(who) + ": the leading conv is not a depthwise conv feeding the pair");
}

// Blocks of 128 pixels: the middle rows (128 x 96 floats, 48 KiB) stay in L2 between the GEMMs.
constexpr int kBlockPixels = 128;

// The chain's second-conv rows (no bias, no activation) at m pixels, in a per-thread tile of
// *ld columns: the one GEMM path of the fire step and of pointwise_pair_rows, so that an output
// computed on demand has the bits the fire step would have stored.
float* chain_tile(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                  const LeadingDepthwise& lead, const float* x, const int32_t* pixels, int m, int* ld) {
  const int cin = first.geometry.cin;
  const InputRows in = input_rows(lead, x, cin, pixels, m, scratch_floats(ScratchSlot::Rows, size_t(m) * cin));
  *ld = std::max(second.geometry.cout, gemm_b(second).ld);
  float* tile = scratch_floats(ScratchSlot::Product, size_t(m) * size_t(*ld));
  pair_block(first, first_act, second, in.rows, in.index, m, tile, *ld);
  return tile;
}

}  // namespace

int pointwise_pair_recompute(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                             const kern::ActSpec& second_act, const float* x, const int32_t* cand, int n,
                             float eps, float* out_map, uint8_t* fired, const LeadingDepthwise& lead) {
  require_chain("pointwise_pair_recompute", first, second, lead);
  if (n <= 0) return 0;
  require_output_pixels("pointwise_pair_recompute", second.geometry, cand, n);
  const int cin = first.geometry.cin, mid = first.geometry.cout, cout = second.geometry.cout;
  const CandidateBlocks split = split_candidates(n, kBlockPixels, 2 * int64_t{n} * mid * (cin + cout));
  int total = 0;
#pragma omp parallel for num_threads(split.threads) schedule(static) reduction(+ : total)
  for (int b = 0; b < split.blocks; ++b) {
    const int i0 = split.first(b);
    const int m = split.first(b + 1) - i0;
    int ld = 0;
    const float* tile = chain_tile(first, first_act, second, lead, x, cand + i0, m, &ld);
    total += fire_rows(second_act, tile, ld, cand + i0, m, cout, bias_or_null(second), eps, out_map, fired);
  }
  return total;
}

void pointwise_pair_rows(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                         const kern::ActSpec& second_act, const float* x, const int32_t* pixels, int n, float* rows,
                         const LeadingDepthwise& lead) {
  require_chain("pointwise_pair_rows", first, second, lead);
  if (n <= 0) return;
  require_output_pixels("pointwise_pair_rows", second.geometry, pixels, n);
  const int cin = first.geometry.cin, mid = first.geometry.cout, cout = second.geometry.cout;
  const CandidateBlocks split = split_candidates(n, kBlockPixels, 2 * int64_t{n} * mid * (cin + cout));
#pragma omp parallel for num_threads(split.threads) schedule(static) if (split.threads > 1)
  for (int b = 0; b < split.blocks; ++b) {
    const int i0 = split.first(b);
    const int m = split.first(b + 1) - i0;
    int ld = 0;
    const float* tile = chain_tile(first, first_act, second, lead, x, pixels + i0, m, &ld);
    for (int i = 0; i < m; ++i)  // bias and activation as the fire step applies them
      activate_rows(second_act, tile + int64_t{i} * ld, nullptr, 1, cout, bias_or_null(second),
                    rows + int64_t{i0 + i} * cout);
  }
}

int depthwise_pointwise_recompute(const PackedConv& depthwise, const kern::ActSpec& depthwise_act,
                                  const PackedConv& pointwise, const kern::ActSpec& pointwise_act, const float* x,
                                  const int32_t* cand, int n, float eps, float* out_map, uint8_t* fired,
                                  const float* residual) {
  if (!depthwise_pointwise_fits(depthwise.geometry, pointwise.geometry))
    throw std::invalid_argument("depthwise_pointwise_recompute: not a depthwise conv feeding a 1x1 conv");
  if (n <= 0) return 0;
  require_output_pixels("depthwise_pointwise_recompute", pointwise.geometry, cand, n);
  const ConvGeometry& d = depthwise.geometry;
  const int cin = pointwise.geometry.cin, cout = pointwise.geometry.cout;
  const GemmB b = gemm_b(pointwise);
  const int64_t flops = 2 * int64_t{n} * cin * (int64_t{d.kh} * d.kw + cout);
  const CandidateBlocks split = split_candidates(n, kBlockPixels, flops);
  const LeadingDepthwise lead{&depthwise, depthwise_act};
  int total = 0;
#pragma omp parallel for num_threads(split.threads) schedule(static) reduction(+ : total)
  for (int blk = 0; blk < split.blocks; ++blk) {
    const int i0 = split.first(blk);
    const int m = split.first(blk + 1) - i0;
    const InputRows in = input_rows(lead, x, cin, cand + i0, m, scratch_floats(ScratchSlot::Rows, size_t(m) * cin));
    float* tile = scratch_floats(ScratchSlot::Product, size_t(m) * size_t(b.ld));
    gather_gemm(in.rows, cin, nullptr, m, b, tile, b.ld);
    total += fire_rows(pointwise_act, tile, b.ld, cand + i0, m, cout, bias_or_null(pointwise), eps, out_map, fired,
                       residual);
  }
  return total;
}

void pointwise_pair_dense(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                          const kern::ActSpec& second_act, const float* x, float* out, const LeadingDepthwise& lead) {
  require_chain("pointwise_pair_dense", first, second, lead);
  const int pixels = first.geometry.out_h * first.geometry.out_w;
  const int cin = first.geometry.cin, mid = first.geometry.cout, cout = second.geometry.cout;
  const CandidateBlocks split =
      split_candidates(pixels, kBlockPixels, 2 * int64_t{pixels} * mid * (cin + cout));
#pragma omp parallel for num_threads(split.threads) schedule(static)
  for (int b = 0; b < split.blocks; ++b) {
    const int i0 = split.first(b);
    const int m = split.first(b + 1) - i0;
    float* rows = out + int64_t{i0} * cout;
    int32_t* block_pixels = scratch_indices(size_t(m));
    for (int i = 0; i < m; ++i) block_pixels[i] = i0 + i;
    const InputRows in =
        input_rows(lead, x, cin, block_pixels, m, scratch_floats(ScratchSlot::Rows, size_t(m) * cin));
    pair_block(first, first_act, second, in.rows, in.index, m, rows, cout);
    activate_rows(second_act, rows, nullptr, m, cout, bias_or_null(second), rows);
  }
}

}  // namespace dcnn::cpu
