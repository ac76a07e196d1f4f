#include "tools/bench/bench_masks.h"

#include "engine/decode/decoder.h"
#include "engine/pre/preprocess.h"
#include "engine/zones/frame_zones.h"
#include "engine/zones/mask_raster.h"

namespace dcnn::bench {

std::vector<uint8_t> mask_for_bench(const zones::ZonesConfig& config, int source_w, int source_h,
                                    const InputConfig& input) {
  if (config.masks.empty()) return {};
  const zones::FrameZones frame = zones::FrameZones::make(config, source_w, source_h);
  const FrameGeometry geometry = Preprocessor(input).geometry(source_w, source_h);
  return zones::rasterize(frame.masks, geometry);
}

}  // namespace dcnn::bench
