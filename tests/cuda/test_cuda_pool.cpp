// Max pooling on accumulated input (dense and delta form), average pooling with and without
// padded taps, and global average pooling of deltas, against CPU loops on odd sizes; fp16
// storage of each against the fp32 loops on half-rounded inputs.
#include <vector>

#include "kernels/cuda/avg_pool.h"
#include "kernels/cuda/densify.h"
#include "kernels/cuda/global_pool.h"
#include "kernels/cuda/max_pool.h"
#include "tests/cuda/cuda_test_support.h"

namespace dcnn::cuda::test {
namespace {

class CudaPool : public CudaTest {};

std::vector<float> cpu_pool(const Window2D& w, int c, const std::vector<float>& in, bool max,
                            bool include_pad) {
  std::vector<float> out(size_t(w.out_h) * w.out_w * c);
  for (int oy = 0; oy < w.out_h; ++oy)
    for (int ox = 0; ox < w.out_w; ++ox)
      for (int ch = 0; ch < c; ++ch) {
        float m = -INFINITY;
        double sum = 0;
        int taps = 0;
        for (int ky = 0; ky < w.kh; ++ky)
          for (int kx = 0; kx < w.kw; ++kx) {
            int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
            int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
            bool inside = iy >= 0 && iy < w.in_h && ix >= 0 && ix < w.in_w;
            bool padded = iy >= -w.pad_top && iy < w.in_h + w.pad_bottom && ix >= -w.pad_left &&
                          ix < w.in_w + w.pad_right;
            if (inside) {
              float v = in[(size_t(iy) * w.in_w + ix) * c + ch];
              m = std::max(m, v);
              sum += v;
              ++taps;
            } else if (include_pad && padded) {
              ++taps;
            }
          }
        out[(size_t(oy) * w.out_w + ox) * c + ch] = max ? m : (taps ? float(sum / taps) : 0.f);
      }
  return out;
}

// Reference of global_sum: per channel, scale x the sum over the listed pixels (all `pixels`
// when list is null), accumulated in double.
std::vector<float> scaled_channel_sums(const std::vector<float>& in, int c, const std::vector<int32_t>* list,
                                       int pixels, float scale) {
  std::vector<float> out(static_cast<size_t>(c));
  for (int ch = 0; ch < c; ++ch) {
    double sum = 0;
    if (list)
      for (int32_t p : *list) sum += in[size_t(p) * c + ch];
    else
      for (int p = 0; p < pixels; ++p) sum += in[size_t(p) * c + ch];
    out[size_t(ch)] = float(sum * scale);
  }
  return out;
}

TEST_F(CudaPool, MaxPoolDenseAndDeltaTrackTheAccumulatedInput) {
  const int c = 11;
  Window2D w = make_window(25, 19, 3, 2, 1, 1, 1);
  std::vector<float> acc = random_floats(size_t(w.in_h) * w.in_w * c, 1, -2.f, 2.f);
  const size_t out_n = size_t(w.out_h) * w.out_w * c;

  DeviceBuffer<float> dacc(acc), dprev(out_n), dout(out_n), dd(acc.size());
  // Dense pass without state writes the pooled map.
  ASSERT_CUDA(max_pool(w, c, dacc.get(), nullptr, false, dout.get(), nullptr, nullptr,
                       int64_t{w.out_h} * w.out_w, 0));
  std::vector<float> pooled = cpu_pool(w, c, acc, true, false);
  EXPECT_EQ(dout.download(), pooled);
  // Dense first pass that keeps state (emit off): records prev_out and writes the pooled map
  // too, as the CPU kernel does.
  ASSERT_CUDA(cudaMemset(dout.get(), 0, out_n * sizeof(float)));
  ASSERT_CUDA(max_pool(w, c, dacc.get(), dprev.get(), false, dout.get(), nullptr, nullptr,
                       int64_t{w.out_h} * w.out_w, 0));
  EXPECT_EQ(dprev.download(), pooled);
  EXPECT_EQ(dout.download(), pooled);

  // Delta frames: accumulate the input delta, pool the listed outputs, sum the changes.
  std::vector<float> out_sum = pooled;
  for (int frame = 0; frame < 4; ++frame) {
    std::vector<uint8_t> in_mask = random_mask(size_t(w.in_h) * w.in_w, 10 + frame, 0.1);
    std::vector<float> d = random_floats(acc.size(), 20 + frame, -1.f, 1.f);
    zero_inactive(d, in_mask, c);
    for (size_t i = 0; i < acc.size(); ++i) acc[i] += d[i];
    ASSERT_CUDA(dd.upload(d));
    ASSERT_CUDA(accumulate_pixels(dacc.get(), dd.get(), nullptr, int64_t{w.in_h} * w.in_w, c, 0));
    // All outputs listed: outputs whose window saw no change must emit exactly 0.
    ASSERT_CUDA(cudaMemset(dout.get(), 0, out_n * sizeof(float)));
    ASSERT_CUDA(max_pool(w, c, dacc.get(), dprev.get(), true, dout.get(), nullptr, nullptr,
                         int64_t{w.out_h} * w.out_w, 0));
    std::vector<float> delta = dout.download();
    for (size_t i = 0; i < out_n; ++i) out_sum[i] += delta[i];
    expect_near_scaled(out_sum, cpu_pool(w, c, acc, true, false), 1e-5f,
                       "frame " + std::to_string(frame));
  }
}

// With a mask, the delta form masks off the listed outputs whose maximum did not move (every
// channel's change exactly 0) and keeps the others, like the CPU kernel; unlisted outputs are
// left alone. Wide channels (> 32) exercise the warp's channel loop.
TEST_F(CudaPool, MaxPoolMasksOffUnchangedOutputs) {
  for (int c : {3, 40}) {
    Window2D w = make_window(17, 23, 3, 2, 1, 1, 1);
    std::vector<float> acc = random_floats(size_t(w.in_h) * w.in_w * c, 31, -2.f, 2.f);
    const int64_t out_pixels = int64_t{w.out_h} * w.out_w;
    const size_t out_n = size_t(out_pixels) * c;
    std::vector<float> prev = cpu_pool(w, c, acc, true, false);
    // Change one input pixel by a large positive amount in every channel: only the outputs
    // whose window holds it move (their maximum becomes that pixel).
    const int cy = 8, cx = 11;
    for (int ch = 0; ch < c; ++ch) acc[(size_t(cy) * w.in_w + cx) * c + ch] += 100.f;
    std::vector<float> now = cpu_pool(w, c, acc, true, false);
    // List every other output pixel, all with mask 1; the rest keep a sentinel mask 7.
    std::vector<int32_t> list;
    std::vector<uint8_t> mask(size_t(out_pixels), 7), want_mask(size_t(out_pixels), 7);
    for (int32_t p = 0; p < out_pixels; p += 2) {
      list.push_back(p);
      mask[size_t(p)] = 1;
      bool moved = false;
      for (int ch = 0; ch < c; ++ch) moved |= now[size_t(p) * c + ch] != prev[size_t(p) * c + ch];
      want_mask[size_t(p)] = moved ? 1 : 0;
    }
    DeviceBuffer<float> dacc(acc), dprev(prev), dout(out_n);
    DeviceBuffer<uint8_t> dmask(mask);
    DeviceBuffer<int32_t> dlist(list);
    const std::vector<int> count{int(list.size())};
    DeviceBuffer<int> dcount(count);
    ASSERT_CUDA(max_pool(w, c, dacc.get(), dprev.get(), true, dout.get(), dmask.get(), dlist.get(),
                         dcount.get(), out_pixels, 0));
    EXPECT_EQ(dmask.download(), want_mask) << c << " channels";
    int moved = 0;
    for (uint8_t m : want_mask) moved += m == 1;
    EXPECT_GT(moved, 0);
    EXPECT_LT(moved, int(list.size())) << "the test should see both kinds of output";
  }
}

TEST_F(CudaPool, AvgPoolWithAndWithoutPaddedTaps) {
  const int c = 7;
  for (bool include_pad : {false, true}) {
    Window2D w = make_window(21, 17, 3, 2, 1, 1, 1);
    std::vector<float> in = random_floats(size_t(w.in_h) * w.in_w * c, 3);
    std::vector<float> want = cpu_pool(w, c, in, false, include_pad);
    DeviceBuffer<float> din(in), dout(want.size());
    ASSERT_CUDA(
        avg_pool(w, c, include_pad, din.get(), dout.get(), nullptr, int64_t{w.out_h} * w.out_w, 0));
    expect_near_scaled(dout.download(), want, 1e-5f, include_pad ? "include pad" : "exclude pad");
  }
  // Linear: pooling a delta on listed outputs equals the change of the pooled map.
  Window2D w = make_window(15, 13, 2, 2, 1, 0, 0);
  std::vector<float> a = random_floats(size_t(w.in_h) * w.in_w * c, 4);
  std::vector<uint8_t> mask = random_mask(size_t(w.in_h) * w.in_w, 5, 0.2);
  std::vector<float> d = random_floats(a.size(), 6);
  zero_inactive(d, mask, c);
  std::vector<float> b = a;
  for (size_t i = 0; i < a.size(); ++i) b[i] += d[i];
  std::vector<float> pa = cpu_pool(w, c, a, false, false), pb = cpu_pool(w, c, b, false, false);
  std::vector<float> want(pa.size());
  for (size_t i = 0; i < pa.size(); ++i) want[i] = pb[i] - pa[i];
  DeviceBuffer<float> dd(d), dout(want.size());
  ASSERT_CUDA(avg_pool(w, c, false, dd.get(), dout.get(), nullptr, int64_t{w.out_h} * w.out_w, 0));
  expect_near_scaled(dout.download(), want, 1e-5f, "delta");
}

TEST_F(CudaPool, GlobalSumOfDeltasIsChangeOfMean) {
  for (auto [h, w, c] : {std::tuple<int, int, int>{37, 29, 45}, {96, 128, 3}, {1, 1, 70}}) {
    const int pixels = h * w;
    std::vector<float> in = random_floats(size_t(pixels) * c, h + c);
    std::vector<uint8_t> mask = random_mask(pixels, w + c, 0.3);
    if (pixels == 1) mask[0] = 1;
    std::vector<int32_t> list = list_of(mask);
    const float scale = 1.f / pixels;
    const std::vector<float> want_dense = scaled_channel_sums(in, c, nullptr, pixels, scale);
    const std::vector<float> want_list = scaled_channel_sums(in, c, &list, pixels, scale);
    DeviceBuffer<float> din(in), dout(c), scratch(global_sum_scratch_floats(c));
    DeviceBuffer<int32_t> dlist(list);
    ASSERT_CUDA(global_sum(din.get(), nullptr, pixels, c, scale, scratch.get(), dout.get(), 0));
    expect_near_scaled(dout.download(), want_dense, 1e-5f, "dense");
    ASSERT_CUDA(global_sum(din.get(), dlist.get(), static_cast<int64_t>(list.size()), c, scale,
                           scratch.get(), dout.get(), 0));
    expect_near_scaled(dout.download(), want_list, 1e-5f, "listed");
  }
  // No active pixel: the mean did not change.
  DeviceBuffer<float> dout(std::vector<float>(5, 9.f)), scratch(global_sum_scratch_floats(5));
  ASSERT_CUDA(global_sum<float>(nullptr, nullptr, 0, 5, 1.f, scratch.get(), dout.get(), 0));
  EXPECT_EQ(dout.download(), std::vector<float>(5, 0.f));
}

// Max pooling with fp16 storage: (__half, __half) dense, and (float, __half): fp32 accumulated
// input and prev_out, fp16 change out, with the mask update.
TEST_F(CudaPool, MaxPoolFp16Storage) {
  const int c = 40;
  Window2D w = make_window(17, 23, 3, 2, 1, 1, 1);
  const int64_t out_pixels = int64_t{w.out_h} * w.out_w;
  const size_t out_n = size_t(out_pixels) * c;
  std::vector<float> acc = round_to_half(random_floats(size_t(w.in_h) * w.in_w * c, 41, -2.f, 2.f));
  const std::vector<float> pooled = cpu_pool(w, c, acc, true, false);
  DeviceBuffer<__half> hacc(to_half(acc)), hout(out_n);
  ASSERT_CUDA(max_pool(w, c, hacc.get(), nullptr, false, hout.get(), nullptr, nullptr, out_pixels,
                       0));
  expect_near_scaled(to_float(hout.download()), pooled, 1e-2f, "fp16 dense");

  const int cy = 8, cx = 11;
  for (int ch = 0; ch < c; ++ch) acc[(size_t(cy) * w.in_w + cx) * c + ch] += 100.f;
  const std::vector<float> now = cpu_pool(w, c, acc, true, false);
  std::vector<float> want(out_n);
  std::vector<uint8_t> want_mask(size_t(out_pixels), 0);
  for (size_t i = 0; i < out_n; ++i) {
    want[i] = now[i] - pooled[i];
    if (want[i] != 0.f) want_mask[i / c] = 1;
  }
  DeviceBuffer<float> dacc(acc), dprev(pooled);
  DeviceBuffer<__half> hdelta(out_n);
  DeviceBuffer<uint8_t> dmask(std::vector<uint8_t>(size_t(out_pixels), 1));
  ASSERT_CUDA(max_pool(w, c, dacc.get(), dprev.get(), true, hdelta.get(), dmask.get(), nullptr,
                       out_pixels, 0));
  expect_near_scaled(to_float(hdelta.download()), want, 1e-2f, "fp32 in, fp16 delta");
  EXPECT_EQ(dprev.download(), now);
  EXPECT_EQ(dmask.download(), want_mask);
}

TEST_F(CudaPool, AvgAndGlobalPoolFp16Storage) {
  const int c = 7;
  Window2D w = make_window(21, 17, 3, 2, 1, 1, 1);
  const std::vector<float> in = round_to_half(random_floats(size_t(w.in_h) * w.in_w * c, 51));
  DeviceBuffer<__half> hin(to_half(in));
  for (bool include_pad : {false, true}) {
    const std::vector<float> want = cpu_pool(w, c, in, false, include_pad);
    DeviceBuffer<__half> hout(want.size());
    ASSERT_CUDA(avg_pool(w, c, include_pad, hin.get(), hout.get(), nullptr,
                         int64_t{w.out_h} * w.out_w, 0));
    expect_near_scaled(to_float(hout.download()), want, 1e-2f,
                       include_pad ? "fp16 include pad" : "fp16 exclude pad");
  }

  const int pixels = w.in_h * w.in_w;
  const std::vector<uint8_t> mask = random_mask(pixels, 52, 0.3);
  const std::vector<int32_t> list = list_of(mask);
  const float scale = 1.f / pixels;
  const std::vector<float> want_dense = scaled_channel_sums(in, c, nullptr, pixels, scale);
  const std::vector<float> want_list = scaled_channel_sums(in, c, &list, pixels, scale);
  DeviceBuffer<__half> hsum(c);
  DeviceBuffer<float> scratch(global_sum_scratch_floats(c));
  DeviceBuffer<int32_t> dlist(list);
  DeviceBuffer<int> dcount(std::vector<int>{int(list.size())});
  ASSERT_CUDA(global_sum(hin.get(), nullptr, pixels, c, scale, scratch.get(), hsum.get(), 0));
  expect_near_scaled(to_float(hsum.download()), want_dense, 1e-2f, "fp16 global dense");
  ASSERT_CUDA(global_sum(hin.get(), dlist.get(), dcount.get(), int64_t{pixels}, c, scale,
                         scratch.get(), hsum.get(), 0));
  expect_near_scaled(to_float(hsum.download()), want_list, 1e-2f, "fp16 global listed");
  ASSERT_CUDA(global_sum<__half>(nullptr, nullptr, 0, c, 1.f, scratch.get(), hsum.get(), 0));
  EXPECT_EQ(to_float(hsum.download()), std::vector<float>(c, 0.f));
}

}  // namespace
}  // namespace dcnn::cuda::test
