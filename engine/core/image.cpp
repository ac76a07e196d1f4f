#include "engine/core/image.h"

#include "engine/core/error.h"

namespace dcnn {
namespace {

[[noreturn]] void bad_frame(const ImageView& f, const std::string& problem,
                            const std::string& expected) {
  throw Error(ErrorKind::Input, std::string("pre-processing ") + to_string(f.format) + " " +
                                    std::to_string(f.width) + "x" + std::to_string(f.height) +
                                    " frame: " + problem + "; expected " + expected);
}

bool is_yuv420(PixelFormat f) { return f == PixelFormat::I420 || f == PixelFormat::NV12; }

}  // namespace

const char* to_string(PixelFormat format) noexcept {
  switch (format) {
    case PixelFormat::RGB: return "RGB";
    case PixelFormat::BGR: return "BGR";
    case PixelFormat::RGBx: return "RGBx";
    case PixelFormat::BGRx: return "BGRx";
    case PixelFormat::RGBA: return "RGBA";
    case PixelFormat::BGRA: return "BGRA";
    case PixelFormat::I420: return "I420";
    case PixelFormat::NV12: return "NV12";
  }
  return "unknown";
}

int packed_channels(PixelFormat f) noexcept {
  switch (f) {
    case PixelFormat::RGB:
    case PixelFormat::BGR: return 3;
    case PixelFormat::RGBx:
    case PixelFormat::BGRx:
    case PixelFormat::RGBA:
    case PixelFormat::BGRA: return 4;
    default: return 0;
  }
}

int plane_count(PixelFormat f) noexcept {
  if (f == PixelFormat::I420) return 3;
  if (f == PixelFormat::NV12) return 2;
  return packed_channels(f) > 0 ? 1 : 0;
}

int plane_row_bytes(const ImageView& v, int plane) noexcept {
  const int channels = packed_channels(v.format);
  if (channels > 0) return plane == 0 ? v.width * channels : 0;
  if (!is_yuv420(v.format) || plane >= plane_count(v.format)) return 0;
  if (plane == 0) return v.width;
  const int cw = (v.width + 1) / 2;
  return v.format == PixelFormat::NV12 ? 2 * cw : cw;
}

int plane_rows(const ImageView& v, int plane) noexcept {
  if (plane >= plane_count(v.format)) return 0;
  return plane == 0 ? v.height : (v.height + 1) / 2;
}

void check_image_view(const ImageView& f) {
  if (f.width <= 0 || f.height <= 0) bad_frame(f, "zero or negative size", "a positive width and height");
  // Before any row arithmetic: 4 * width overflows an int from width 2^29 on, and a wrapped
  // row size would let a too-small stride through (found by tests/fuzz/fuzz_preprocess.cpp).
  if (f.width > kMaxFrameSide || f.height > kMaxFrameSide)
    bad_frame(f, "size above " + std::to_string(kMaxFrameSide) + " pixels",
              "a width and height of at most " + std::to_string(kMaxFrameSide));
  if (plane_count(f.format) == 0)
    bad_frame(f, "unknown pixel format", "RGB, BGR, RGBx, BGRx, RGBA, BGRA, I420 or NV12");
  for (int p = 0; p < plane_count(f.format); ++p) {
    const int row_bytes = plane_row_bytes(f, p);
    if (!f.planes[p]) bad_frame(f, "plane " + std::to_string(p) + " is null", "a mapped plane");
    if (f.strides[p] < row_bytes)
      bad_frame(f, "plane " + std::to_string(p) + " stride " + std::to_string(f.strides[p]) +
                       " is smaller than a row", "a stride >= " + std::to_string(row_bytes) + " bytes");
  }
}

}  // namespace dcnn
