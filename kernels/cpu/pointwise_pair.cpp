#include "kernels/cpu/pointwise_pair.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/cpu/activation.h"
#include "kernels/cpu/depthwise.h"
#include "kernels/cpu/fire.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/scratch.h"

namespace dcnn::cpu {

bool pointwise_pair_fits(const ConvGeometry& a, const ConvGeometry& b) {
  return is_pointwise_gemm(a) && is_pointwise_gemm(b) && a.groups == 1 && b.groups == 1 && a.cout == b.cin &&
         a.out_h == b.in_h && a.out_w == b.in_w;
}

bool leading_depthwise_fits(const ConvGeometry& d, const ConvGeometry& first) {
  return is_depthwise(d) && d.cout == first.cin && d.out_h == first.in_h && d.out_w == first.in_w;
}

namespace {

// The pair's input rows at the block's pixels: the leading depthwise conv's activated output
// computed there, or x's rows, in place where the pixels are consecutive (a GEMM reads them
// where they lie) and gathered into `rows` otherwise.
const float* input_rows(const LeadingDepthwise& lead, const float* x, int cin, const int32_t* pixels, int m,
                        float* rows) {
  if (lead.conv) {
    depthwise_rows_of(lead.conv->geometry, lead.conv->weights.data(), x, pixels, m, rows);
    activate_rows(lead.act, rows, nullptr, m, cin, bias_or_null(*lead.conv), rows);
    return rows;
  }
  if (pixels[m - 1] - pixels[0] == m - 1) return x + int64_t{pixels[0]} * cin;
  for (int i = 0; i < m; ++i)
    std::memcpy(rows + int64_t{i} * cin, x + int64_t{pixels[i]} * cin, size_t(cin) * sizeof(float));
  return rows;
}

// One block of m pixels: the first conv's activated rows into `middle`, then the second
// conv's rows (no bias, no activation) into `out_rows`.
void pair_block(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                const float* in, int m, float* out_rows) {
  const int cin = first.geometry.cin, mid = first.geometry.cout, cout = second.geometry.cout;
  float* middle = scratch_floats(ScratchSlot::Band, size_t(m) * mid);
  sgemm_rows(m, mid, cin, in, cin, first.weights.data(), mid, middle, mid, false);
  activate_rows(first_act, middle, nullptr, m, mid, bias_or_null(first), middle);
  sgemm_rows(m, cout, mid, middle, mid, second.weights.data(), cout, out_rows, cout, false);
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

}  // namespace

int pointwise_pair_recompute(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                             const kern::ActSpec& second_act, const float* x, const int32_t* cand, int n,
                             float eps, float* out_map, uint8_t* fired, const LeadingDepthwise& lead) {
  require_chain("pointwise_pair_recompute", first, second, lead);
  if (n <= 0) return 0;
  require_output_pixels("pointwise_pair_recompute", second.geometry, cand, n);
  const int cin = first.geometry.cin, mid = first.geometry.cout, cout = second.geometry.cout;
  const auto [block, blocks, threads] = split_candidates(n, kBlockPixels, 2 * int64_t{n} * mid * (cin + cout));
  int total = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total)
  for (int b = 0; b < blocks; ++b) {
    const int i0 = b * block;
    const int m = std::min(block, n - i0);
    const float* in = input_rows(lead, x, cin, cand + i0, m, scratch_floats(ScratchSlot::Rows, size_t(m) * cin));
    float* tile = scratch_floats(ScratchSlot::Product, size_t(m) * cout);
    pair_block(first, first_act, second, in, m, tile);
    total += fire_rows(second_act, tile, cout, cand + i0, m, cout, bias_or_null(second), eps, out_map, fired);
  }
  return total;
}

void pointwise_pair_dense(const PackedConv& first, const kern::ActSpec& first_act, const PackedConv& second,
                          const kern::ActSpec& second_act, const float* x, float* out, const LeadingDepthwise& lead) {
  require_chain("pointwise_pair_dense", first, second, lead);
  const int pixels = first.geometry.out_h * first.geometry.out_w;
  const int cin = first.geometry.cin, mid = first.geometry.cout, cout = second.geometry.cout;
  const auto [block, blocks, threads] =
      split_candidates(pixels, kBlockPixels, 2 * int64_t{pixels} * mid * (cin + cout));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int i0 = b * block;
    const int m = std::min(block, pixels - i0);
    float* rows = out + int64_t{i0} * cout;
    int32_t* block_pixels = scratch_indices(size_t(m));
    for (int i = 0; i < m; ++i) block_pixels[i] = i0 + i;
    const float* in = input_rows(lead, x, cin, block_pixels, m, scratch_floats(ScratchSlot::Rows, size_t(m) * cin));
    pair_block(first, first_act, second, in, m, rows);
    activate_rows(second_act, rows, nullptr, m, cout, bias_or_null(second), rows);
  }
}

}  // namespace dcnn::cpu
