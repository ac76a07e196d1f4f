// The YAML's delta section (DeltaConfig) as the executor's DeltaSettings: one mapping for the
// engine API, the benchmark and the tuner, so a new key cannot be forgotten in one of them.
// Header-only: engine/config does not link the executor, it only fills its settings struct.
#pragma once

#include "engine/config/config.h"
#include "engine/exec/executor.h"

namespace dcnn {

// Every key of the delta section; time_layers stays off.
inline DeltaSettings to_delta_settings(const DeltaConfig& d) {
  DeltaSettings s;
  s.input_threshold = d.input_threshold;
  s.input_dilation = d.input_dilation;
  s.input_block = d.input_block;
  s.input_block_threshold = d.input_block_threshold;
  s.default_threshold = d.threshold;
  s.threshold_scale = d.threshold_scale;
  s.layer_thresholds = d.layer_thresholds;
  s.keyframe_interval = d.keyframe_interval;
  s.keyframe_break_even = d.keyframe_break_even;
  s.dense_break_even = d.dense_break_even;
  s.measured_path_choice = d.measured_path_choice;
  s.truncate_linear = d.truncate_linear;
  s.head_dense_break_even = d.head_dense_break_even;
  s.form = d.recompute ? DeltaForm::Recompute : DeltaForm::Propagate;
  return s;
}

}  // namespace dcnn
