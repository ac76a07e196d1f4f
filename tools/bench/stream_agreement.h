// Agreement of a delta stream's decoded results with a dense stream's, over the frames of a raw
// RGB file at the model's input size: what deltacnn-eval measures on a video, for a machine whose
// bundle carries no video codecs (deltacnn-cuda-bench on a lent GPU; gpu-bundle's run.sh decodes
// the video there with that machine's own OpenCV). Same metrics and cut-offs as deltacnn-eval
// (tools/eval/agreement.h), same streams as the element (the YAML's tracker, zones, thresholds).
#pragma once

#include <string>

#include "engine/api/deltacnn.h"
#include "tools/eval/agreement.h"

namespace dcnn::bench {

struct StreamAgreement {
  bool pose = false;
  int frames = 0;
  int keyframes = 0;            // frames the delta stream ran dense
  eval::Agreement vs_dense;     // delta against dense at the same precision
  bool has_fp32 = false;        // precision fp16: also against an fp32 dense stream
  eval::Agreement vs_fp32_dense;
  eval::Agreement dense_vs_fp32_dense;  // what fp16 storage alone changes
  double dense_ms = 0.0, delta_ms = 0.0;  // per frame, one stream at a time (process_input)
  double delta_mean_active = 0.0;         // MAC-weighted, over the delta frames only
  double delta_input_active = 0.0;
};

// Runs up to max_frames frames of `raw_path` (8-bit RGB, width*height*3 bytes per frame at the
// config's input size, back to back) through a dense and a delta Stream of `cfg` on `backend` at
// `precision`. Throws Error(NotFound) for a missing file, Error(Input) for one holding no whole
// frame.
StreamAgreement measure_stream_agreement(const DeploymentConfig& cfg, BackendChoice backend,
                                         Precision precision, const std::string& raw_path,
                                         int max_frames);

}  // namespace dcnn::bench
