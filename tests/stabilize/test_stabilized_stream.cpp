// A stabilised delta stream (engine/api/deltacnn.h with the stabilize block on) on a still vtest
// frame moved by known sub-pixel camera shifts: the stabiliser takes the shift out, so almost no
// input pixel fires (with it off, a large share does), and the objects the stream publishes, moved
// back by the known shift, equal those of a dense stream on the unmoved frame within a bound.
// Needs ./scripts/setup.sh (models/, data/vtest.avi); fails with that message when missing.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "engine/api/deltacnn.h"
#include "tests/common/test_paths.h"
#include "tools/common/video_file.h"

namespace dcnn::test {
namespace {

// Measured on vtest frame 0 (docs/stabilize.md): stabilised input activity 0.005-0.039 on these
// shifts (most at (0.6, -1.3): bilinear resampling blurs most near half a pixel) against
// 0.62-0.88 unstabilised; keypoints: median error 0.12-0.14 px, 48-49 of 51 within 1 px (the
// others are low-score wrists whose heatmap peak moved by one output cell, 4-5 px).
constexpr float kQuietInput = 0.06f;      // stabilised: at most this share of input pixels fires
constexpr float kBusyInput = 0.3f;        // unstabilised: at least this share fires
constexpr float kKeypointBoundPx = 1.0f;  // |delta moved back - dense on the unmoved frame| ...
constexpr double kWithinBound = 0.9;      // ... holds for at least this share of the keypoints
constexpr float kMedianBoundPx = 0.3f;    // and the median error is below this
constexpr float kKeypointScore = 0.3f;

// The shifts of the camera, frame pixels: frame(x) = still(x - d).
const cv::Point2d kShifts[] = {{0.6, -1.3}, {2.25, 0.4}, {-1.7, 2.9}, {-2.8, -2.1}};

cv::Mat still_frame() {
  const std::string path = source_path("data/vtest.avi");
  if (!file_exists(path)) ADD_FAILURE() << missing_asset_message(path);
  cv::VideoCapture cap(path);
  cv::Mat f;
  cap.read(f);
  return f.clone();
}

cv::Mat moved(const cv::Mat& still, cv::Point2d d) {
  const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, d.x, 0, 1, d.y);
  cv::Mat out;
  cv::warpAffine(still, out, m, still.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  return out;
}


class StabilizedStream : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string yaml = source_path("configs/movenet-multipose.yaml");
    const std::string onnx = source_path("models/movenet-multipose.onnx");
    if (!file_exists(onnx)) GTEST_FAIL() << missing_asset_message(onnx);
    cfg_ = load_config(yaml);
    ModelOptions mo;
    mo.backend = BackendChoice::Cpu;
    model_ = Model::load(cfg_, mo);
    still_ = still_frame();
  }

  StreamOptions options(ExecMode mode, bool stabilize) const {
    StreamOptions o = StreamOptions::from(cfg_);
    o.mode = mode;
    o.tracker.enabled = false;  // compare what the network found, not the tracks
    o.delta.keyframe_interval = 0;
    o.stabilize = StabilizeSettings{};  // not the shipped config's (both on): shift alone, or nothing
    o.stabilize.shift = stabilize;
    return o;
  }

  DeploymentConfig cfg_;
  std::shared_ptr<const Model> model_;
  cv::Mat still_;
};

// Distances between the keypoints of `got` moved back by -d and those of `want`, over the
// keypoints both score >= kKeypointScore, objects paired by nearest box centre.
std::vector<float> keypoint_errors(const std::vector<Detection>& want, const std::vector<Detection>& got, cv::Point2d d) {
  std::vector<float> errors;
  for (const Detection& w : want) {
    const float wx = 0.5f * (w.x_min + w.x_max), wy = 0.5f * (w.y_min + w.y_max);
    const Detection* best = nullptr;
    float best_d2 = std::numeric_limits<float>::max();
    for (const Detection& g : got) {
      const float gx = 0.5f * (g.x_min + g.x_max) - float(d.x), gy = 0.5f * (g.y_min + g.y_max) - float(d.y);
      const float d2 = (gx - wx) * (gx - wx) + (gy - wy) * (gy - wy);
      if (d2 < best_d2) {
        best_d2 = d2;
        best = &g;
      }
    }
    if (!best) continue;
    for (size_t k = 0; k < w.keypoints.size() && k < best->keypoints.size(); ++k) {
      const Keypoint& a = w.keypoints[k];
      const Keypoint& b = best->keypoints[k];
      if (a.score < kKeypointScore || b.score < kKeypointScore) continue;
      errors.push_back(std::hypot(b.x - float(d.x) - a.x, b.y - float(d.y) - a.y));
    }
  }
  return errors;
}

TEST_F(StabilizedStream, ShiftedStillSceneLeavesTheInputQuiet) {
  Stream stabilized(model_, options(ExecMode::Delta, true));
  Stream plain(model_, options(ExecMode::Delta, false));
  // The CPU backend stabilises: nothing to warn about (the CUDA backend warns instead).
  EXPECT_TRUE(stabilized.warnings().empty()) << stabilized.warnings().front();
  stabilized.process(dcnn::tools::bgr_view(still_));
  plain.process(dcnn::tools::bgr_view(still_));
  for (const cv::Point2d& d : kShifts) {
    const cv::Mat frame = moved(still_, d);
    const FrameResult s = stabilized.process(dcnn::tools::bgr_view(frame));
    const FrameResult p = plain.process(dcnn::tools::bgr_view(frame));
    ASSERT_FALSE(s.stats.new_reference) << "shift " << d << ": the stabiliser lost the reference";
    EXPECT_FALSE(s.stats.keyframe) << "shift " << d;
    EXPECT_NEAR(s.stats.shift_x, d.x, 0.15) << "shift " << d;
    EXPECT_NEAR(s.stats.shift_y, d.y, 0.15) << "shift " << d;
    EXPECT_LT(s.stats.input_active, kQuietInput) << "shift " << d;
    // The plain stream sees the whole textured scene move (it may fall back to dense frames).
    if (!p.stats.keyframe) {
      EXPECT_GT(p.stats.input_active, kBusyInput) << "shift " << d;
    }
    std::cout << "shift " << d << ": input active stabilised " << s.stats.input_active << " (MAC-weighted "
              << s.stats.mean_active << "), plain " << p.stats.input_active << (p.stats.keyframe ? " (dense)" : "")
              << "\n";
  }
}

// A stream switched to dense and back starts a new reference with its keyframe: a camera that
// moved meanwhile is not resampled into the old reference's geometry on every later frame.
TEST_F(StabilizedStream, BackToDeltaModeStartsANewReference) {
  Stream stream(model_, options(ExecMode::Delta, true));
  stream.process(dcnn::tools::bgr_view(still_));
  const cv::Mat frame = moved(still_, cv::Point2d(2.0, 1.0));
  EXPECT_NEAR(stream.process(dcnn::tools::bgr_view(frame)).stats.shift_x, 2.0, 0.15) << "delta mode follows the shift";
  stream.set_mode(ExecMode::Dense);
  stream.process(dcnn::tools::bgr_view(frame));
  stream.set_mode(ExecMode::Delta);
  const FrameResult back = stream.process(dcnn::tools::bgr_view(frame));
  EXPECT_TRUE(back.stats.new_reference);
  EXPECT_TRUE(back.stats.keyframe);
  EXPECT_EQ(back.stats.shift_x, 0.0);
  const FrameResult next = stream.process(dcnn::tools::bgr_view(frame));
  EXPECT_EQ(next.stats.shift_x, 0.0) << "the moved camera is the new reference";
  EXPECT_FALSE(next.stats.keyframe);
}

// The periodic keyframe of a camera that moved renews the reference (so does a busy scene's dense
// frame): the frames after it are fed as they come while the camera stays where it went. On a
// still camera the keyframe keeps the reference.
TEST_F(StabilizedStream, AMovedCamerasKeyframeStartsANewReference) {
  StreamOptions o = options(ExecMode::Delta, true);
  o.delta.keyframe_interval = 3;
  Stream stream(model_, o);
  ASSERT_TRUE(stream.process(dcnn::tools::bgr_view(still_)).stats.new_reference);
  stream.process(dcnn::tools::bgr_view(still_));
  stream.process(dcnn::tools::bgr_view(still_));
  const FrameResult still_keyframe = stream.process(dcnn::tools::bgr_view(still_));
  ASSERT_TRUE(still_keyframe.stats.keyframe);
  EXPECT_FALSE(still_keyframe.stats.new_reference) << "a still camera keeps its reference";
  const cv::Mat frame = moved(still_, cv::Point2d(2.0, 1.0));
  const FrameResult first = stream.process(dcnn::tools::bgr_view(frame));
  ASSERT_FALSE(first.stats.keyframe);
  EXPECT_NEAR(first.stats.shift_x, 2.0, 0.15) << "a delta frame is moved back";
  stream.process(dcnn::tools::bgr_view(frame));
  const FrameResult keyframe = stream.process(dcnn::tools::bgr_view(frame));
  ASSERT_TRUE(keyframe.stats.keyframe) << "keyframe_interval 3";
  EXPECT_TRUE(keyframe.stats.new_reference);
  EXPECT_EQ(keyframe.stats.shift_x, 0.0);
  EXPECT_EQ(keyframe.stats.frame_index, 6) << "a new reference is not a reset of the stream";
  const FrameResult next = stream.process(dcnn::tools::bgr_view(frame));
  EXPECT_FALSE(next.stats.keyframe);
  EXPECT_EQ(next.stats.shift_x, 0.0) << "the camera where it went is the new reference";
  EXPECT_EQ(next.stats.shift_y, 0.0);
}

TEST_F(StabilizedStream, ObjectsMovedBackEqualDenseOnTheUnmovedFrame) {
  Stream dense(model_, options(ExecMode::Dense, false));
  Stream stabilized(model_, options(ExecMode::Delta, true));
  const FrameResult reference = dense.process(dcnn::tools::bgr_view(still_));
  ASSERT_GE(reference.objects.size(), 2u) << "vtest frame 0 shows several people";
  stabilized.process(dcnn::tools::bgr_view(still_));
  for (const cv::Point2d& d : kShifts) {
    const FrameResult s = stabilized.process(dcnn::tools::bgr_view(moved(still_, d)));
    ASSERT_EQ(s.objects.size(), reference.objects.size()) << "shift " << d;
    std::vector<float> errors = keypoint_errors(reference.objects, s.objects, d);
    ASSERT_GT(errors.size(), 20u) << "shift " << d;
    std::sort(errors.begin(), errors.end());
    const double within = double(std::upper_bound(errors.begin(), errors.end(), kKeypointBoundPx) - errors.begin()) /
                          double(errors.size());
    const float median = errors[errors.size() / 2];
    EXPECT_GE(within, kWithinBound) << "shift " << d;
    EXPECT_LT(median, kMedianBoundPx) << "shift " << d;
    std::cout << "shift " << d << ": " << errors.size() << " keypoints, median error " << median << " px, "
              << within << " within " << kKeypointBoundPx << " px, worst " << errors.back() << " px\n";
  }
}

}  // namespace
}  // namespace dcnn::test
