// Add, broadcast mul/div on accumulated values, concat, densify and resize values, each against
// a CPU loop on random data with odd sizes and channel counts; fp16 storage of each (and of
// affine, zero_inactive_pixels, convert) against the fp32 loop on half-rounded inputs.
#include <vector>

#include "kernels/cuda/add.h"
#include "kernels/cuda/affine.h"
#include "kernels/cuda/binary.h"
#include "kernels/cuda/clear_pixels.h"
#include "kernels/cuda/concat.h"
#include "kernels/cuda/densify.h"
#include "kernels/cuda/mask_ops.h"
#include "kernels/cuda/resize.h"
#include "tests/cuda/cuda_test_support.h"

namespace dcnn::cuda::test {
namespace {

class CudaElementwise : public CudaTest {};

TEST_F(CudaElementwise, AddOnListedPixelsWithCoefficientsAndBroadcast) {
  const int pixels = 31 * 17, c = 19;
  const size_t n = size_t(pixels) * c;
  std::vector<float> a = random_floats(n, 1), b = random_floats(n, 2), bvec = random_floats(c, 3);
  std::vector<uint8_t> mask = random_mask(pixels, 4, 0.3);
  std::vector<int32_t> list = list_of(mask);
  std::vector<float> sentinel(n, 7.f);

  for (bool broadcast : {false, true}) {
    std::vector<float> want = sentinel;
    for (int32_t p : list)
      for (int ch = 0; ch < c; ++ch)
        want[size_t(p) * c + ch] =
            0.5f * a[size_t(p) * c + ch] - 2.f * (broadcast ? bvec[ch] : b[size_t(p) * c + ch]);
    DeviceBuffer<float> da(a), db(broadcast ? bvec : b), dout(sentinel);
    DeviceBuffer<int32_t> dlist(list);
    ASSERT_CUDA(add(da.get(), db.get(), broadcast, 0.5f, -2.f, dout.get(), dlist.get(),
                    static_cast<int64_t>(list.size()), c, 0));
    // The device may fuse the multiply-add (one rounding less): compare to fp32 tolerance.
    expect_near_scaled(dout.download(), want, 1e-6f, broadcast ? "broadcast" : "same shape");
  }
  // Dense (null list), in place into a.
  std::vector<float> want(n);
  for (size_t i = 0; i < n; ++i) want[i] = a[i] + b[i];
  DeviceBuffer<float> da(a), db(b);
  ASSERT_CUDA(add(da.get(), db.get(), false, 1.f, 1.f, da.get(), nullptr, pixels, c, 0));
  expect_near_scaled(da.download(), want, 1e-6f, "dense in place");
}

TEST_F(CudaElementwise, GateMultiplyEmitsChangeOfProduct) {
  // Squeeze-excite: map (h, w, c) times gate (1, 1, c), on accumulated values.
  const int h = 9, w = 13, c = 21;
  const size_t n = size_t(h) * w * c;
  std::vector<float> map = random_floats(n, 5), gate = random_floats(c, 6, 0.1f, 1.f);
  std::vector<float> prev = random_floats(n, 7);
  BroadcastView<float> va{nullptr, int64_t{w} * c, c, 1}, vb{nullptr, 0, 0, 1};
  for (BinaryFn fn : {BinaryFn::Mul, BinaryFn::Div}) {
    DeviceBuffer<float> dmap(map), dgate(gate), dprev(prev), dout(n);
    va.data = dmap.get();
    vb.data = dgate.get();
    ASSERT_CUDA(
        binary(fn, va, vb, w, c, dprev.get(), true, dout.get(), nullptr, int64_t{h} * w, 0));
    std::vector<float> want_out(n), want_prev(n);
    for (size_t i = 0; i < n; ++i) {
      float f = fn == BinaryFn::Mul ? map[i] * gate[i % c] : map[i] / gate[i % c];
      want_out[i] = f - prev[i];
      want_prev[i] = f;
    }
    expect_near_scaled(dout.download(), want_out, 1e-6f, "delta");
    expect_near_scaled(dprev.download(), want_prev, 1e-6f, "prev");

    // Listed pixels only, without prev: plain product there, untouched elsewhere.
    std::vector<uint8_t> mask = random_mask(size_t(h) * w, 8, 0.3);
    std::vector<int32_t> list = list_of(mask);
    std::vector<float> sentinel(n, -3.f), want = sentinel;
    for (int32_t p : list)
      for (int ch = 0; ch < c; ++ch) {
        size_t i = size_t(p) * c + ch;
        want[i] = fn == BinaryFn::Mul ? map[i] * gate[ch] : map[i] / gate[ch];
      }
    DeviceBuffer<float> dout2(sentinel);
    DeviceBuffer<int32_t> dlist(list);
    ASSERT_CUDA(binary(fn, va, vb, w, c, nullptr, false, dout2.get(), dlist.get(),
                       static_cast<int64_t>(list.size()), 0));
    expect_near_scaled(dout2.download(), want, 1e-6f, "listed");

    // Dense pass that keeps state (emit off): out and prev_out both get the product, as on the
    // CPU (kernels/cpu/binary.h).
    DeviceBuffer<float> dout3(sentinel), dprev3(prev);
    ASSERT_CUDA(binary(fn, va, vb, w, c, dprev3.get(), false, dout3.get(), nullptr,
                       int64_t{h} * w, 0));
    expect_near_scaled(dout3.download(), want_prev, 1e-6f, "emit off: out");
    expect_near_scaled(dprev3.download(), want_prev, 1e-6f, "emit off: prev");
  }
}

TEST_F(CudaElementwise, ConcatThreeInputsOnListedPixels) {
  const int pixels = 23 * 11;
  const int ch[3] = {5, 1, 17};
  const int out_c = 23;
  std::vector<std::vector<float>> in;
  for (int k = 0; k < 3; ++k) in.push_back(random_floats(size_t(pixels) * ch[k], 10 + k));
  std::vector<uint8_t> mask = random_mask(pixels, 14, 0.5);
  std::vector<int32_t> list = list_of(mask);
  std::vector<float> want(size_t(pixels) * out_c, 0.f);
  for (int32_t p : list) {
    int o = 0;
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < ch[k]; ++j) want[size_t(p) * out_c + o++] = in[k][size_t(p) * ch[k] + j];
  }
  DeviceBuffer<float> d0(in[0]), d1(in[1]), d2(in[2]), dout(want.size());
  DeviceBuffer<int32_t> dlist(list);
  ASSERT_CUDA(cudaMemset(dout.get(), 0, want.size() * sizeof(float)));
  ConcatInputs<float> inputs;
  inputs.count = 3;
  inputs.data[0] = d0.get();
  inputs.data[1] = d1.get();
  inputs.data[2] = d2.get();
  for (int k = 0; k < 3; ++k) inputs.channels[k] = ch[k];
  ASSERT_CUDA(concat(inputs, dout.get(), out_c, dlist.get(), static_cast<int64_t>(list.size()), 0));
  EXPECT_EQ(dout.download(), want);
  EXPECT_EQ(concat(inputs, dout.get(), out_c + 1, dlist.get(), 1, 0), cudaErrorInvalidValue);
}

TEST_F(CudaElementwise, DensifyAddsOnlyListedPixels) {
  const int pixels = 47 * 3, c = 9;
  const size_t n = size_t(pixels) * c;
  std::vector<float> dense = random_floats(n, 20), delta = random_floats(n, 21);
  std::vector<uint8_t> mask = random_mask(pixels, 22, 0.25);
  std::vector<int32_t> list = list_of(mask);
  std::vector<float> want = dense;
  for (int32_t p : list)
    for (int ch = 0; ch < c; ++ch) want[size_t(p) * c + ch] += delta[size_t(p) * c + ch];
  DeviceBuffer<float> ddense(dense), ddelta(delta);
  DeviceBuffer<int32_t> dlist(list);
  ASSERT_CUDA(accumulate_pixels(ddense.get(), ddelta.get(), dlist.get(),
                                static_cast<int64_t>(list.size()), c, 0));
  EXPECT_EQ(ddense.download(), want);
}

TEST_F(CudaElementwise, ClearPixelsZeroesListedValuesAndMaskBytes) {
  const int pixels = 29 * 7, c = 5;
  const size_t n = size_t(pixels) * c;
  std::vector<float> values = random_floats(n, 23);
  std::vector<uint8_t> mask(pixels, 1);
  std::vector<int32_t> list = list_of(random_mask(pixels, 24, 0.3));
  std::vector<float> want = values;
  std::vector<uint8_t> want_mask = mask;
  for (int32_t p : list) {
    want_mask[p] = 0;
    for (int ch = 0; ch < c; ++ch) want[size_t(p) * c + ch] = 0.f;
  }
  DeviceBuffer<float> dvalues(values);
  DeviceBuffer<uint8_t> dmask(mask);
  DeviceBuffer<int32_t> dlist(list);
  ASSERT_CUDA(clear_pixels(dvalues.get(), dmask.get(), dlist.get(),
                           static_cast<int64_t>(list.size()), c, 0));
  EXPECT_EQ(dvalues.download(), want);
  EXPECT_EQ(dmask.download(), want_mask);

  // Count on the device: list entries past it (pixels 1..) must stay untouched.
  std::vector<int32_t> padded = {0, 1, 2, 3};
  DeviceBuffer<float> dvalues2(values);
  DeviceBuffer<uint8_t> dmask2(mask);
  DeviceBuffer<int32_t> dpadded(padded);
  DeviceBuffer<int> dcount(std::vector<int>{1});
  ASSERT_CUDA(clear_pixels(dvalues2.get(), dmask2.get(), dpadded.get(), dcount.get(), 4, c, 0));
  std::vector<float> want2 = values;
  std::fill(want2.begin(), want2.begin() + c, 0.f);
  std::vector<uint8_t> want_mask2 = mask;
  want_mask2[0] = 0;
  EXPECT_EQ(dvalues2.download(), want2);
  EXPECT_EQ(dmask2.download(), want_mask2);
}

// ONNX Resize reference, written from the operator's specification.
float ref_coord(int o, int in_len, int out_len, float scale, CoordMode mode) {
  switch (mode) {
    case CoordMode::HalfPixel:
      return (o + 0.5f) / scale - 0.5f;
    case CoordMode::PytorchHalfPixel:
      return out_len > 1 ? (o + 0.5f) / scale - 0.5f : 0.f;
    case CoordMode::AlignCorners:
      return out_len > 1 ? o * float(in_len - 1) / float(out_len - 1) : 0.f;
    case CoordMode::Asymmetric:
      return o / scale;
  }
  return 0.f;
}

std::vector<float> ref_resize(const ResizeGeometry& g, const std::vector<float>& in) {
  std::vector<float> out(size_t(g.out_h) * g.out_w * g.c);
  auto taps = [&](int o, int in_len, int out_len, float scale, int& i0, int& i1, float& wt) {
    float s = scale > 0.f ? scale : float(out_len) / float(in_len);
    float x = ref_coord(o, in_len, out_len, s, g.coord);
    if (g.mode == ResizeMode::Nearest) {
      float r = g.nearest == NearestRound::RoundPreferFloor  ? std::ceil(x - 0.5f)
                : g.nearest == NearestRound::RoundPreferCeil ? std::floor(x + 0.5f)
                : g.nearest == NearestRound::Floor           ? std::floor(x)
                                                             : std::ceil(x);
      i0 = i1 = std::min(std::max(int(r), 0), in_len - 1);
      wt = 0.f;
      return;
    }
    x = std::min(std::max(x, 0.f), float(in_len - 1));
    i0 = int(std::floor(x));
    i1 = std::min(i0 + 1, in_len - 1);
    wt = x - i0;
  };
  for (int y = 0; y < g.out_h; ++y)
    for (int x = 0; x < g.out_w; ++x) {
      int y0, y1, x0, x1;
      float wy, wx;
      taps(y, g.in_h, g.out_h, g.scale_h, y0, y1, wy);
      taps(x, g.in_w, g.out_w, g.scale_w, x0, x1, wx);
      for (int ch = 0; ch < g.c; ++ch) {
        auto at = [&](int yy, int xx) { return in[(size_t(yy) * g.in_w + xx) * g.c + ch]; };
        float top = (1 - wx) * at(y0, x0) + wx * at(y0, x1);
        float bottom = (1 - wx) * at(y1, x0) + wx * at(y1, x1);
        out[(size_t(y) * g.out_w + x) * g.c + ch] = (1 - wy) * top + wy * bottom;
      }
    }
  return out;
}

TEST_F(CudaElementwise, ResizeAllModesMatchReference) {
  std::vector<float> in = random_floats(size_t(7) * 11 * 5, 30);
  const std::vector<float> in_half = round_to_half(in);
  for (ResizeMode mode : {ResizeMode::Nearest, ResizeMode::Linear})
    for (CoordMode coord : {CoordMode::HalfPixel, CoordMode::PytorchHalfPixel,
                            CoordMode::AlignCorners, CoordMode::Asymmetric})
      for (NearestRound round : {NearestRound::RoundPreferFloor, NearestRound::RoundPreferCeil,
                                 NearestRound::Floor, NearestRound::Ceil}) {
        if (mode == ResizeMode::Linear && round != NearestRound::RoundPreferFloor) continue;
        for (auto [oh, ow, sh, sw] : {std::tuple<int, int, float, float>{14, 22, 0.f, 0.f},
                                      {15, 23, 0.f, 0.f},
                                      {14, 33, 2.f, 3.f},
                                      {1, 5, 0.f, 0.f}}) {
          ResizeGeometry g;
          g.in_h = 7;
          g.in_w = 11;
          g.c = 5;
          g.out_h = oh;
          g.out_w = ow;
          g.scale_h = sh;
          g.scale_w = sw;
          g.mode = mode;
          g.coord = coord;
          g.nearest = round;
          std::vector<float> want = ref_resize(g, in);
          DeviceBuffer<float> din(in), dout(want.size());
          ASSERT_CUDA(resize(g, din.get(), dout.get(), nullptr, int64_t{oh} * ow, 0));
          const std::string what = "mode " + std::to_string(int(mode)) + " coord " +
                                   std::to_string(int(coord)) + " round " +
                                   std::to_string(int(round)) + " out " + std::to_string(oh) +
                                   "x" + std::to_string(ow);
          expect_near_scaled(dout.download(), want, 1e-5f, what);
          // fp16 storage: the same geometry on half-rounded input.
          const std::vector<float> want_half = ref_resize(g, in_half);
          DeviceBuffer<__half> hin(to_half(in_half)), hout(want_half.size());
          ASSERT_CUDA(resize(g, hin.get(), hout.get(), nullptr, int64_t{oh} * ow, 0));
          expect_near_scaled(to_float(hout.download()), want_half, 1e-2f, "fp16 " + what);
        }
      }
}

TEST_F(CudaElementwise, Fp16AddAffineAndZeroInactive) {
  const int pixels = 31 * 17, c = 19;
  const size_t n = size_t(pixels) * c;
  const std::vector<float> a = round_to_half(random_floats(n, 101));
  const std::vector<float> b = round_to_half(random_floats(n, 102));
  const std::vector<float> bvec = round_to_half(random_floats(c, 103));
  const std::vector<uint8_t> mask = random_mask(pixels, 104, 0.3);
  const std::vector<int32_t> list = list_of(mask);
  DeviceBuffer<int32_t> dlist(list);
  DeviceBuffer<int> dcount(std::vector<int>{int(list.size())});

  // add: listed pixels with broadcast (count on the device), then dense in place into a.
  std::vector<float> want(n, 7.f);
  for (int32_t p : list)
    for (int ch = 0; ch < c; ++ch)
      want[size_t(p) * c + ch] = 0.5f * a[size_t(p) * c + ch] - 2.f * bvec[ch];
  DeviceBuffer<__half> ha(to_half(a)), hb(to_half(b)), hbvec(to_half(bvec));
  DeviceBuffer<__half> hout(to_half(std::vector<float>(n, 7.f)));
  ASSERT_CUDA(add(ha.get(), hbvec.get(), true, 0.5f, -2.f, hout.get(), dlist.get(), dcount.get(),
                  static_cast<int64_t>(list.size()), c, 0));
  expect_near_scaled(to_float(hout.download()), want, 1e-2f, "fp16 add broadcast");
  for (size_t i = 0; i < n; ++i) want[i] = a[i] + b[i];
  ASSERT_CUDA(add(ha.get(), hb.get(), false, 1.f, 1.f, ha.get(), nullptr, pixels, c, 0));
  expect_near_scaled(to_float(ha.download()), want, 1e-2f, "fp16 add dense in place");

  // affine: dense with shift, then listed pixels without (fp32 scale and shift).
  const std::vector<float> scale = random_floats(c, 105), shift = random_floats(c, 106);
  DeviceBuffer<float> dscale(scale), dshift(shift);
  DeviceBuffer<__half> hx(to_half(a)), hy(n);
  ASSERT_CUDA(affine(hx.get(), hy.get(), dscale.get(), dshift.get(), pixels, c, 0));
  for (size_t i = 0; i < n; ++i) want[i] = scale[i % c] * a[i] + shift[i % c];
  expect_near_scaled(to_float(hy.download()), want, 1e-2f, "fp16 affine dense");
  std::vector<float> want_listed = a;
  for (int32_t p : list)
    for (int ch = 0; ch < c; ++ch) want_listed[size_t(p) * c + ch] *= scale[ch];
  ASSERT_CUDA(affine(hx.get(), hx.get(), dscale.get(), dlist.get(), dcount.get(),
                     static_cast<int64_t>(list.size()), c, 0));
  expect_near_scaled(to_float(hx.download()), want_listed, 1e-2f, "fp16 affine listed");

  // zero_inactive_pixels: exact zeros at inactive pixels, other values untouched.
  std::vector<float> want_zeroed = b;
  zero_inactive(want_zeroed, mask, c);
  DeviceBuffer<uint8_t> dmask(mask);
  DeviceBuffer<__half> hz(to_half(b));
  ASSERT_CUDA(zero_inactive_pixels(hz.get(), dmask.get(), pixels, c, 0));
  EXPECT_EQ(to_float(hz.download()), want_zeroed);
}

TEST_F(CudaElementwise, Fp16BinaryStorageCombinations) {
  const int h = 9, w = 13, c = 21;
  const size_t n = size_t(h) * w * c;
  const std::vector<float> map = round_to_half(random_floats(n, 111));
  const std::vector<float> gate = round_to_half(random_floats(c, 112, 0.1f, 1.f));
  const std::vector<float> prev = random_floats(n, 113);
  for (BinaryFn fn : {BinaryFn::Mul, BinaryFn::Div}) {
    std::vector<float> want_out(n), want_prev(n);
    for (size_t i = 0; i < n; ++i) {
      want_prev[i] = fn == BinaryFn::Mul ? map[i] * gate[i % c] : map[i] / gate[i % c];
      want_out[i] = want_prev[i] - prev[i];
    }
    // (__half, __half): fp16 operands and out, fp32 prev_out.
    DeviceBuffer<__half> hmap(to_half(map)), hgate(to_half(gate)), hout(n);
    DeviceBuffer<float> dprev(prev);
    BroadcastView<__half> ha{hmap.get(), int64_t{w} * c, c, 1}, hb{hgate.get(), 0, 0, 1};
    ASSERT_CUDA(
        binary(fn, ha, hb, w, c, dprev.get(), true, hout.get(), nullptr, int64_t{h} * w, 0));
    expect_near_scaled(to_float(hout.download()), want_out, 1e-2f, "fp16 delta");
    expect_near_scaled(dprev.download(), want_prev, 1e-6f, "fp16 prev");
    // (float, __half): fp32 operands (accumulated inputs), fp16 out.
    DeviceBuffer<float> fmap(map), fgate(gate), dprev2(prev);
    BroadcastView<float> fa{fmap.get(), int64_t{w} * c, c, 1}, fb{fgate.get(), 0, 0, 1};
    DeviceBuffer<__half> hout2(n);
    ASSERT_CUDA(
        binary(fn, fa, fb, w, c, dprev2.get(), true, hout2.get(), nullptr, int64_t{h} * w, 0));
    expect_near_scaled(to_float(hout2.download()), want_out, 1e-2f, "fp32 in, fp16 delta");
    expect_near_scaled(dprev2.download(), want_prev, 1e-6f, "fp32 in, prev");
  }
}

TEST_F(CudaElementwise, Fp16ConcatDensifyAndClear) {
  const int pixels = 23 * 11;
  const int ch[2] = {5, 17};
  const int out_c = 22;
  std::vector<std::vector<float>> in;
  for (int k = 0; k < 2; ++k)
    in.push_back(round_to_half(random_floats(size_t(pixels) * ch[k], 120 + k)));
  const std::vector<uint8_t> mask = random_mask(pixels, 122, 0.5);
  const std::vector<int32_t> list = list_of(mask);
  DeviceBuffer<int32_t> dlist(list);
  std::vector<float> want(size_t(pixels) * out_c, 0.f);
  for (int32_t p : list) {
    int o = 0;
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < ch[k]; ++j) want[size_t(p) * out_c + o++] = in[k][size_t(p) * ch[k] + j];
  }
  DeviceBuffer<__half> h0(to_half(in[0])), h1(to_half(in[1])), hout(want.size());
  ConcatInputs<__half> inputs;
  inputs.count = 2;
  inputs.data[0] = h0.get();
  inputs.data[1] = h1.get();
  inputs.channels[0] = ch[0];
  inputs.channels[1] = ch[1];
  ASSERT_CUDA(concat(inputs, hout.get(), out_c, dlist.get(), static_cast<int64_t>(list.size()), 0));
  expect_near_scaled(to_float(hout.download()), want, 1e-2f, "fp16 concat");

  // densify: fp32 dense += fp16 delta at the listed pixels.
  const int c = ch[1];
  const size_t n = size_t(pixels) * c;
  const std::vector<float> dense = random_floats(n, 123);
  std::vector<float> want_dense = dense;
  for (int32_t p : list)
    for (int j = 0; j < c; ++j) want_dense[size_t(p) * c + j] += in[1][size_t(p) * c + j];
  DeviceBuffer<float> ddense(dense);
  ASSERT_CUDA(accumulate_pixels(ddense.get(), h1.get(), dlist.get(),
                                static_cast<int64_t>(list.size()), c, 0));
  expect_near_scaled(ddense.download(), want_dense, 1e-2f, "fp16 densify");

  // clear_pixels: listed fp16 values and mask bytes zeroed.
  std::vector<float> want_cleared = in[1];
  std::vector<uint8_t> cmask(pixels, 1), want_cmask(pixels, 1);
  for (int32_t p : list) {
    want_cmask[p] = 0;
    for (int j = 0; j < c; ++j) want_cleared[size_t(p) * c + j] = 0.f;
  }
  DeviceBuffer<uint8_t> dcmask(cmask);
  ASSERT_CUDA(clear_pixels(h1.get(), dcmask.get(), dlist.get(), static_cast<int64_t>(list.size()),
                           c, 0));
  EXPECT_EQ(to_float(h1.download()), want_cleared);
  EXPECT_EQ(dcmask.download(), want_cmask);
}

TEST_F(CudaElementwise, ConvertBetweenFp32AndFp16) {
  const size_t n = 1000003;  // more than one grid-stride pass of the capped grid
  const std::vector<float> x = random_floats(n, 130, -300.f, 300.f);
  const std::vector<float> x_half = round_to_half(x);
  DeviceBuffer<float> dx(x), dback(n), dcopy(n);
  DeviceBuffer<__half> dh(n), dh2(n);
  ASSERT_TRUE(dx.ok() && dback.ok() && dcopy.ok() && dh.ok() && dh2.ok());
  ASSERT_CUDA(convert(dx.get(), dh.get(), int64_t(n), 0));
  EXPECT_EQ(to_float(dh.download()), x_half);  // round to nearest, as the host conversion
  ASSERT_CUDA(convert(dh.get(), dback.get(), int64_t(n), 0));
  EXPECT_EQ(dback.download(), x_half);  // widening is exact
  ASSERT_CUDA(convert(dh.get(), dh2.get(), int64_t(n), 0));
  EXPECT_EQ(to_float(dh2.download()), x_half);
  ASSERT_CUDA(convert(dx.get(), dcopy.get(), int64_t(n), 0));
  EXPECT_EQ(dcopy.download(), x);
  expect_near_scaled(x_half, x, 1e-2f, "fp16 rounding of the data");
  EXPECT_EQ((convert<float, __half>(nullptr, nullptr, 0, 0)), cudaSuccess);
  EXPECT_EQ((convert<float, __half>(nullptr, dh.get(), 4, 0)), cudaErrorInvalidValue);
  EXPECT_EQ((convert<__half, float>(dh.get(), nullptr, 4, 0)), cudaErrorInvalidValue);
  EXPECT_EQ(convert(dx.get(), dh.get(), -1, 0), cudaErrorInvalidValue);
}

}  // namespace
}  // namespace dcnn::cuda::test
