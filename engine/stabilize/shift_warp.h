// The stabiliser's one pass over the full-size model input: move the frame by the camera shift
// and map its brightness back, from the raw input straight into the buffer the network reads.
#pragma once

namespace dcnn {

// For an H x W x 3 float image `in` (0..255) and a constant shift d:
//   out(x) = clamp(scale * bilinear(in, x + d) + bias, 0, 255)
// (scale = 1 / gain, bias = -offset / gain; 1 and 0 for no exposure change). Output pixels whose
// 2x2 source footprint (1x1 along an axis whose shift is whole) leaves the image are left as
// they are: the caller keeps there what the network saw last (docs/stabilize.md, the exposed
// border). The weights are the same for every pixel, so the inner loop is a 4-tap stencil over
// the interleaved row. Single-threaded on purpose: on the shared 2-core test machine two OpenMP
// threads made it 4x slower (a barrier waits for a descheduled thread; docs/stabilize.md).
// `in` and `out` must not overlap.
void shift_and_scale(const float* in, float* out, int width, int height, double dx, double dy, float scale,
                     float bias);

}  // namespace dcnn
