// libFuzzer harness: frame pre-processing (engine/pre) on every pixel format, size and stride a
// caller can hand it, into every model input shape the YAML allows.
//
// Input layout (tests/fuzz/make_preprocess_seeds.py writes seeds in it):
//   byte   format      PixelFormat, modulo 8 (RGB BGR RGBx BGRx RGBA BGRA I420 NV12)
//   byte   flags       bit 0: model wants BGR; bit 1: letterbox (else stretch);
//                      bit 2: validation-only case (below)
//   u16 x2 frame width, height          1..2048 each (area capped, see kFuzzFramePixels)
//   byte x3 stride padding per plane    0..255 bytes beyond a row, odd values included
//   u16 x2 model input width, height    1..512 each
//   byte   pad_value   letterbox border
//   rest   pixel bytes, repeated to fill the planes
// Each plane is its own heap block of exactly stride * (rows - 1) + row bytes, the least a
// caller may map (the last row needs no padding), so AddressSanitizer sees any read past it.
// Oracles: run() writes every output value, and each is a whole number in 0..255 (8-bit
// conversion, resize and float conversion cannot leave that range); letterbox borders hold
// pad_value.
//
// Validation-only case: the frame fields are replaced by raw int32 width, height and three
// strides (any value, negative included) over unmapped planes, and only check_image_view and
// placement run: a view check_image_view accepts must have rows that fit its strides (computed
// here in 64 bits), and the placement must lie inside the model input.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/image.h"
#include "engine/pre/preprocess.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using dcnn::ImageView;
using dcnn::PixelFormat;

// Bigger frames and model inputs only run longer inside OpenCV (not instrumented: no new
// coverage) and cut the executions per second; sizes still reach 2048 on either side (2048x128).
constexpr int64_t kFuzzFramePixels = int64_t(1) << 18;
constexpr int kFuzzFrameSide = 2048;
constexpr int kFuzzModelSide = 512;

[[noreturn]] void fail(const char* what, const ImageView& v) {
  std::fprintf(stderr, "fuzz_preprocess: %s (%s %dx%d, strides %d %d %d)\n", what,
               dcnn::to_string(v.format), v.width, v.height, v.strides[0], v.strides[1],
               v.strides[2]);
  std::abort();
}

// Bytes of one row of plane p, in 64 bits: an independent statement of the layout in image.h.
int64_t row_bytes64(const ImageView& v, int p) {
  const int64_t w = v.width, chroma_w = (w + 1) / 2;
  switch (v.format) {
    case PixelFormat::RGB:
    case PixelFormat::BGR: return p == 0 ? 3 * w : 0;
    case PixelFormat::I420: return p == 0 ? w : chroma_w;
    case PixelFormat::NV12: return p == 0 ? w : (p == 1 ? 2 * chroma_w : 0);
    default: return p == 0 ? 4 * w : 0;
  }
}

// dst[i] = pattern[i % len], zeros without a pattern.
void fill_repeating(uint8_t* dst, size_t n, const uint8_t* pattern, size_t len) {
  if (len == 0) {
    std::memset(dst, 0, n);
    return;
  }
  for (size_t i = 0; i < n; i += len) std::memcpy(dst + i, pattern, std::min(len, n - i));
}

void check_placement(const dcnn::Preprocessor& pre, const dcnn::InputConfig& cfg,
                     const ImageView& v) {
  const dcnn::FramePlacement p = pre.placement(v.width, v.height);
  if (p.width != cfg.width || p.height != cfg.height || p.content_w < 1 || p.content_h < 1 ||
      p.content_x < 0 || p.content_y < 0 || p.content_x + p.content_w > cfg.width ||
      p.content_y + p.content_h > cfg.height)
    fail("placement outside the model input", v);
}

void validation_only(dcnn::fuzz::FuzzInput& in, const dcnn::Preprocessor& pre,
                     const dcnn::InputConfig& cfg, PixelFormat format) {
  static const uint8_t unmapped = 0;  // never read: only check_image_view and placement run
  ImageView v;
  v.format = format;
  v.width = in.i32();
  v.height = in.i32();
  for (int p = 0; p < 3; ++p) {
    v.strides[p] = in.i32();
    v.planes[p] = &unmapped;
  }
  try {
    dcnn::check_image_view(v);
  } catch (const dcnn::Error& e) {
    if (e.kind() != dcnn::ErrorKind::Input) fail("check_image_view threw a non-Input error", v);
    return;
  }
  if (v.width <= 0 || v.height <= 0) fail("check_image_view accepted a non-positive size", v);
  for (int p = 0; p < dcnn::plane_count(v.format); ++p)
    if (row_bytes64(v, p) > v.strides[p]) fail("check_image_view accepted a row wider than its stride", v);
  check_placement(pre, cfg, v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dcnn::fuzz::FuzzInput in(data, size);
  const auto format = PixelFormat(in.byte() % 8);
  const uint8_t flags = in.byte();
  const int frame_w = 1 + in.u16() % kFuzzFrameSide, frame_h = 1 + in.u16() % kFuzzFrameSide;
  int stride_pad[3];
  for (int& pad : stride_pad) pad = in.byte();
  dcnn::InputConfig cfg;
  cfg.width = 1 + in.u16() % kFuzzModelSide;
  cfg.height = 1 + in.u16() % kFuzzModelSide;
  cfg.color = (flags & 1) ? dcnn::ColorOrder::BGR : dcnn::ColorOrder::RGB;
  cfg.resize = (flags & 2) ? dcnn::ResizeKind::Letterbox : dcnn::ResizeKind::Stretch;
  cfg.pad_value = float(in.byte());
  const dcnn::Preprocessor pre(cfg);
  if (flags & 4) {
    validation_only(in, pre, cfg, format);
    return 0;
  }
  if (int64_t(frame_w) * frame_h > kFuzzFramePixels) return 0;

  ImageView view;
  view.format = format;
  view.width = frame_w;
  view.height = frame_h;
  const uint8_t* pixels = in.rest();
  const size_t pixel_count = in.rest_size();
  std::vector<std::unique_ptr<uint8_t[]>> planes;
  for (int p = 0; p < dcnn::plane_count(format); ++p) {
    const int row = dcnn::plane_row_bytes(view, p);
    const int rows = dcnn::plane_rows(view, p);
    view.strides[p] = row + stride_pad[p];
    const size_t bytes = size_t(view.strides[p]) * size_t(rows - 1) + size_t(row);
    planes.emplace_back(new uint8_t[bytes]);
    fill_repeating(planes.back().get(), bytes, pixels, pixel_count);
    view.planes[p] = planes.back().get();
  }
  check_placement(pre, cfg, view);

  // NaN everywhere first: a value run() does not write stays NaN and fails the range check.
  const size_t out_count = size_t(cfg.width) * size_t(cfg.height) * 3;
  std::vector<float> out(out_count, std::numeric_limits<float>::quiet_NaN());
  pre.run(view, out.data());  // a legal view: any dcnn::Error here is a bug too
  for (float v : out)
    if (!(v >= 0.f && v <= 255.f) || v != std::floor(v)) fail("output value not a whole number in 0..255", view);
  if (cfg.resize == dcnn::ResizeKind::Letterbox) {
    const dcnn::FramePlacement p = pre.placement(frame_w, frame_h);
    for (int y = 0; y < cfg.height; ++y)
      for (int x = 0; x < cfg.width; ++x) {
        const bool inside = x >= p.content_x && x < p.content_x + p.content_w &&
                            y >= p.content_y && y < p.content_y + p.content_h;
        const float* px = &out[(size_t(y) * cfg.width + x) * 3];
        if (!inside && (px[0] != cfg.pad_value || px[1] != cfg.pad_value || px[2] != cfg.pad_value))
          fail("letterbox border differs from pad_value", view);
      }
  }
  return 0;
}
