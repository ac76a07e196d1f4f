// deltacnn in real pipelines, read through deltacnnjson's records and the bus: what the element
// tells the application besides the objects (which backend ran and why, warnings).
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/api/deltacnn.h"
#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_test::BusError;
using deltacnn_test::config_path;
using deltacnn_test::require_asset;

class PipelineMetadataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
  void SetUp() override { json_ = deltacnn_test::temp_path("deltacnn-pipeline", ".jsonl"); }
  void TearDown() override { std::remove(json_.c_str()); }

  // Runs `description` to EOS (a failure is recorded otherwise); returns the WARNING messages.
  std::vector<BusError> run_to_eos(const std::string& description) {
    bool eos = false;
    std::vector<BusError> warnings;
    const auto error = deltacnn_test::run_pipeline(description, 120, &eos, &warnings);
    EXPECT_FALSE(error.has_value()) << error->source << ": " << error->message << " (" << error->debug << ")";
    EXPECT_TRUE(eos);
    return warnings;
  }

  // videotestsrc -> deltacnn name=pose (MoveNet Lightning, `backend`) -> deltacnnjson.
  std::vector<BusError> run_lightning(const std::string& backend, int frames) {
    const std::string yaml = config_path("movenet-lightning.yaml");
    if (!require_asset(yaml)) return {};
    return run_to_eos("videotestsrc num-buffers=" + std::to_string(frames) +
                      " pattern=ball ! video/x-raw,format=RGB,width=96,height=64 ! "
                      "deltacnn name=pose backend=" + backend + " config-file-path=\"" + yaml +
                      "\" ! deltacnnjson location=\"" + json_ + "\" ! fakesink");
  }

  std::string json_;
};

// backend=auto on a machine without a usable GPU runs on the CPU: one WARNING on the bus that
// says why (an INFO log line goes unread), and every frame meta says cpu, asked for auto.
TEST_F(PipelineMetadataTest, AutoBackendWithoutGpuWarnsOnceAndTheMetaSaysCpu) {
  std::string why;
  if (dcnn::cuda_available(&why)) GTEST_SKIP() << "a usable GPU is present: backend=auto runs on it";
  const std::vector<BusError> warnings = run_lightning("auto", 4);

  int from_pose = 0;
  for (const BusError& w : warnings) {
    if (w.source != "pose") continue;
    ++from_pose;
    EXPECT_EQ(w.domain, GST_RESOURCE_ERROR);
    EXPECT_NE(w.message.find("model 'movenet-lightning': backend auto runs on the CPU: " + why),
              std::string::npos) << w.message;
  }
  EXPECT_EQ(from_pose, 1) << "one warning for the fallback, not one per frame";

  const std::vector<nlohmann::json> records = deltacnn_test::read_json_records(json_);
  ASSERT_EQ(records.size(), 4u);
  for (const nlohmann::json& r : records) {
    ASSERT_TRUE(r["stats"].is_object());
    EXPECT_EQ(r["stats"]["backend"], "cpu");
    EXPECT_EQ(r["stats"]["requested_backend"], "auto");
  }
}

// backend=cpu is what was asked: no warning.
TEST_F(PipelineMetadataTest, CpuBackendAskedForPostsNoWarning) {
  const std::vector<BusError> warnings = run_lightning("cpu", 2);
  for (const BusError& w : warnings) EXPECT_NE(w.source, "pose") << w.message;
  const std::vector<nlohmann::json> records = deltacnn_test::read_json_records(json_);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["stats"]["requested_backend"], "cpu");
}

}  // namespace
