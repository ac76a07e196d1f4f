// Phase correlation against a fixed reference plane whose spectrum is computed once: the
// coarse (whole plus rough sub-pixel) shift of engine/stabilize/global_shift.h. The reference
// changes only when the stream starts a new one, so each frame costs one forward and one
// inverse DFT of a small plane instead of the three (and a window on both planes) that
// cv::phaseCorrelate spends.
#pragma once

#include <opencv2/core.hpp>

namespace dcnn {

struct PhaseShift {
  // frame(x) ~ reference(x - d), in pixels of the correlated plane.
  double dx = 0.0, dy = 0.0;
  // Height of the normalised correlation peak, summed over its 5x5 neighbourhood (the
  // `response` of cv::phaseCorrelate): about 1 for an exact shifted copy, near 0 for an
  // unrelated picture.
  double response = 0.0;
};

class PhaseCorrelator {
 public:
  // `reference`: CV_32FC1. Its mean is removed and a Hanning window applied (the frame border
  // would otherwise dominate the spectrum); zero-padded to an optimal DFT size.
  void set_reference(const cv::Mat& reference);
  bool empty() const { return reference_conj_.empty(); }
  cv::Size size() const { return size_; }
  // `frame`: CV_32FC1, the reference's size (checked by the caller).
  PhaseShift correlate(const cv::Mat& frame) const;

 private:
  cv::Mat spectrum(const cv::Mat& plane) const;  // windowed, padded, CV_32FC2

  cv::Size size_, padded_;
  cv::Mat window_;          // CV_32FC1, size_
  cv::Mat reference_conj_;  // conjugate spectrum of the reference, CV_32FC2, padded_
};

}  // namespace dcnn
