// The YAML's masks as deltacnn-bench applies them: rasterised into the model input for the
// source's frame size, placed as the YAML's input.resize places the frame (bench_frames.h
// pre-processes video frames the same way).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/config/config.h"
#include "engine/zones/zone_settings.h"

namespace dcnn::bench {

// model_w * model_h bytes (1 = masked); empty when the config has no masks. Throws
// dcnn::Error(Config) for pixel coordinates outside a source_w x source_h frame.
std::vector<uint8_t> mask_for_bench(const zones::ZonesConfig& config, int source_w, int source_h,
                                    const InputConfig& input);

}  // namespace dcnn::bench
