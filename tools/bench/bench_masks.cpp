#include "tools/bench/bench_masks.h"

#include "engine/decode/decoder.h"
#include "engine/zones/frame_zones.h"
#include "engine/zones/mask_raster.h"

namespace dcnn::bench {

std::vector<uint8_t> mask_for_bench(const zones::ZonesConfig& config, int source_w, int source_h,
                                    int model_w, int model_h) {
  if (config.masks.empty()) return {};
  const zones::FrameZones frame = zones::FrameZones::make(config, source_w, source_h);
  const FrameGeometry geometry = FrameGeometry::make(source_w, source_h, model_w, model_h, ResizeKind::Stretch);
  return zones::rasterize(frame.masks, geometry);
}

}  // namespace dcnn::bench
