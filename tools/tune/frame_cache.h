// The tuning frames, read and pre-processed once, with the dense stream's decoded results: every
// candidate delta setting is then scored by running only a delta stream on the cached inputs.
#pragma once

#include <string>
#include <vector>

#include "engine/api/deltacnn.h"
#include "tools/eval/agreement.h"

namespace dcnn::tune {

struct FrameCache {
  int frame_width = 0, frame_height = 0;         // source video frame size
  std::vector<std::vector<float>> inputs;        // pre-processed model inputs (H*W*3, 0..255)
  std::vector<std::vector<Detection>> dense;     // dense decoded results per frame
  eval::Agreement totals;                        // dense against itself: the denominators
  double dense_ms = 0.0;                         // mean dense inference + decoding per frame
};

// Reads up to `frames` frames of `video`, pre-processes them for the model and runs a dense
// stream over them. Throws dcnn::Error (NotFound / Input) naming the video when it cannot be read.
FrameCache build_frame_cache(const std::shared_ptr<Model>& model, const std::string& video, int frames);

}  // namespace dcnn::tune
