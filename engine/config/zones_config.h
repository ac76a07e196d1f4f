// The `zones:` and `masks:` blocks of a deployment file (schema: config.cpp's header comment and
// the README, "Zones and masks"), validated into zones::ZonesConfig.
#pragma once

#include <yaml-cpp/yaml.h>

#include "engine/config/config.h"
#include "engine/config/yaml_reader.h"
#include "engine/zones/zone_settings.h"

namespace dcnn {

// `zones` / `masks` may be absent (null nodes). After the decoder: a zone's labels must be
// among decoder.labels when the file lists them. Throws dcnn::Error(Config) naming the file,
// the key path (zones[1].polygon[2]), the line and what is expected.
void parse_zones(const YamlReader& r, const YAML::Node& zones, const YAML::Node& masks,
                 const DecoderConfig& decoder, zones::ZonesConfig& out);

}  // namespace dcnn
