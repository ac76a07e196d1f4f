// The agreement metrics deltacnn-eval reports (tools/eval/agreement.cpp).
#include <gtest/gtest.h>

#include "tools/eval/agreement.h"
#include "tools/eval/disagreements.h"

namespace {

dcnn::Detection person(float x, float y, float shift = 0.f, float score = 0.9f) {
  dcnn::Detection d;
  d.x_min = x, d.y_min = y, d.x_max = x + 20, d.y_max = y + 60;
  d.confidence = 0.8f;
  for (int k = 0; k < 17; ++k) d.keypoints.push_back({x + 1 + k + shift, y + 3 * k, score});
  return d;
}

dcnn::Detection box(float x, int label) {
  dcnn::Detection d;
  d.label_id = label;
  d.x_min = x, d.y_min = 0, d.x_max = x + 10, d.y_max = 10;
  return d;
}

TEST(EvalAgreement, PoseKeypointsWithinRadiusAndCounts) {
  dcnn::eval::Agreement a;
  // Frame 1: two people; the delta stream has them in the other order, one shifted by 2 px
  // (agrees) and one by 4 px (does not).
  dcnn::eval::add_pose_frame({person(0, 0), person(100, 0)}, {person(100, 0, 4.f), person(0, 0, 2.f)},
                             0.3f, 3.f, a);
  EXPECT_EQ(a.keypoints, 34);
  EXPECT_EQ(a.keypoints_close, 17);
  // Frame 2: the delta stream misses a person; low-score dense keypoints are not counted.
  dcnn::eval::add_pose_frame({person(0, 0), person(100, 0, 0.f, 0.1f)}, {person(0, 0)}, 0.3f, 3.f, a);
  EXPECT_EQ(a.keypoints, 51);
  EXPECT_EQ(a.keypoints_close, 34);
  EXPECT_DOUBLE_EQ(a.kpt_agree(), 34.0 / 51.0);
  EXPECT_DOUBLE_EQ(a.count_agree(), 0.5);
}

TEST(EvalAgreement, DetectionF1NeedsSameLabelAndIou) {
  dcnn::eval::Agreement a;
  // Dense: A(0), B(1), C(0). Delta: A shifted 1 px (IoU 0.82: TP), B with the wrong label
  // (FN + FP), C shifted 5 px (IoU 0.33 < 0.5: FN + FP).
  dcnn::eval::add_detection_frame({box(0, 0), box(50, 1), box(100, 0)},
                                  {box(1, 0), box(50, 2), box(105, 0)}, 0.5f, a);
  EXPECT_EQ(a.true_positives, 1);
  EXPECT_EQ(a.false_negatives, 2);
  EXPECT_EQ(a.false_positives, 2);
  EXPECT_DOUBLE_EQ(a.det_f1(), 2.0 / (2 + 2 + 2));
  dcnn::eval::Agreement empty;
  dcnn::eval::add_detection_frame({}, {}, 0.5f, empty);
  EXPECT_DOUBLE_EQ(empty.det_f1(), 1.0);  // the tuner's reading: nothing was lost
  EXPECT_TRUE(a.measured_det_f1());
  EXPECT_FALSE(empty.measured_det_f1());
  EXPECT_EQ(dcnn::eval::format_metric(empty.det_f1(), empty.measured_det_f1()), "n/a");
  EXPECT_EQ(dcnn::eval::format_metric(a.det_f1(), a.measured_det_f1()), "0.3333");
}

// Frames without a dense keypoint leave kpt_agree unmeasured: reports print "n/a", never 1.0.
TEST(EvalAgreement, NoDenseKeypointsIsNotAgreement) {
  dcnn::eval::Agreement a;
  dcnn::eval::add_pose_frame({}, {}, 0.3f, 3.f, a);
  EXPECT_EQ(a.keypoints, 0);
  EXPECT_FALSE(a.measured_kpt_agree());
  EXPECT_EQ(dcnn::eval::format_metric(a.kpt_agree(), a.measured_kpt_agree()), "n/a");
  EXPECT_DOUBLE_EQ(a.count_agree(), 1.0);  // both saw nobody: that is agreement
}

TEST(EvalDisagreements, NamesTheOtherStreamsCandidateOrItsAbsence) {
  dcnn::Detection near = person(100, 0);  // box x 100..120, y 0..60
  near.confidence = 0.253f;
  dcnn::Detection far = person(300, 0);
  far.confidence = 0.21f;
  dcnn::Detection shared = person(0, 0);
  // The other stream publishes only the shared person; its candidates hold the near one at
  // 0.240 (a threshold decided it) and nothing where the far one is (its slots went elsewhere).
  dcnn::Detection near_candidate = person(101, 0);
  near_candidate.confidence = 0.240f;
  const auto lines = dcnn::eval::explain_unmatched("dense", "delta", {shared, near, far}, {shared},
                                                   {shared, near_candidate});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("dense only: 0.253@(110,60); delta's candidate there scores 0.240 (IoU 0.9"),
            std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("dense only: 0.210@(310,60); delta has no candidate there (2 elsewhere)"),
            std::string::npos) << lines[1];
  EXPECT_EQ(dcnn::eval::describe_objects({far, near}), "2 [0.253@(110,60) 0.210@(310,60)]");
}

}  // namespace
