// The YAML's masks as deltacnn-bench applies them: rasterised into the model input for the
// source's frame size. The bench's frame sources stretch every frame to the model input
// (bench_frames.h), so the mapping is a stretch whatever input.resize says.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/zones/zone_settings.h"

namespace dcnn::bench {

// model_w * model_h bytes (1 = masked); empty when the config has no masks. Throws
// dcnn::Error(Config) for pixel coordinates outside a source_w x source_h frame.
std::vector<uint8_t> mask_for_bench(const zones::ZonesConfig& config, int source_w, int source_h,
                                    int model_w, int model_h);

}  // namespace dcnn::bench
