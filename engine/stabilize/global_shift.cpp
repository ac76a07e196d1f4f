#include "engine/stabilize/global_shift.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/core/error.h"
#include "engine/stabilize/luma.h"

namespace dcnn {
namespace {

constexpr int kSampleCell = 4;          // one refinement sample per 4x4 cell of the working plane
constexpr int kFullSampleCell = 12;     // and per 12x12 cell at full size (3k on 768x576)
constexpr float kMinGradient2 = 4.f;    // squared luma levels per pixel: flatter cells carry no shift
constexpr int kMaxIterations = 3;       // on the working plane
constexpr int kFullIterations = 1;      // then at full resolution
constexpr int kStillIterations = 1;     // the still test: from no shift, at full resolution
constexpr int kMinSamples = 16;
constexpr double kConverged = 0.005;  // working-plane pixels: far below what the input test can see

std::string size_text(cv::Size s) { return std::to_string(s.width) + "x" + std::to_string(s.height); }

// Refinement samples of a reference plane: the strongest central-difference gradient of each
// cell x cell block (Sobel's 3x3 smoothing would bias the fine step on fine texture); blocks too
// flat to say anything about a shift are skipped. Spread over the picture, so no one region (a
// crowd) decides alone.
std::vector<GlobalShiftEstimator::Sample> select_samples(const cv::Mat& r, int cell) {
  std::vector<GlobalShiftEstimator::Sample> samples;
  for (int cy = 1; cy < r.rows - 1; cy += cell)
    for (int cx = 1; cx < r.cols - 1; cx += cell) {
      GlobalShiftEstimator::Sample best{0, 0, 0, 0, 0};
      float best_g2 = kMinGradient2;
      for (int y = cy; y < std::min(cy + cell, r.rows - 1); ++y) {
        const float* up = r.ptr<float>(y - 1);
        const float* row = r.ptr<float>(y);
        const float* down = r.ptr<float>(y + 1);
        for (int x = cx; x < std::min(cx + cell, r.cols - 1); ++x) {
          const float gx = 0.5f * (row[x + 1] - row[x - 1]), gy = 0.5f * (down[x] - up[x]);
          const float g2 = gx * gx + gy * gy;
          if (g2 > best_g2) {
            best_g2 = g2;
            best = GlobalShiftEstimator::Sample{float(x), float(y), row[x], gx, gy};
          }
        }
      }
      if (best_g2 > kMinGradient2) samples.push_back(best);
    }
  return samples;
}

// Bilinear reads of a luma plane, and of the luma of an RGB float image (no plane built).
struct PlaneSampler {
  const cv::Mat& plane;
  int width() const { return plane.cols; }
  int height() const { return plane.rows; }
  float operator()(double x, double y) const {
    const int ix = int(x), iy = int(y);
    const float fx = float(x - ix), fy = float(y - iy);
    const float* r0 = plane.ptr<float>(iy) + ix;
    const float* r1 = plane.ptr<float>(iy + 1) + ix;
    return (1.f - fy) * ((1.f - fx) * r0[0] + fx * r0[1]) + fy * ((1.f - fx) * r1[0] + fx * r1[1]);
  }
};

struct RgbLumaSampler {
  const float* rgb;
  int w, h;
  int width() const { return w; }
  int height() const { return h; }
  float operator()(double x, double y) const {
    const int ix = int(x), iy = int(y);
    const float fx = float(x - ix), fy = float(y - iy);
    const float* a = rgb + (size_t(iy) * w + ix) * 3;
    const float* b = a + size_t(w) * 3;
    auto luma = [](const float* p) { return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]; };
    return (1.f - fy) * ((1.f - fx) * luma(a) + fx * luma(a + 3)) + fy * ((1.f - fx) * luma(b) + fx * luma(b + 3));
  }
};

}  // namespace

GlobalShiftEstimator::GlobalShiftEstimator(int downscale) : downscale_(downscale) {
  if (downscale < 1)
    throw Error(ErrorKind::Config, "stabilize downscale is " + std::to_string(downscale) + "; expected 1 or more");
}

cv::Mat GlobalShiftEstimator::prepare(const cv::Mat& luma) const {
  if (luma.channels() != 1 || (luma.depth() != CV_32F && luma.depth() != CV_8U))
    throw Error(ErrorKind::Input, "shift estimation: expected one 8-bit or float luma plane");
  cv::Mat small;
  if (downscale_ > 1)
    cv::resize(luma, small, cv::Size(luma.cols / downscale_, luma.rows / downscale_), 0, 0, cv::INTER_AREA);
  else
    small = luma;
  cv::Mat out;
  small.convertTo(out, CV_32F);
  return out;
}

cv::Mat GlobalShiftEstimator::coarse_plane(const cv::Mat& small) const {
  if (coarse_factor_ == 1) return small;
  cv::Mat coarse;
  cv::resize(small, coarse, cv::Size(small.cols / coarse_factor_, small.rows / coarse_factor_), 0, 0, cv::INTER_AREA);
  return coarse;
}

void GlobalShiftEstimator::set_reference(const cv::Mat& luma) {
  if (luma.cols / downscale_ < 8 || luma.rows / downscale_ < 8)
    throw Error(ErrorKind::Input, "shift estimation: a " + size_text(luma.size()) + " plane at downscale " +
                                      std::to_string(downscale_) + " is too small; expected at least 8x8 after downscaling");
  cv::Mat full;
  luma.convertTo(full, CV_32F);
  store_reference(prepare(full), full);
}

void GlobalShiftEstimator::set_reference_rgb(const float* rgb, const cv::Mat& small, cv::Size full_size) {
  if (small.type() != CV_32FC1 || small.cols < 8 || small.rows < 8 || small.cols != full_size.width / downscale_ ||
      small.rows != full_size.height / downscale_)
    throw Error(ErrorKind::Input, "shift estimation: expected a float plane of " + std::to_string(full_size.width / downscale_) +
                                      "x" + std::to_string(full_size.height / downscale_) + " (at least 8x8), got " +
                                      size_text(small.size()));
  // The full-size luma is built once per reference (rare): only its samples are kept.
  store_reference(small, luma_of(rgb, full_size.width, full_size.height));
}

void GlobalShiftEstimator::store_reference(const cv::Mat& small, const cv::Mat& full) {
  reference_ = small.clone();
  full_size_ = full.size();
  // Phase correlation one level coarser unless that leaves too little to correlate.
  coarse_factor_ = small.cols >= 64 && small.rows >= 64 ? 2 : 1;
  correlator_.set_reference(coarse_plane(reference_));
  samples_ = select_samples(reference_, kSampleCell);
  full_samples_ = downscale_ > 1 ? select_samples(full, kFullSampleCell) : std::vector<Sample>{};
}

void GlobalShiftEstimator::check_estimate(cv::Size full_size, const cv::Mat& small) const {
  if (reference_.empty()) throw Error(ErrorKind::Input, "shift estimation: no reference frame set");
  if (full_size != full_size_)
    throw Error(ErrorKind::Input, "shift estimation: plane is " + size_text(full_size) + ", the reference " +
                                      size_text(full_size_));
  if (small.type() != CV_32FC1 || small.size() != reference_.size())
    throw Error(ErrorKind::Input, "shift estimation: working plane is " + size_text(small.size()) +
                                      ", the reference's " + size_text(reference_.size()));
}

ShiftEstimate GlobalShiftEstimator::estimate(const cv::Mat& luma) const {
  if (reference_.empty()) throw Error(ErrorKind::Input, "shift estimation: no reference frame set");
  if (luma.size() != full_size_)
    throw Error(ErrorKind::Input, "shift estimation: plane is " + size_text(luma.size()) + ", the reference " +
                                      size_text(full_size_));
  cv::Mat full;
  luma.convertTo(full, CV_32F);
  const cv::Mat small = prepare(full);
  ShiftEstimate e = estimate_working(small);
  if (downscale_ > 1) finish_full(PlaneSampler{full}, e);
  return e;
}

ShiftEstimate GlobalShiftEstimator::estimate_rgb(const float* rgb, const cv::Mat& small) const {
  check_estimate(full_size_, small);
  ShiftEstimate e = estimate_working(small);
  if (downscale_ > 1) finish_full(RgbLumaSampler{rgb, full_size_.width, full_size_.height}, e);
  return e;
}

ShiftEstimate GlobalShiftEstimator::estimate_working(const cv::Mat& small) const {
  const PhaseShift coarse = correlator_.correlate(coarse_plane(small));
  const cv::Point2d s = refine(PlaneSampler{small}, samples_,
                               cv::Point2d(coarse.dx * coarse_factor_, coarse.dy * coarse_factor_), kMaxIterations);
  ShiftEstimate e;
  e.dx = s.x * downscale_;
  e.dy = s.y * downscale_;
  e.confidence = coarse.response;
  return e;
}

bool GlobalShiftEstimator::has_texture(const cv::Mat& small) const {
  return !select_samples(small, kSampleCell).empty();
}

StillFit GlobalShiftEstimator::fit_still_rgb(const float* rgb) const {
  if (reference_.empty() || downscale_ <= 1)
    throw Error(ErrorKind::Input, "shift estimation: no full-size reference (set_reference_rgb, downscale > 1)");
  StillFit fit;
  if (full_samples_.empty()) return fit;  // a reference without texture: not fitted
  const cv::Point2d s = refine(RgbLumaSampler{rgb, full_size_.width, full_size_.height}, full_samples_,
                               cv::Point2d(0.0, 0.0), kStillIterations, &fit);
  fit.dx = s.x;
  fit.dy = s.y;
  return fit;
}

template <typename Sampler>
void GlobalShiftEstimator::finish_full(const Sampler& frame, ShiftEstimate& e) const {
  StillFit fit;
  const cv::Point2d s = refine(frame, full_samples_, cv::Point2d(e.dx, e.dy), kFullIterations, &fit);
  e.dx = s.x;
  e.dy = s.y;
  e.residual_sigma = fit.fitted ? fit.residual_sigma : -1.0;
}

namespace {

// Least squares of frame(x + s) ~ G ref(x) + O + grad ref(x) . a over the samples with
// use(i); false when the samples hold no texture in some direction.
template <typename Use>
bool solve_step(const std::vector<GlobalShiftEstimator::Sample>& samples, const std::vector<float>& sampled,
                const Use& use, cv::Vec4d& p) {
  cv::Matx44d a = cv::Matx44d::zeros();
  cv::Vec4d b(0, 0, 0, 0);
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!use(i)) continue;
    const GlobalShiftEstimator::Sample& q = samples[i];
    const double j[4] = {q.gx, q.gy, q.value, 1.0};
    for (int r = 0; r < 4; ++r) {
      b[r] += j[r] * sampled[i];
      for (int c = r; c < 4; ++c) a(r, c) += j[r] * j[c];
    }
  }
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < r; ++c) a(r, c) = a(c, r);
  const double det2 = a(0, 0) * a(1, 1) - a(0, 1) * a(0, 1);
  const double trace2 = a(0, 0) + a(1, 1);
  if (!(det2 > 1e-9 * trace2 * trace2)) return false;
  return cv::solve(a, b, p, cv::DECOMP_CHOLESKY) && p[2] > 0.1;
}

// The robust sigma (1.4826 x the median absolute value) of the first n values. The median of
// every 4th value: as good a scale for a cut-off, at a quarter of the sorting.
double robust_sigma(std::vector<float>& abs_values, size_t n) {
  size_t m = 0;
  for (size_t i = 0; i < n; i += 4) abs_values[m++] = abs_values[i];
  std::nth_element(abs_values.begin(), abs_values.begin() + m / 2, abs_values.begin() + m);
  return 1.4826 * abs_values[m / 2];
}
// 3 robust sigmas, at least 1.5 levels.
double cut_at(double sigma) { return 3.0 * std::max(sigma, 0.5); }

}  // namespace

// Phase correlation's sub-pixel peak is biased by up to a quarter pixel on natural textures and
// coarser by the extra shrink. Gauss-Newton on the samples fixes that. With the frame sampled
// at x + s (bilinear) and frame(x) = G ref(x - d) + O:
//   frame(x + s) ~ G ref(x) + O + grad ref(x) . a,   a = G (s - d),
// linear in (a, G, O): least squares over the inlier samples, then s -= a / G.
// Inliers are chosen on the residual *after* a first step on all but gross outliers: choosing
// them on the residual before the step drops exactly the sharp samples that the remaining
// misalignment moves most, and each step then undershot by about half (measured on vtest).
template <typename Sampler>
cv::Point2d GlobalShiftEstimator::refine(const Sampler& frame, const std::vector<Sample>& samples, cv::Point2d s,
                                         int iterations, StillFit* fit) const {
  const int w = frame.width(), h = frame.height();
  std::vector<float> sampled(samples.size()), residual(samples.size()), abs_res(samples.size());
  std::vector<uint8_t> inside(samples.size());
  double g = 1.0, o = 0.0;
  for (int iter = 0; iter < iterations; ++iter) {
    size_t n = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      const Sample& p = samples[i];
      const double sx = p.x + s.x, sy = p.y + s.y;
      inside[i] = sx >= 0.0 && sy >= 0.0 && sx < w - 1 && sy < h - 1;
      if (!inside[i]) continue;
      sampled[i] = frame(sx, sy);
      residual[i] = sampled[i] - float(g * p.value + o);
      abs_res[n++] = std::fabs(residual[i]);
    }
    if (n < size_t(kMinSamples)) break;  // shifted too far for the samples: keep what we have
    // First step: all but gross outliers (a person walking by is many sigmas off).
    const double gross = 3.0 * cut_at(robust_sigma(abs_res, n));
    cv::Vec4d p;
    if (!solve_step(samples, sampled, [&](size_t i) { return inside[i] && std::fabs(residual[i]) <= gross; }, p)) break;
    // Residuals as that step predicts them, and the inliers by those.
    n = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      if (!inside[i]) continue;
      const Sample& q = samples[i];
      residual[i] = sampled[i] - float(p[2] * q.value + p[3] + q.gx * p[0] + q.gy * p[1]);
      abs_res[n++] = std::fabs(residual[i]);
    }
    const size_t in_frame = n;
    const double sigma = robust_sigma(abs_res, n);
    const double cut = cut_at(sigma);
    if (fit) {
      fit->residual_sigma = sigma;
      size_t inliers = 0;
      for (size_t i = 0; i < samples.size(); ++i) inliers += inside[i] && std::fabs(residual[i]) <= cut;
      fit->inlier_fraction = double(inliers) / double(in_frame);
    }
    if (!solve_step(samples, sampled, [&](size_t i) { return inside[i] && std::fabs(residual[i]) <= cut; }, p)) break;
    const double ex = p[0] / p[2], ey = p[1] / p[2];
    s.x -= ex;
    s.y -= ey;
    g = p[2];
    o = p[3];
    if (fit) {
      fit->gain = g;
      fit->offset = o;
      fit->fitted = true;
    }
    if (std::fabs(ex) < kConverged && std::fabs(ey) < kConverged) break;
  }
  return s;
}

}  // namespace dcnn
