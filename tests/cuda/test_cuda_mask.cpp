// Mask dilation by window geometry, ordered compaction, resize footprints and mask union,
// each against a plain CPU loop on random masks of odd sizes.
#include <vector>

#include "kernels/cuda/add.h"
#include "kernels/cuda/compact.h"
#include "kernels/cuda/mask_dilate.h"
#include "kernels/cuda/resize.h"
#include "tests/cuda/cuda_test_support.h"

namespace dcnn::cuda::test {
namespace {

class CudaMask : public CudaTest {};

std::vector<uint8_t> cpu_dilate(const std::vector<uint8_t>& in, const Window2D& w) {
  std::vector<uint8_t> out(size_t(w.out_h) * w.out_w, 0);
  for (int oy = 0; oy < w.out_h; ++oy)
    for (int ox = 0; ox < w.out_w; ++ox)
      for (int ky = 0; ky < w.kh; ++ky)
        for (int kx = 0; kx < w.kw; ++kx) {
          int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
          int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
          if (iy >= 0 && iy < w.in_h && ix >= 0 && ix < w.in_w && in[size_t(iy) * w.in_w + ix])
            out[size_t(oy) * w.out_w + ox] = 1;
        }
  return out;
}

TEST_F(CudaMask, CompactionIsOrderedAndCountsExactly) {
  // Sizes around the 2048-byte block boundary and a multi-chunk scan (> 256 blocks).
  for (int64_t n : {1, 37, 2047, 2048, 2049, 5000, 1024 * 576 + 13}) {
    for (double fraction : {0.0, 0.03, 0.5, 1.0}) {
      std::vector<uint8_t> mask(n);
      std::mt19937 rng(static_cast<uint32_t>(n * 7 + fraction * 100));
      std::bernoulli_distribution on(fraction);
      for (auto& b : mask) b = on(rng) ? 1 : 0;
      std::vector<int32_t> want = list_of(mask);

      DeviceBuffer<uint8_t> dmask(mask);
      DeviceBuffer<int32_t> dlist(n);
      DeviceBuffer<int> dcount(1), scratch(compact_scratch_ints(n));
      ASSERT_TRUE(dmask.ok() && dlist.ok() && dcount.ok() && scratch.ok());
      ASSERT_CUDA(compact_mask(dmask.get(), n, dlist.get(), dcount.get(), scratch.get(), 0));
      int count = dcount.download()[0];
      ASSERT_EQ(count, static_cast<int>(want.size())) << "n " << n << " fraction " << fraction;
      std::vector<int32_t> got = dlist.download();
      got.resize(count);
      EXPECT_EQ(got, want) << "n " << n << " fraction " << fraction;
    }
  }
}

TEST_F(CudaMask, DilationMatchesCpuForConvAndPoolWindows) {
  struct Case {
    int h, w, k, stride, dil, pad_begin, pad_end;
  };
  for (const Case& c :
       {Case{37, 53, 3, 1, 1, 1, 1}, Case{37, 53, 3, 2, 1, 0, 1}, Case{29, 31, 5, 2, 2, 4, 3},
        Case{17, 19, 1, 1, 1, 0, 0}, Case{23, 41, 7, 3, 1, 3, 3}}) {
    Window2D w = make_window(c.h, c.w, c.k, c.stride, c.dil, c.pad_begin, c.pad_end);
    std::vector<uint8_t> in = random_mask(size_t(c.h) * c.w, c.h * 100 + c.k, 0.05);
    std::vector<uint8_t> want = cpu_dilate(in, w);
    std::vector<int32_t> want_list = list_of(want);

    int64_t out_n = int64_t{w.out_h} * w.out_w;
    DeviceBuffer<uint8_t> din(in), dout(out_n);
    DeviceBuffer<int32_t> dlist(out_n);
    DeviceBuffer<int> dcount(1), scratch(compact_scratch_ints(out_n));
    ASSERT_TRUE(din.ok() && dout.ok() && dlist.ok() && dcount.ok() && scratch.ok());
    ASSERT_CUDA(
        dilate_mask_to_list(din.get(), w, dout.get(), dlist.get(), dcount.get(), scratch.get(), 0));
    EXPECT_EQ(dout.download(), want) << "kernel " << c.k << " stride " << c.stride;
    int count = dcount.download()[0];
    ASSERT_EQ(count, static_cast<int>(want_list.size()));
    std::vector<int32_t> got_list = dlist.download();
    got_list.resize(count);
    EXPECT_EQ(got_list, want_list);
  }
}

TEST_F(CudaMask, InvalidWindowIsRejected) {
  Window2D w = make_window(8, 8, 3, 1, 1, 1, 1);
  w.stride_h = 0;
  DeviceBuffer<uint8_t> din(64), dout(64);
  EXPECT_EQ(dilate_mask(din.get(), w, dout.get(), 0), cudaErrorInvalidValue);
}

TEST_F(CudaMask, ResizeFootprintMatchesCpu) {
  // Nearest x2 (asymmetric, floor): output (y, x) reads input (y / 2, x / 2).
  ResizeGeometry g;
  g.in_h = 13;
  g.in_w = 7;
  g.out_h = 26;
  g.out_w = 14;
  g.c = 1;
  g.mode = ResizeMode::Nearest;
  g.coord = CoordMode::Asymmetric;
  g.nearest = NearestRound::Floor;
  std::vector<uint8_t> in = random_mask(size_t(g.in_h) * g.in_w, 5, 0.1);
  std::vector<uint8_t> want(size_t(g.out_h) * g.out_w);
  for (int y = 0; y < g.out_h; ++y)
    for (int x = 0; x < g.out_w; ++x)
      want[size_t(y) * g.out_w + x] = in[size_t(y / 2) * g.in_w + x / 2];
  DeviceBuffer<uint8_t> din(in), dout(want.size());
  ASSERT_CUDA(resize_mask(g, din.get(), dout.get(), 0));
  EXPECT_EQ(dout.download(), want);

  // Bilinear x2: output x reads floor(x_in) and the next index, but not a second tap of weight
  // 0 (the CPU's footprint, engine/exec/ops/resize.cpp): half_pixel has one at the clamped
  // border, asymmetric one at every even output.
  g.mode = ResizeMode::Linear;
  for (CoordMode coord : {CoordMode::HalfPixel, CoordMode::Asymmetric}) {
    g.coord = coord;
    auto taps = [&](int o, int in_len) {
      const float raw = coord == CoordMode::HalfPixel ? (o + 0.5f) / 2.f - 0.5f : o / 2.f;
      const float x = std::min(std::max(raw, 0.f), float(in_len - 1));
      const int i0 = int(std::floor(x));
      const int i1 = std::min(i0 + 1, in_len - 1);
      return std::pair<int, int>(i0, x - float(i0) != 0.f ? i1 : i0);
    };
    for (int y = 0; y < g.out_h; ++y)
      for (int x = 0; x < g.out_w; ++x) {
        auto [y0, y1] = taps(y, g.in_h);
        auto [x0, x1] = taps(x, g.in_w);
        auto m = [&](int yy, int xx) { return in[size_t(yy) * g.in_w + xx]; };
        want[size_t(y) * g.out_w + x] = (m(y0, x0) | m(y0, x1) | m(y1, x0) | m(y1, x1)) ? 1 : 0;
      }
    ASSERT_CUDA(resize_mask(g, din.get(), dout.get(), 0));
    EXPECT_EQ(dout.download(), want) << (coord == CoordMode::HalfPixel ? "half_pixel" : "asymmetric");
  }
}

TEST_F(CudaMask, UnionIsBytewiseOr) {
  const int n = 4099;
  std::vector<uint8_t> a = random_mask(n, 1, 0.2), b = random_mask(n, 2, 0.2), want(n);
  for (int i = 0; i < n; ++i) want[i] = a[i] | b[i];
  DeviceBuffer<uint8_t> da(a), db(b);
  ASSERT_CUDA(mask_union(da.get(), db.get(), n, 0));
  EXPECT_EQ(da.download(), want);
}

}  // namespace
}  // namespace dcnn::cuda::test
