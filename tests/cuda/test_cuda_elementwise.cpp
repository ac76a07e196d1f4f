// Add, broadcast mul/div on accumulated values, concat, densify and resize values, each against
// a CPU loop on random data with odd sizes and channel counts.
#include <vector>

#include "kernels/cuda/add.h"
#include "kernels/cuda/binary.h"
#include "kernels/cuda/clear_pixels.h"
#include "kernels/cuda/concat.h"
#include "kernels/cuda/densify.h"
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
  BroadcastView va{nullptr, int64_t{w} * c, c, 1}, vb{nullptr, 0, 0, 1};
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
  ConcatInputs inputs;
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
          expect_near_scaled(dout.download(), want, 1e-5f,
                             "mode " + std::to_string(int(mode)) + " coord " +
                                 std::to_string(int(coord)) + " round " +
                                 std::to_string(int(round)) + " out " + std::to_string(oh) + "x" +
                                 std::to_string(ow));
        }
      }
}

}  // namespace
}  // namespace dcnn::cuda::test
