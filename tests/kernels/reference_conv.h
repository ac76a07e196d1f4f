// Naive reference convolutions for the kernel tests: the ONNX definitions written as plainly as
// possible (NHWC activations, ONNX weight layouts, double accumulation), so a mismatch points at
// the optimised kernel and not at the oracle.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu/conv.h"

namespace dcnn::cpu::test {

// ONNX Conv; weights [cout][cin/groups][kh][kw]; bias may be null.
inline std::vector<float> reference_conv(const ConvGeometry& g, const std::vector<float>& in,
                                         const std::vector<float>& w, const float* bias) {
  const int cg = g.cin / g.groups, og = g.cout / g.groups;
  std::vector<float> out(size_t(g.out_h) * g.out_w * g.cout);
  for (int oy = 0; oy < g.out_h; ++oy)
    for (int ox = 0; ox < g.out_w; ++ox)
      for (int co = 0; co < g.cout; ++co) {
        const int grp = co / og;
        double acc = bias ? bias[co] : 0.0;
        for (int ci = 0; ci < cg; ++ci)
          for (int ky = 0; ky < g.kh; ++ky)
            for (int kx = 0; kx < g.kw; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky * g.dil_h;
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dil_w;
              if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
              acc += double(in[(size_t(iy) * g.in_w + ix) * g.cin + grp * cg + ci]) *
                     w[((size_t(co) * cg + ci) * g.kh + ky) * g.kw + kx];
            }
        out[(size_t(oy) * g.out_w + ox) * g.cout + co] = float(acc);
      }
  return out;
}

// ONNX ConvTranspose; weights [cin][cout/groups][kh][kw]; bias may be null.
inline std::vector<float> reference_conv_transpose(const ConvTransposeGeometry& g,
                                                   const std::vector<float>& in,
                                                   const std::vector<float>& w, const float* bias) {
  const int cg = g.cin / g.groups, og = g.cout / g.groups;
  std::vector<double> acc(size_t(g.out_h) * g.out_w * g.cout, 0.0);
  for (int iy = 0; iy < g.in_h; ++iy)
    for (int ix = 0; ix < g.in_w; ++ix)
      for (int ci_all = 0; ci_all < g.cin; ++ci_all) {
        const int grp = ci_all / cg;
        const double v = in[(size_t(iy) * g.in_w + ix) * g.cin + ci_all];
        for (int co = 0; co < og; ++co)
          for (int ky = 0; ky < g.kh; ++ky)
            for (int kx = 0; kx < g.kw; ++kx) {
              const int oy = iy * g.stride_h - g.pad_top + ky * g.dil_h;
              const int ox = ix * g.stride_w - g.pad_left + kx * g.dil_w;
              if (oy < 0 || oy >= g.out_h || ox < 0 || ox >= g.out_w) continue;
              acc[(size_t(oy) * g.out_w + ox) * g.cout + grp * og + co] +=
                  v * w[((size_t(ci_all) * og + co) * g.kh + ky) * g.kw + kx];
            }
      }
  std::vector<float> out(acc.size());
  for (size_t i = 0; i < acc.size(); ++i)
    out[i] = float(acc[i] + (bias ? bias[i % g.cout] : 0.0));
  return out;
}

}  // namespace dcnn::cpu::test
