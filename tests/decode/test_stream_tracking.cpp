// Tracking through the Model/Stream facade on the first frames of vtest (MoveNet MultiPose, as
// shipped): track ids and ages on real people, the same ids in dense and delta mode, pts in the
// track state, and the tracker switched off. Needs ./scripts/setup.sh (model and video).
#include <gtest/gtest.h>

#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <vector>

#include "engine/api/deltacnn.h"
#include "engine/core/error.h"
#include "engine/decode/decode_util.h"

namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 12;
constexpr int64_t kFrameNs = 100000000;  // vtest: 10 fps

fs::path source_path(const std::string& relative) {
  const char* root = std::getenv("DELTACNN_SOURCE_ROOT");
  return (root ? fs::path(root) : fs::path(".")) / relative;
}

class StreamTracking : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path onnx = source_path("models/movenet-multipose.onnx");
    const fs::path video = source_path("data/vtest.avi");
    if (!fs::exists(onnx) || !fs::exists(video)) return;
    config_ = new dcnn::DeploymentConfig(dcnn::load_config(source_path("configs/movenet-multipose.yaml").string()));
    model_ = new std::shared_ptr<const dcnn::Model>(dcnn::Model::load(*config_, {dcnn::BackendChoice::Cpu, 0, std::nullopt}));
    cv::VideoCapture capture(video.string());
    cv::Mat frame;
    frames_ = new std::vector<cv::Mat>();
    while (int(frames_->size()) < kFrames && capture.read(frame)) frames_->push_back(frame.clone());
  }
  static void TearDownTestSuite() {
    delete config_;
    delete model_;
    delete frames_;
  }
  void SetUp() override {
    if (!model_) FAIL() << "models/movenet-multipose.onnx or data/vtest.avi is missing: run ./scripts/setup.sh";
    ASSERT_EQ(int(frames_->size()), kFrames);
  }

  // Frame `index` of vtest through `stream`, at its 10 fps stream time.
  static dcnn::FrameResult process(dcnn::Stream& stream, size_t index) {
    const cv::Mat& f = (*frames_)[index];
    dcnn::ImageView view;
    view.format = dcnn::PixelFormat::BGR;
    view.width = f.cols;
    view.height = f.rows;
    view.planes[0] = f.data;
    view.strides[0] = int(f.step);
    return stream.process(view, int64_t(index) * kFrameNs);
  }

  // Every frame through a stream with `options`; the published objects per frame.
  static std::vector<std::vector<dcnn::Detection>> run(const dcnn::StreamOptions& options,
                                                       dcnn::Stream** keep = nullptr) {
    auto* stream = new dcnn::Stream(*model_, options);
    std::vector<std::vector<dcnn::Detection>> out;
    for (size_t i = 0; i < frames_->size(); ++i) out.push_back(process(*stream, i).objects);
    if (keep) *keep = stream;
    else delete stream;
    return out;
  }

  static dcnn::StreamOptions options(dcnn::ExecMode mode) {
    dcnn::StreamOptions o = dcnn::StreamOptions::from(*config_);
    o.mode = mode;
    return o;
  }

  static dcnn::DeploymentConfig* config_;
  static std::shared_ptr<const dcnn::Model>* model_;
  static std::vector<cv::Mat>* frames_;
};

dcnn::DeploymentConfig* StreamTracking::config_ = nullptr;
std::shared_ptr<const dcnn::Model>* StreamTracking::model_ = nullptr;
std::vector<cv::Mat>* StreamTracking::frames_ = nullptr;

std::vector<int> ids_of(const std::vector<dcnn::Detection>& objects) {
  std::vector<int> ids;
  for (const auto& o : objects) ids.push_back(o.id);
  return ids;
}

// The delta stream computes the heads MultiPose's decoder reads at a few cells there only
// (Decoder::cell_heads): its heads() hand those out without data, and what it publishes equals
// the stream that computes them whole (DELTACNN_CELL_HEADS=0).
TEST_F(StreamTracking, CellHeadsComputedOnDemandPublishTheSameObjects) {
  dcnn::Stream* stream = nullptr;
  const auto on_demand = run(options(dcnn::ExecMode::Delta), &stream);
  std::unique_ptr<dcnn::Stream> owner(stream);
  int cell_heads = 0;
  for (const dcnn::HeadView& h : stream->heads())
    if (!h.data) {
      ++cell_heads;
      EXPECT_TRUE(h.at) << h.name;
    }
  EXPECT_EQ(cell_heads, 5) << "the last frame is a delta frame: box, regression, offset and heatmap heads on demand";
  setenv("DELTACNN_CELL_HEADS", "0", 1);
  const auto whole = run(options(dcnn::ExecMode::Delta));
  unsetenv("DELTACNN_CELL_HEADS");
  ASSERT_EQ(on_demand.size(), whole.size());
  for (size_t f = 0; f < whole.size(); ++f) {
    ASSERT_EQ(on_demand[f].size(), whole[f].size()) << "frame " << f;
    for (size_t i = 0; i < whole[f].size(); ++i) {
      EXPECT_EQ(on_demand[f][i].confidence, whole[f][i].confidence) << "frame " << f;
      EXPECT_EQ(on_demand[f][i].x_min, whole[f][i].x_min) << "frame " << f;
      for (size_t k = 0; k < whole[f][i].keypoints.size(); ++k)
        EXPECT_EQ(on_demand[f][i].keypoints[k].x, whole[f][i].keypoints[k].x) << "frame " << f << " joint " << k;
    }
  }
}

TEST_F(StreamTracking, PeopleKeepTheirTrackIdsAndAge) {
  ASSERT_TRUE(config_->tracker.enabled) << "the shipped MultiPose config tracks";
  dcnn::Stream* stream = nullptr;
  const auto frames = run(options(dcnn::ExecMode::Delta), &stream);
  std::unique_ptr<dcnn::Stream> owner(stream);
  ASSERT_GE(frames[0].size(), 2u) << "vtest's first frame shows several pedestrians";
  std::map<int, int> last_age;  // id -> age on the previous frame it was published
  int continued = 0;
  for (size_t f = 0; f < frames.size(); ++f) {
    for (const dcnn::Detection& o : frames[f]) {
      EXPECT_GE(o.id, 0);
      EXPECT_GE(o.track_age, 1);
      EXPECT_LE(o.track_age, int(f) + 1);
      const auto it = last_age.find(o.id);
      if (it != last_age.end() && f > 0) {
        EXPECT_GT(o.track_age, it->second) << "frame " << f << " id " << o.id;
        ++continued;
      }
      last_age[o.id] = o.track_age;
    }
  }
  // The pedestrians walk slowly: most objects continue a track from the frame before.
  EXPECT_GE(continued, int(frames.size() - 1) * 2);
  ASSERT_NE(stream->tracker(), nullptr);
  for (const dcnn::Track& t : stream->tracker()->tracks()) {
    if (!t.confirmed) continue;
    EXPECT_EQ(t.first_seen_pts, t.first_seen_frame * kFrameNs);
    EXPECT_EQ(t.last_seen_pts, t.last_seen_frame * kFrameNs);
    EXPECT_GE(t.best_score, stream->tracker_settings().score_on);
  }
}

// With every delta threshold at 0 the delta stream computes what the dense one does, so the
// tracker (the same code in both) must hand out exactly the same ids. With the shipped
// thresholds the poses differ by a few pixels; the people paired by box overlap still carry the
// same ids.
TEST_F(StreamTracking, DenseAndDeltaGiveTheSameTrackIds) {
  const auto dense = run(options(dcnn::ExecMode::Dense));
  dcnn::StreamOptions exact = options(dcnn::ExecMode::Delta);
  exact.delta.threshold_scale = 0.f;
  exact.delta.input_threshold = 0.f;
  exact.delta.input_block = 0;
  const auto delta_exact = run(exact);
  const auto delta = run(options(dcnn::ExecMode::Delta));
  for (size_t f = 0; f < dense.size(); ++f) {
    SCOPED_TRACE("frame " + std::to_string(f));
    EXPECT_EQ(ids_of(delta_exact[f]), ids_of(dense[f]));
    for (const dcnn::Detection& d : dense[f])
      for (const dcnn::Detection& s : delta[f])
        if (dcnn::iou(d, s) >= 0.7f) {
          EXPECT_EQ(s.id, d.id);
        }
  }
}

// tracker.refine_margin: with a margin so wide that every frame's decisions hang on it, every
// delta frame runs again dense, and the delta stream publishes what the dense one does (the
// same ids, boxes and scores); with margin 0 no frame is refined.
TEST_F(StreamTracking, RefineMarginRunsDecisionsOnTheEdgeAgainDense) {
  const auto dense = run(options(dcnn::ExecMode::Dense));
  for (const float margin : {0.5f, 0.f}) {
    SCOPED_TRACE("refine_margin " + std::to_string(margin));
    dcnn::StreamOptions o = options(dcnn::ExecMode::Delta);
    o.tracker.refine_margin = margin;
    dcnn::Stream stream(*model_, o);
    int refined = 0, dense_anyway = 0;  // after the first frame
    for (size_t f = 0; f < frames_->size(); ++f) {
      SCOPED_TRACE("frame " + std::to_string(f));
      const dcnn::FrameResult r = process(stream, f);
      // A refined frame ran twice and still counts once (the meta's frame_index: gaps in it
      // would read as dropped frames).
      EXPECT_EQ(r.stats.frame_index, int64_t(f));
      refined += r.stats.refined ? 1 : 0;
      dense_anyway += f > 0 && r.stats.keyframe && !r.stats.refined ? 1 : 0;
      if (r.stats.refined) {
        EXPECT_TRUE(r.stats.keyframe);
      }
      if (margin == 0.f) continue;
      if (!r.stats.keyframe) {
        // Not refined only once the budget is spent.
        EXPECT_EQ(refined, dcnn::RefineBudget::kMost) << "a delta frame left unrefined";
        continue;
      }
      ASSERT_EQ(ids_of(r.objects), ids_of(dense[f]));
      for (size_t i = 0; i < r.objects.size(); ++i) {
        EXPECT_NEAR(r.objects[i].confidence, dense[f][i].confidence, 1e-4f);
        EXPECT_NEAR(r.objects[i].x_min, dense[f][i].x_min, 0.05f);
        EXPECT_NEAR(r.objects[i].y_max, dense[f][i].y_max, 0.05f);
      }
    }
    // The frames that ran dense anyway (the stabiliser's exposure settling, a busy scene) need
    // no refinement; every other one was refined.
    if (margin > 0.f) {
      EXPECT_EQ(refined, std::min(kFrames - 1 - dense_anyway, dcnn::RefineBudget::kMost));
      EXPECT_GE(refined, std::min(kFrames - 3, dcnn::RefineBudget::kMost));
    } else {
      EXPECT_EQ(refined, 0);
    }
  }
}

// The margin set on a running stream (the element's refine-margin property while PLAYING) takes
// effect from the next frame; a value outside [0, 0.5] is refused and changes nothing.
TEST_F(StreamTracking, RefineMarginSetWhileRunning) {
  dcnn::StreamOptions o = options(dcnn::ExecMode::Delta);
  o.tracker.refine_margin = 0.f;
  dcnn::Stream stream(*model_, o);
  ASSERT_GE(frames_->size(), 4u);
  process(stream, 0);
  EXPECT_FALSE(process(stream, 1).stats.refined);
  stream.set_refine_margin(0.5f);
  int refined = 0;
  for (size_t f = 2; f < frames_->size(); ++f) refined += process(stream, f).stats.refined ? 1 : 0;
  EXPECT_GE(refined, 1);
  try {
    stream.set_refine_margin(0.6f);
    ADD_FAILURE() << "0.6 accepted";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    EXPECT_STREQ(e.what(), "stream: tracker.refine_margin: value 0.6 is out of range; expected a number in [0, 0.5]");
  }
  EXPECT_THROW(stream.set_track_score_off(-0.1f), dcnn::Error);
}

TEST_F(StreamTracking, TrackerOffKeepsTheHardCutOffAndPreviousFrameIds) {
  dcnn::StreamOptions off = options(dcnn::ExecMode::Dense);
  off.tracker.enabled = false;
  dcnn::Stream* stream = nullptr;
  const auto frames = run(off, &stream);
  std::unique_ptr<dcnn::Stream> owner(stream);
  EXPECT_EQ(stream->tracker(), nullptr);
  for (const auto& frame : frames)
    for (const dcnn::Detection& o : frame) {
      EXPECT_EQ(o.track_age, 0) << "no track, no age";
      EXPECT_GE(o.confidence, config_->decoder.score_threshold);
    }
}

}  // namespace
