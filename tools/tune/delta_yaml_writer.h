// Rewrites the delta: section of a deployment YAML in place (textually, so every other section,
// every comment and the key order stay as they are).
#pragma once

#include <string>

#include "engine/exec/executor.h"

namespace dcnn::tune {

// Returns `yaml_text` with delta.input_threshold, input_dilation, threshold, threshold_scale,
// truncate_linear and layer_thresholds set from `s` (keys missing from the section are appended
// to it). A key whose value does not change keeps its line as it is (its comment included); a
// changed value's trailing comment, which explained the old value, becomes `comment` and the old
// value ("# <comment> (was 10)"), or nothing when `comment` is empty. Throws
// dcnn::Error(Config) naming `source_name` when the text has no top-level "delta:" block.
std::string rewrite_delta_section(const std::string& yaml_text, const std::string& source_name,
                                  const DeltaSettings& s, const std::string& comment);

}  // namespace dcnn::tune
