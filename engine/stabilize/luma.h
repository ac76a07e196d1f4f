// Luma planes of the model input (H x W x 3 floats, 0..255) for the stabilisation estimators:
// full size, or straight at half size in one pass, so the stabiliser never builds (and
// re-reads) a full-size plane just to shrink it.
#pragma once

#include <opencv2/core.hpp>

namespace dcnn {

// BT.601 luma (0.299 R + 0.587 G + 0.114 B) of an HxWx3 float image, CV_32FC1, H x W.
cv::Mat luma_of(const float* rgb, int width, int height);

// The same luma averaged over 2x2 blocks: CV_32FC1, (H / 2) x (W / 2) (an odd last row or
// column is dropped), what cv::resize(luma_of(...), INTER_AREA) gives at half size. Luma is
// linear, so the 4 pixels are summed per channel before weighting.
cv::Mat half_luma_of(const float* rgb, int width, int height);

}  // namespace dcnn
