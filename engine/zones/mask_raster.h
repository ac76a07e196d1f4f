// Masks rasterised into the model input's pixels, where the input change test runs: once per
// frame size (Stream, deltacnn-bench), never per frame.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/decode/decoder.h"
#include "engine/zones/polygon.h"

namespace dcnn::zones {

// The frame point that the centre of model-input pixel (i, j) shows (geometry's letterbox or
// stretch undone). Pixels of a letterbox border map outside the frame.
inline Point model_pixel_in_frame(const FrameGeometry& g, int i, int j) {
  return {(i + 0.5 - double(g.pad_x)) / double(g.scale_x), (j + 0.5 - double(g.pad_y)) / double(g.scale_y)};
}

// model_width * model_height bytes, row-major: 1 where the pixel's centre (model_pixel_in_frame)
// lies inside any of the polygons (frame pixels), 0 elsewhere. Agrees with contains() on every
// pixel: each row is filled from the same edge crossings that contains() counts.
std::vector<uint8_t> rasterize(const std::vector<Polygon>& frame_polygons, const FrameGeometry& g);

}  // namespace dcnn::zones
