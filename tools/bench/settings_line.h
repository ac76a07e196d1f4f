// The "settings:" line both benchmarks print, so a table always says which delta settings made it.
#pragma once

#include <cstdio>

#include "engine/exec/executor.h"

namespace dcnn::bench {

inline void print_settings_line(const DeltaSettings& s) {
  std::printf("settings: input_threshold %.3g  block %d/%.3g  threshold %.3g x %.3g  keyframe_interval %d"
              "  keyframe_break_even %.2f  break_even %.2f  head_break_even %.2f  truncate_linear %s  form %s\n",
              s.input_threshold, s.input_block, s.input_block_threshold, s.default_threshold,
              s.threshold_scale, s.keyframe_interval, s.keyframe_break_even, s.dense_break_even,
              s.head_dense_break_even, s.truncate_linear ? "on" : "off", to_string(s.form));
}

}  // namespace dcnn::bench
