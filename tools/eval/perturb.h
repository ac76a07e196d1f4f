// Synthetic camera trouble for deltacnn-eval (issue 16's shaky / drifting / flickering clips):
// each vtest frame is shifted and/or rescaled in brightness by a seeded random amount before
// the delta stream sees it, while the dense stream sees the original frame; the delta stream's
// objects are moved back by the known shift, so keypoints are compared in the original frame's
// coordinates. The same seed gives the same clip on every machine.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "engine/api/results.h"

namespace dcnn::eval {

enum class Perturbation { None, Shake, Drift, Flicker, ShakeFlicker };
// The names perturbation_from takes, as the tools' --perturb choice.
constexpr const char* kPerturbationNames = "none|shake|drift|flicker|shake-flicker";
Perturbation perturbation_from(const std::string& name);
// Whether the kind moves the frame (shake, drift, shake-flicker) or changes its gain.
bool moves_frames(Perturbation kind);
bool changes_gain(Perturbation kind);

struct FramePerturbation {
  double dx = 0.0, dy = 0.0;  // frame pixels: perturbed(x) = original(x - d)
  double gain = 1.0;          // perturbed = gain * original
};

class Perturber {
 public:
  Perturber(Perturbation kind, uint32_t seed);
  // Shake: a random 0..3 px offset per axis every frame. Drift: a 0.2 px/frame pan along x
  // plus the shake. Flicker: a random gain in 0.9..1.1 every frame. Shake-flicker: both, as an
  // outdoor camera on a pole in changing light (the shake drawn first, then the gain).
  FramePerturbation next();

 private:
  Perturbation kind_;
  std::mt19937 rng_;
  int64_t frame_ = 0;
};

// The perturbed frame (bilinear shift, mirrored border; gain saturated to 0..255).
cv::Mat perturbed(const cv::Mat& frame, const FramePerturbation& p);
// A camera's burned-in clock, drawn after the perturbation so it does not move with the picture:
// a black box at (16, 16), 272 x 32 frame pixels, with a white date and time whose seconds
// change every 10 frames (vtest's 10 fps). Stabiliser tests mask it (YAML masks).
void burn_clock_overlay(cv::Mat& frame, int64_t frame_index);
// Objects found on the perturbed frame, moved into the original frame's coordinates.
void to_original(std::vector<Detection>& objects, const FramePerturbation& p);

}  // namespace dcnn::eval
