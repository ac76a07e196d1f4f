// YAML `stabilize:` block (engine/config) and StreamOptions::stabilize: what the stream does
// about a shaking camera and a flickering exposure before the delta input test.
#pragma once

namespace dcnn {

struct StabilizeSettings {
  // Estimate the camera's shift against the stream's reference frame and run the network on
  // the frame moved back into the reference's geometry (outputs are moved forward again).
  bool shift = false;
  // Estimate a global gain/offset against the reference on the pixels that did not move and
  // map the frame's brightness back to the reference's before the network sees it.
  bool exposure = false;
  // Past this offset (model input pixels) or under this confidence the stream starts a new
  // reference with a dense keyframe: a pan, a bumped camera, a scene cut.
  float max_offset = 24.f;
  float min_confidence = 0.05f;
  // Gain changes beyond 1 +- this are treated as real (not compensated).
  float max_gain_change = 0.3f;
  // Frames after a new reference over which the stream's typical exposure is averaged; from the
  // last of them on the network sees every frame at that exposure instead of the reference
  // frame's (one more keyframe), and the target then follows slow changes of the camera's
  // exposure (engine/stabilize/exposure_target.h). A reference taken on a bright or dark flicker would
  // otherwise set the brightness of everything the network sees until the next reference, and a
  // slow real change (auto-exposure, dusk) would never reach it. 0: the reference's exposure
  // throughout.
  int exposure_settle = 16;
  // Move the frame by the sub-pixel shift (bilinear) or by the shift rounded to whole pixels.
  // Sub-pixel measured better (docs/stabilize.md: delta-frame input activity 0.12 against 0.23).
  bool subpixel = true;
  // Set by the YAML, whose `auto` means "where the backend runs a stabiliser": a backend that
  // does not (CUDA, which pre-processes on the GPU) then runs the stream unstabilised without a
  // warning, so one YAML with the block on serves CPU and GPU boxes. Asked for otherwise (the
  // element's `stabilize` property, the API), the warning stays.
  bool only_where_supported = false;
  bool enabled() const { return shift || exposure; }
};

}  // namespace dcnn
