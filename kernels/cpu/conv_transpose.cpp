// Transposed convolution (ONNX ConvTranspose), NHWC float:
//   out[oy][ox][co] += in[iy][ix][ci] * w[ci][co][ky][kx]  where oy = iy*stride - pad + ky*dil.
//
// Scatter form for both passes: a block of input pixels times the packed [ci][(ky,kx,co)]
// weights gives every pixel's whole contribution patch in one wide GEMM (N = kh*kw*cout),
// which is then added into the output. Measured (tools/bench/conv-kernels-bench, 4x4 s2
// 64->32): the scatter form over all pixels takes ~0.62x the time of a gather form split by
// output phase, whose GEMMs are only cout wide. The dense pass is therefore "fill with bias,
// accumulate every input pixel", and needs no gather at all (input rows are contiguous).
//
// Patches of neighbouring input pixels overlap, so the adds must not race and their order must
// not depend on thread timing (float addition is not associative; results are reproducible
// whatever the thread count): a chunk of blocks is multiplied in parallel into one product
// buffer, then added in pixel order by the calling thread.
//
// Packed layout, per group: [ci][(ky, kx, co)].
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/cpu/conv.h"
#include "kernels/cpu/conv_geometry_check.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/scratch.h"

namespace dcnn::cpu {
namespace {

using TG = ConvTransposeGeometry;

void validate(const TG& g) {
  require_window_geometry(g, "conv_transpose geometry");
}

// Input pixels of the block: the n listed ones, or first .. first+n-1 when list is null.
inline int32_t pixel_at(const int32_t* list, int first, int i) { return list ? list[i] : first + i; }

// Adds the contributions of n input pixels (listed, or the range starting at `first`) to out.
void accumulate(const PackedConvTranspose& p, const float* in, const int32_t* list, int first, int n,
                float* out) {
  const TG& g = p.geometry;
  const int cg = g.cin / g.groups, og = g.cout / g.groups;
  const int taps = g.kh * g.kw;
  const int64_t patch = int64_t{taps} * og;  // one input pixel's contribution, one group
  // Input pixels per GEMM: their products (patch floats each) stay within ~256 KiB (L2).
  const int block = std::clamp<int>(
      static_cast<int>((int64_t{256} * 1024 / sizeof(float)) / std::max<int64_t>(1, patch)) / 16 * 16, 16, 256);
  const int blocks = (n + block - 1) / block;
  const int threads = std::min(threads_for_flops(2 * int64_t{n} * cg * taps * g.cout), blocks);
  const int chunk_blocks = threads > 1 ? threads * 4 : 1;
  float* product = scratch_floats(ScratchSlot::Product, size_t(chunk_blocks) * block * patch);
  for (int grp = 0; grp < g.groups; ++grp) {
    const float* weights = p.weights.data() + int64_t{grp} * cg * patch;
    for (int c0 = 0; c0 < blocks; c0 += chunk_blocks) {
      const int c1 = std::min(blocks, c0 + chunk_blocks);
#pragma omp parallel for num_threads(std::min(threads, c1 - c0)) schedule(static)
      for (int b = c0; b < c1; ++b) {
        const int i0 = b * block;
        const int rows_n = std::min(block, n - i0);
        float* c = product + int64_t{b - c0} * block * patch;
        if (!list) {
          // Consecutive input pixels are consecutive rows of `in`: multiply them in place.
          sgemm_rows(rows_n, static_cast<int>(patch), cg, in + int64_t{first + i0} * g.cin + int64_t{grp} * cg,
                     g.cin, weights, static_cast<int>(patch), c, static_cast<int>(patch), false);
          continue;
        }
        float* rows = scratch_floats(ScratchSlot::Rows, size_t(rows_n) * cg);
        for (int r = 0; r < rows_n; ++r)
          std::memcpy(rows + int64_t{r} * cg, in + int64_t{list[i0 + r]} * g.cin + int64_t{grp} * cg,
                      sizeof(float) * cg);
        sgemm_rows(rows_n, static_cast<int>(patch), cg, rows, cg, weights, static_cast<int>(patch), c,
                   static_cast<int>(patch), false);
      }
      const int i_end = std::min(n, c1 * block);
      for (int i = c0 * block; i < i_end; ++i) {
        const int pix = pixel_at(list, first, i);
        const int iy = pix / g.in_w, ix = pix % g.in_w;
        const float* src = product + int64_t{i - c0 * block} * patch;
        for (int ky = 0; ky < g.kh; ++ky) {
          const int oy = iy * g.stride_h - g.pad_top + ky * g.dil_h;
          if (oy < 0 || oy >= g.out_h) continue;
          for (int kx = 0; kx < g.kw; ++kx) {
            const int ox = ix * g.stride_w - g.pad_left + kx * g.dil_w;
            if (ox < 0 || ox >= g.out_w) continue;
            float* __restrict o = out + (int64_t{oy} * g.out_w + ox) * g.cout + int64_t{grp} * og;
            const float* __restrict s = src + int64_t{ky * g.kw + kx} * og;
            for (int co = 0; co < og; ++co) o[co] += s[co];
          }
        }
      }
    }
  }
}

}  // namespace

PackedConvTranspose pack_conv_transpose(const TG& g, const float* weights, const float* bias) {
  validate(g);
  if (!weights) throw std::invalid_argument("pack_conv_transpose: weights pointer is null");
  PackedConvTranspose p;
  p.geometry = g;
  const int og = g.cout / g.groups;
  const int taps = g.kh * g.kw;
  p.weights.resize(size_t(g.cin) * taps * og);
  // ONNX layout [cin][cout/groups][kh][kw]; input channel grp*cg+ci feeds outputs grp*og+co.
  // Packed [grp][ci][(ky,kx,co)] is the same channel order with (co) moved innermost.
  float* dst = p.weights.data();
  for (int ci_all = 0; ci_all < g.cin; ++ci_all)
    for (int t = 0; t < taps; ++t)
      for (int co = 0; co < og; ++co) *dst++ = weights[(int64_t{ci_all} * og + co) * taps + t];
  p.bias.assign(size_t(g.cout), 0.f);
  if (bias) std::copy(bias, bias + g.cout, p.bias.begin());
  return p;
}

void conv_transpose_dense(const PackedConvTranspose& p, const float* in, float* out, bool add_bias) {
  const TG& g = p.geometry;
  const int64_t out_pixels = int64_t{g.out_h} * g.out_w;
  if (add_bias) {
    for (int64_t q = 0; q < out_pixels; ++q) std::copy(p.bias.begin(), p.bias.end(), out + q * g.cout);
  } else {
    std::memset(out, 0, sizeof(float) * size_t(out_pixels) * g.cout);
  }
  accumulate(p, in, nullptr, 0, g.in_h * g.in_w, out);
}

void conv_transpose_sparse_accumulate(const PackedConvTranspose& p, const float* in,
                                      const int32_t* in_pixels, int n, float* out) {
  const TG& g = p.geometry;
  if (n <= 0) return;
  const int64_t pixels = int64_t{g.in_h} * g.in_w;
  for (int i = 0; i < n; ++i)
    if (in_pixels[i] < 0 || in_pixels[i] >= pixels)
      throw std::out_of_range("conv_transpose_sparse_accumulate: in_pixels[" + std::to_string(i) +
                              "] = " + std::to_string(in_pixels[i]) + ", expected 0.." +
                              std::to_string(pixels - 1) + " (in_h*in_w)");
  accumulate(p, in, in_pixels, 0, n, out);
}

}  // namespace dcnn::cpu
