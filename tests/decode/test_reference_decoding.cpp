// End to end against the TF.js runtime: vtest.avi frame 200 through our pre-processing, the
// dense engine and our decoders, compared with the post-processed output the original TF.js
// graph computes itself (tests/data/reference/<model>/frame200.json, `decoded`).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/api/deltacnn.h"
#include "engine/core/error.h"
#include "engine/exec/executor.h"
#include "kernels/cpu/gather_gemm_bf16.h"

namespace fs = std::filesystem;

namespace {

constexpr int kFrame = 200;
constexpr float kTolerancePx = 3.f;

fs::path source_root() {
  const char* root = std::getenv("DELTACNN_SOURCE_ROOT");
  return root ? fs::path(root) : fs::path(".");
}

// Skips nothing: a missing model or video is a failure that says how to get it.
bool have_assets(const std::string& model, const std::string& onnx) {
  const fs::path root = source_root();
  for (const fs::path& p : {root / "models" / onnx, root / "data" / "vtest.avi",
                           root / "tests/data/reference" / model / "frame200.json"}) {
    if (!fs::exists(p)) {
      ADD_FAILURE() << p << " is missing: run ./scripts/setup.sh";
      return false;
    }
  }
  return true;
}

cv::Mat read_frame(int index) {
  cv::VideoCapture video((source_root() / "data" / "vtest.avi").string());
  EXPECT_TRUE(video.isOpened()) << "cannot open data/vtest.avi (run ./scripts/setup.sh)";
  cv::Mat frame;
  for (int i = 0; i <= index; ++i) {
    if (!video.read(frame)) {
      ADD_FAILURE() << "vtest.avi ended before frame " << index;
      return {};
    }
  }
  return frame.clone();
}

nlohmann::json read_reference(const std::string& model) {
  std::ifstream in(source_root() / "tests/data/reference" / model / "frame200.json");
  return nlohmann::json::parse(in);
}

struct FrameRun {
  std::shared_ptr<dcnn::Model> model;
  dcnn::FrameResult result;
  int width = 0, height = 0;
  double input_sum = 0.0;
};

// Dense CPU inference of frame 200 with the shipped config, every object reported, in fp32 (the
// converted model against its original runtime) unless another precision is asked for.
FrameRun run_frame(const std::string& config_name, dcnn::Precision precision = dcnn::Precision::F32) {
  FrameRun r;
  auto cfg = dcnn::load_config((source_root() / "configs" / config_name).string());
  // MultiPose's graph decodes its top 6 centres: a config asking for more people adds some the
  // reference cannot hold.
  if (cfg.decoder.kind == dcnn::DecoderKind::MoveNetMultiPose)
    cfg.decoder.max_objects = std::min(cfg.decoder.max_objects, 6);
  r.model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, precision});
  dcnn::StreamOptions opts = dcnn::StreamOptions::from(cfg);
  opts.mode = dcnn::ExecMode::Dense;
  opts.score_threshold = 0.f;
  dcnn::Stream stream(r.model, opts);
  const cv::Mat frame = read_frame(kFrame);
  if (frame.empty()) return r;
  dcnn::ImageView view;
  view.format = dcnn::PixelFormat::BGR;
  view.width = r.width = frame.cols;
  view.height = r.height = frame.rows;
  view.planes[0] = frame.data;
  view.strides[0] = int(frame.step);
  // The same pixels the reference fed: compare the sum of the pre-processed input.
  std::vector<float> input(size_t(cfg.input.width) * cfg.input.height * 3);
  dcnn::Preprocessor(cfg.input).run(view, input.data());
  for (float v : input) r.input_sum += double(std::lround(v));
  r.result = stream.process(view);
  return r;
}

// Tolerances: fp32 against TF.js, and bf16 (the shipped config's model.precision where the CPU
// has AVX-512 BF16): its keypoint scores measured up to 0.026 off TF.js on this frame.
struct Tolerance {
  float score, keypoint_score;
};

void check_multipose_frame200(dcnn::Precision precision, Tolerance tol) {
  const FrameRun r = run_frame("movenet-multipose.yaml", precision);
  ASSERT_EQ(r.model->precision(), precision);
  const auto ref = read_reference("movenet-multipose");
  EXPECT_NEAR(r.input_sum, ref["meta"]["input_sum"].get<double>(), 1.0);
  const auto& v = ref["decoded"]["values"];
  const float threshold = 0.25f;
  int compared_people = 0, compared_keypoints = 0;
  float worst_px = 0.f;
  for (int p = 0; p < 6; ++p) {
    const float score = v[p * 56 + 55].get<float>();
    if (score < threshold) continue;
    ++compared_people;
    // Our person: the one whose box is closest to the reference box.
    const float ref_box[4] = {v[p * 56 + 51].get<float>() * r.height, v[p * 56 + 52].get<float>() * r.width,
                              v[p * 56 + 53].get<float>() * r.height, v[p * 56 + 54].get<float>() * r.width};
    const dcnn::Detection* best = nullptr;
    float best_d = 1e9f;
    for (const auto& o : r.result.objects) {
      const float d = std::abs(o.y_min - ref_box[0]) + std::abs(o.x_min - ref_box[1]) +
                      std::abs(o.y_max - ref_box[2]) + std::abs(o.x_max - ref_box[3]);
      if (d < best_d) best_d = d, best = &o;
    }
    ASSERT_NE(best, nullptr) << "person " << p << " not found";
    EXPECT_LT(best_d, 4 * kTolerancePx) << "person " << p << " box";
    EXPECT_NEAR(best->confidence, score, tol.score) << "person " << p;
    for (int k = 0; k < 17; ++k) {
      const float ky = v[p * 56 + 3 * k].get<float>() * r.height;
      const float kx = v[p * 56 + 3 * k + 1].get<float>() * r.width;
      const float ks = v[p * 56 + 3 * k + 2].get<float>();
      if (ks < 0.3f) continue;
      ++compared_keypoints;
      worst_px = std::max(worst_px, std::hypot(best->keypoints[k].x - kx, best->keypoints[k].y - ky));
      EXPECT_NEAR(best->keypoints[k].x, kx, kTolerancePx) << "person " << p << " keypoint " << k;
      EXPECT_NEAR(best->keypoints[k].y, ky, kTolerancePx) << "person " << p << " keypoint " << k;
      EXPECT_NEAR(best->keypoints[k].score, ks, tol.keypoint_score) << "person " << p << " keypoint " << k;
    }
  }
  int ours = 0;
  for (const auto& o : r.result.objects) ours += o.confidence >= threshold;
  EXPECT_EQ(ours, compared_people);
  EXPECT_GE(compared_people, 5) << "vtest frame 200 shows 6-7 people";
  EXPECT_GE(compared_keypoints, 60);
  std::printf("multipose frame %d (%s): %d people, %d keypoints compared, worst %.3f px\n", kFrame,
              dcnn::to_string(precision), compared_people, compared_keypoints, worst_px);
}

TEST(ReferenceDecoding, MoveNetMultiPoseFrame200MatchesTfjsIdentity) {
  if (!have_assets("movenet-multipose", "movenet-multipose.onnx")) return;
  check_multipose_frame200(dcnn::Precision::F32, {0.01f, 0.02f});
}

TEST(ReferenceDecoding, MoveNetMultiPoseFrame200InBf16StaysCloseToTfjs) {
  if (!have_assets("movenet-multipose", "movenet-multipose.onnx")) return;
  if (!dcnn::cpu::cpu_has_bf16()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
  check_multipose_frame200(dcnn::Precision::BF16, {0.03f, 0.05f});
}

TEST(ReferenceDecoding, MoveNetSinglePoseFrame200MatchesTfjsIdentity) {
  if (!have_assets("movenet-lightning", "movenet-lightning.onnx")) return;
  const FrameRun r = run_frame("movenet-lightning.yaml");
  const auto ref = read_reference("movenet-lightning");
  EXPECT_NEAR(r.input_sum, ref["meta"]["input_sum"].get<double>(), 0.001 * ref["meta"]["input_sum"].get<double>());
  const auto& v = ref["decoded"]["values"];
  ASSERT_EQ(r.result.objects.size(), 1u);
  const auto& pose = r.result.objects[0];
  // One heat cell is 4 model px = 16 frame px here: allow the 3 px of the others plus the
  // stretch's rounding of the input (the input sums agree to 0.1 %).
  for (int k = 0; k < 17; ++k) {
    EXPECT_NEAR(pose.keypoints[k].y, v[3 * k].get<float>() * r.height, kTolerancePx) << k;
    EXPECT_NEAR(pose.keypoints[k].x, v[3 * k + 1].get<float>() * r.width, kTolerancePx) << k;
    EXPECT_NEAR(pose.keypoints[k].score, v[3 * k + 2].get<float>(), 0.02f) << k;
  }
}

TEST(ReferenceDecoding, CenterNetFrame200MatchesTfjsDetections) {
  if (!have_assets("centernet", "centernet.onnx")) return;
  const FrameRun r = run_frame("centernet.yaml");
  const auto ref = read_reference("centernet");
  const auto& v = ref["decoded"]["values"];
  const auto cfg = r.model->config();
  const float threshold = cfg.decoder.score_threshold;
  const float sx = float(r.width) / cfg.input.width, sy = float(r.height) / cfg.input.height;
  int compared = 0;
  for (int i = 0; i < 100; ++i) {
    const float score = v[i * 6 + 4].get<float>();
    if (score < threshold) continue;
    const int cls = int(v[i * 6 + 5].get<float>());
    const float box[4] = {v[i * 6 + 0].get<float>() * sx, v[i * 6 + 1].get<float>() * sy,
                          v[i * 6 + 2].get<float>() * sx, v[i * 6 + 3].get<float>() * sy};
    const dcnn::Detection* best = nullptr;
    float best_d = 1e9f;
    for (const auto& o : r.result.objects) {
      if (o.label_id != cls) continue;
      const float d = std::abs(o.x_min - std::max(0.f, box[0])) + std::abs(o.y_min - std::max(0.f, box[1])) +
                      std::abs(o.x_max - std::min(float(r.width), box[2])) +
                      std::abs(o.y_max - std::min(float(r.height), box[3]));
      if (d < best_d) best_d = d, best = &o;
    }
    ASSERT_NE(best, nullptr) << "detection " << i << " (class " << cls << ") not found";
    EXPECT_LT(best_d, 4 * kTolerancePx) << "detection " << i;
    EXPECT_NEAR(best->confidence, score, 0.01f) << "detection " << i;
    ++compared;
  }
  EXPECT_GE(compared, 5) << "vtest frame 200 shows 7 pedestrians";
}

}  // namespace
