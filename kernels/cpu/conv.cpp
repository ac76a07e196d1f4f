// Dense and sparse (delta) convolution, NHWC float.
// Packed weight layout (private to this file and depthwise.cpp):
//  - depthwise (groups == cin == cout > 1): [ky][kx][c]
//  - otherwise, per group: [(ky, kx, ci)][co], i.e. the B matrix of rows(im2col) x B, so one
//    sgemm per group produces cout/groups output channels of a block of pixels.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/cpu/conv.h"
#include "kernels/cpu/conv_geometry_check.h"
#include "kernels/cpu/depthwise.h"
#include "kernels/cpu/gather_gemm_bf16.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/im2col.h"
#include "kernels/cpu/scratch.h"

namespace dcnn::cpu {

bool is_depthwise(const ConvGeometry& g) {
  return g.groups > 1 && g.groups == g.cin && g.cout == g.cin;
}

bool is_pointwise_gemm(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
         g.pad_left == 0 && g.groups == 1 && g.in_h == g.out_h && g.in_w == g.out_w;
}

void require_output_pixels(const char* who, const ConvGeometry& g, const int32_t* pixels, int n) {
  const int64_t map = int64_t{g.out_h} * g.out_w;
  for (int i = 0; i < n; ++i)
    if (pixels[i] < 0 || pixels[i] >= map)
      throw std::out_of_range(std::string(who) + ": out_pixels[" + std::to_string(i) + "] = " +
                              std::to_string(pixels[i]) + ", expected 0.." + std::to_string(map - 1) +
                              " (out_h*out_w)");
}

namespace {

void add_bias_rows(float* out, int rows, int cout, const float* bias) {
  for (int r = 0; r < rows; ++r) {
    float* __restrict o = out + int64_t{r} * cout;
    for (int c = 0; c < cout; ++c) o[c] += bias[c];
  }
}

void validate(const ConvGeometry& g) {
  const char* w = "conv geometry";
  require_window_geometry(g, w);
  // The first tap of the last output pixel must not lie beyond the padded input: otherwise
  // out_h/out_w disagree with the ONNX output size formula for any non-negative bottom pad.
  const long long last_y = (long long)(g.out_h - 1) * g.stride_h - g.pad_top;
  const long long last_x = (long long)(g.out_w - 1) * g.stride_w - g.pad_left;
  require_geometry(last_y + (long long)(g.kh - 1) * g.dil_h >= 0 && last_y < g.in_h + g.kh * g.dil_h,
                   w, "out_h", g.out_h, "consistent with in_h, kernel, stride, dilation and pads");
  require_geometry(last_x + (long long)(g.kw - 1) * g.dil_w >= 0 && last_x < g.in_w + g.kw * g.dil_w,
                   w, "out_w", g.out_w, "consistent with in_w, kernel, stride, dilation and pads");
}

}  // namespace

PackedConv pack_conv(const ConvGeometry& g, const float* weights_oihw, const float* bias) {
  validate(g);
  if (!weights_oihw) throw std::invalid_argument("pack_conv: weights pointer is null");
  PackedConv p;
  p.geometry = g;
  const int cg = g.cin / g.groups;
  const int og = g.cout / g.groups;
  const int taps = g.kh * g.kw;
  p.weights.resize(size_t(g.cout) * cg * taps);
  if (is_depthwise(g)) {
    for (int c = 0; c < g.cout; ++c)
      for (int t = 0; t < taps; ++t) p.weights[size_t(t) * g.cout + c] = weights_oihw[size_t(c) * taps + t];
  } else {
    const size_t group_size = size_t(taps) * cg * og;
    for (int grp = 0; grp < g.groups; ++grp)
      for (int co = 0; co < og; ++co)
        for (int ci = 0; ci < cg; ++ci)
          for (int t = 0; t < taps; ++t) {
            const float v = weights_oihw[((size_t(grp) * og + co) * cg + ci) * taps + t];
            p.weights[grp * group_size + (size_t(t) * cg + ci) * og + co] = v;
          }
  }
  p.bias.assign(size_t(g.cout), 0.f);
  if (bias) std::copy(bias, bias + g.cout, p.bias.begin());
  if (g.groups == 1 && !is_depthwise(g) && padded_ld(og) != og) p.weights_padded = pad_b(p.weights.data(), taps * cg, og, og);
  if (is_pointwise_gemm(g) && g.cout <= kNarrowOutputs) {
    p.weights_by_output.resize(size_t(g.cout) * size_t(g.cin));
    for (int co = 0; co < g.cout; ++co)
      for (int ci = 0; ci < g.cin; ++ci)
        p.weights_by_output[size_t(co) * size_t(g.cin) + size_t(ci)] = p.weights[size_t(ci) * size_t(g.cout) + size_t(co)];
  }
  return p;
}

GemmB gemm_b(const PackedConv& p) {
  const ConvGeometry& g = p.geometry;
  if (g.groups != 1 || is_depthwise(g)) return {};
  GemmB b;
  b.k = g.kh * g.kw * g.cin;
  b.n = g.cout;
  b.ld = padded_ld(g.cout);
  b.values = p.weights_padded.empty() ? p.weights.data() : p.weights_padded.data();
  b.pairs = p.weights_pairs.empty() ? nullptr : p.weights_pairs.data();
  return b;
}

void gemm_rows(const PackedConv& p, const float* a, int64_t stride, int n, float* out, int ld_out) {
  const GemmB b = gemm_b(p);
  const int cout = p.geometry.cout;
  if (!runs_bf16(p)) {
    sgemm_rows(n, cout, b.k, a, int(stride), p.weights.data(), cout, out, ld_out, false);
    return;
  }
  if (ld_out >= b.ld) return gather_gemm(a, stride, nullptr, n, b, out, ld_out);
  // gather_gemm writes whole vectors of 8 columns: straight into place where cout is whole
  // vectors, through a padded product otherwise (MoveNet's 17- and 34-channel keypoint heads).
  float* product = scratch_floats(ScratchSlot::Partial, size_t(n) * size_t(b.ld));
  if (cout % 8 == 0) {
    GemmEpilogue to_place;  // the product only holds the partial sums of K > 256
    to_place.dst = out;
    to_place.ld_dst = ld_out;
    return gather_gemm(a, stride, nullptr, n, b, product, b.ld, &to_place);
  }
  gather_gemm(a, stride, nullptr, n, b, product, b.ld);
  for (int r = 0; r < n; ++r)
    std::memcpy(out + int64_t{r} * ld_out, product + int64_t{r} * b.ld, sizeof(float) * size_t(cout));
}

bool use_bf16(PackedConv& p) {
  const GemmB b = gemm_b(p);
  if (b.ld == 0) return false;
  p.weights_pairs = pack_b_pairs(b);
  // The narrow heads' fp32 dot products (pointwise_pair.cpp) would give a pair's recompute other
  // bits than the conv's own dense pass, which now multiplies in bf16. The fp32 weights go too:
  // every product of a conv with pairs reads the pairs (gemm_b's values become null), and they
  // were twice the pairs' size (MultiPose: 17 MB a model).
  AlignedFloats().swap(p.weights_by_output);
  AlignedFloats().swap(p.weights);
  AlignedFloats().swap(p.weights_padded);
  return true;
}

namespace {

// Output pixels first .. first+n-1 (consecutive in NHWC, so consecutive rows of `out`): the
// GEMM writes them in place, no bias. Pointwise convs multiply the input rows where they lie.
void conv_run(const PackedConv& p, const float* in, int first, int n, float* out) {
  const ConvGeometry& g = p.geometry;
  float* o = out + int64_t{first} * g.cout;
  if (is_pointwise_gemm(g)) return gemm_rows(p, in + int64_t{first} * g.cin, g.cin, n, o, g.cout);
  const int og = g.cout / g.groups;
  const int64_t k = im2col_row_length(g);
  float* rows = scratch_floats(ScratchSlot::Rows, size_t(n) * k);
  if (g.groups == 1) {  // gemm_rows: in this conv's precision
    im2col_range(g, in, 0, first, n, rows);
    return gemm_rows(p, rows, k, n, o, g.cout);
  }
  for (int grp = 0; grp < g.groups; ++grp) {
    im2col_range(g, in, grp, first, n, rows);
    sgemm_rows(n, og, static_cast<int>(k), rows, static_cast<int>(k),
               p.weights.data() + size_t(grp) * k * og, og, o + grp * og, g.cout, false);
  }
}

// n scattered output pixels: gather, GEMM into scratch, copy each row to its pixel. No bias.
void conv_scattered(const PackedConv& p, const float* in, const int32_t* list, int n, float* out) {
  const ConvGeometry& g = p.geometry;
  const int og = g.cout / g.groups;
  const int64_t k = im2col_row_length(g);
  float* rows = scratch_floats(ScratchSlot::Rows, size_t(n) * k);
  float* product = scratch_floats(ScratchSlot::Product, size_t(n) * g.cout);
  if (g.groups == 1) {  // gemm_rows: in this conv's precision
    im2col_list(g, in, 0, list, n, rows);
    gemm_rows(p, rows, k, n, product, g.cout);
  } else {
    for (int grp = 0; grp < g.groups; ++grp) {
      im2col_list(g, in, grp, list, n, rows);
      sgemm_rows(n, og, static_cast<int>(k), rows, static_cast<int>(k),
                 p.weights.data() + size_t(grp) * k * og, og, product + grp * og, g.cout, false);
    }
  }
  for (int r = 0; r < n; ++r)
    std::memcpy(out + int64_t{list[r]} * g.cout, product + int64_t{r} * g.cout,
                sizeof(float) * g.cout);
}

// Runs of at least this many consecutive pixels in a sparse list are computed in place like a
// dense block (no scatter copy; pointwise convs also skip the gather). Shorter runs would make
// the GEMMs too thin to pay their call overhead, so they are batched and scattered instead.
// Delta masks are blobs of moving objects, so most active pixels sit in long horizontal runs.
constexpr int kMinDirectRun = 16;

void conv_sparse_block(const PackedConv& p, const float* in, const int32_t* list, int n, float* out) {
  int32_t* batch = scratch_indices(size_t(n));
  int batched = 0;
  for (int i = 0; i < n;) {
    int j = i + 1;
    while (j < n && list[j] == list[j - 1] + 1) ++j;
    if (j - i >= kMinDirectRun) {
      conv_run(p, in, list[i], j - i, out);
    } else {
      std::copy(list + i, list + j, batch + batched);
      batched += j - i;
    }
    i = j;
  }
  if (batched > 0) conv_scattered(p, in, batch, batched, out);
}

}  // namespace

void conv_dense(const PackedConv& p, const float* in, float* out, bool add_bias) {
  const ConvGeometry& g = p.geometry;
  const float* bias = add_bias ? p.bias.data() : nullptr;
  if (is_depthwise(g)) {
    depthwise_dense(g, p.weights.data(), bias, in, out);
    return;
  }
  const int pixels = g.out_h * g.out_w;
  const int64_t k = im2col_row_length(g);
  // Pointwise blocks need no gather scratch; 256 rows keep the C block of one GEMM in L2.
  const int block = is_pointwise_gemm(g) ? 256 : im2col_block_pixels(k);
  const int blocks = (pixels + block - 1) / block;
  const int threads = std::min(threads_for_flops(2 * int64_t{pixels} * g.cout * k), blocks);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int first = b * block;
    const int n = std::min(block, pixels - first);
    conv_run(p, in, first, n, out);
    // Added while the block is still in cache.
    if (bias) add_bias_rows(out + int64_t{first} * g.cout, n, g.cout, bias);
  }
}

void conv_sparse(const PackedConv& p, const float* in, const int32_t* out_pixels, int n, float* out) {
  const ConvGeometry& g = p.geometry;
  if (n <= 0) return;
  // Checked up front (cheap next to the GEMM): an out-of-range index would write outside `out`.
  require_output_pixels("conv_sparse", g, out_pixels, n);
  if (is_depthwise(g)) {
    depthwise_sparse(g, p.weights.data(), in, out_pixels, n, out);
    return;
  }
  const int64_t k = im2col_row_length(g);
  // Same block sizes as the dense pass, so a fully active list costs what the dense pass does.
  const int block = is_pointwise_gemm(g) ? 256 : im2col_block_pixels(k);
  const int blocks = (n + block - 1) / block;
  const int threads = std::min(threads_for_flops(2 * int64_t{n} * g.cout * k), blocks);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int b = 0; b < blocks; ++b) {
    const int i0 = b * block;
    conv_sparse_block(p, in, out_pixels + i0, std::min(block, n - i0), out);
  }
}

}  // namespace dcnn::cpu
