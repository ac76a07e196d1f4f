// Zones and masks in real pipelines on vtest.avi (configs/examples/vtest-zones.yaml): the mask
// lowers the input activity against the same deployment without it on the same frames, the
// objects' records name their zones, zone changes become zone_enter / zone_leave events, and a
// zone outside the frame is an error that names the file.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_test::config_path;
using deltacnn_test::require_asset;

class ZonesPipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
  void SetUp() override { json_ = deltacnn_test::temp_path("deltacnn-zones", ".jsonl"); }
  void TearDown() override { std::remove(json_.c_str()); }
  std::string json_;
};

// One run, two deltacnn elements on the same frames: "masked" (the example: zones west and
// road, the right third masked) and "plain" (the shipped config it copies, no zones or masks).
TEST_F(ZonesPipelineTest, MaskLowersInputActivityAndZonesReachRecordsAndEvents) {
  const std::string example = config_path("examples/vtest-zones.yaml");
  const std::string plain = config_path("movenet-multipose.yaml");
  const std::string video = deltacnn_test::vtest_path();
  if (!require_asset(example) || !require_asset(plain) || !require_asset(video)) return;
  bool eos = false;
  const auto error = deltacnn_test::run_pipeline(
      "filesrc location=\"" + video + "\" ! avidemux ! avdec_msmpeg4 ! videoconvert ! "
      "identity eos-after=31 ! deltacnn name=masked backend=cpu camera-id=cam1 config-file-path=\"" +
          example + "\" ! deltacnn name=plain backend=cpu camera-id=cam2 config-file-path=\"" + plain +
          "\" ! deltacnnjson write=both location=\"" + json_ + "\" ! fakesink",
      240, &eos);
  ASSERT_FALSE(error.has_value()) << error->source << ": " << error->message << " (" << error->debug << ")";
  ASSERT_TRUE(eos);

  const std::vector<nlohmann::json> lines = deltacnn_test::read_json_records(json_);
  double masked_active = 0.0, plain_active = 0.0;
  int delta_frames = 0, records = 0, in_west = 0, in_road = 0, zone_enters = 0, born_inside = 0;
  std::map<int, std::set<std::string>> entered;  // track -> zones entered by an event so far
  for (const nlohmann::json& line : lines) {
    if (line.contains("event")) {
      EXPECT_EQ(line["schema_version"], 3);
      const std::string type = line["event"];
      if (line["camera_id"] == "cam2") {  // no zones configured: never a zone event, always []
        EXPECT_TRUE(type == "start" || type == "update" || type == "end") << line.dump();
        EXPECT_EQ(line["zones"], nlohmann::json::array());
        continue;
      }
      if (type == "zone_enter" || type == "zone_leave") {
        const std::string zone = line["zone"];
        EXPECT_TRUE(zone == "west" || zone == "road") << line.dump();
        const bool listed = std::find(line["zones"].begin(), line["zones"].end(), zone) != line["zones"].end();
        EXPECT_EQ(listed, type == "zone_enter") << line.dump();
        if (type == "zone_enter") ++zone_enters, entered[line["track_id"]].insert(zone);
        if (type == "zone_leave") entered[line["track_id"]].erase(zone);
      } else {
        EXPECT_TRUE(line["zone"].is_null()) << line.dump();
        // Born inside zones: the start names them, with no zone_enter (docs/events.md).
        if (type == "start")
          for (const auto& z : line["zones"]) entered[line["track_id"]].insert(std::string(z)), ++born_inside;
      }
      continue;
    }
    ++records;
    std::map<std::string, nlohmann::json> stats;
    for (const nlohmann::json& s : line["sources"]) stats[s["source"]] = s;
    ASSERT_EQ(stats.size(), 2u);
    if (!stats["masked"]["keyframe"] && !stats["plain"]["keyframe"]) {
      masked_active += double(stats["masked"]["input_active"]);
      plain_active += double(stats["plain"]["input_active"]);
      ++delta_frames;
    }
    for (const nlohmann::json& o : line["objects"]) {
      ASSERT_TRUE(o["zones"].is_array()) << o.dump();
      if (o["source"] == "plain") {
        EXPECT_TRUE(o["zones"].empty()) << o.dump();
        continue;
      }
      // A tracked object's zones are exactly those its events entered and did not leave.
      std::set<std::string> zones;
      for (const auto& z : o["zones"]) zones.insert(std::string(z));
      EXPECT_EQ(zones, entered[o["id"]]) << "frame " << line["frame"] << ": " << o.dump();
      in_west += zones.count("west");
      in_road += zones.count("road");
    }
  }
  EXPECT_EQ(records, 30);
  ASSERT_GE(delta_frames, 10);
  std::printf("mean input active over %d delta frames: masked %.4f, plain %.4f\n", delta_frames,
              masked_active / delta_frames, plain_active / delta_frames);
  // Measured 0.04-0.06 against 0.07-0.11 on these frames: the right third holds most motion.
  EXPECT_LT(masked_active, 0.75 * plain_active);
  EXPECT_GT(in_west, 0);
  EXPECT_GT(in_road, 0);
  EXPECT_GE(zone_enters + born_inside, 3);  // tracks born in zones, or entering them
  EXPECT_GE(zone_enters, 1);                // and at least one crossing a border
}

// Runs `buffers` 96x64 test frames through deltacnn (CPU) with MoveNet Lightning's shipped
// config plus `extra_yaml`, written to a file of its own that is removed afterwards.
struct LightningRun {
  std::string path;  // the YAML it ran with
  std::optional<deltacnn_test::BusError> error;
  bool eos = false;
  std::vector<deltacnn_test::BusError> warnings;
};

LightningRun run_lightning_with(const std::string& extra_yaml, int buffers) {
  LightningRun r;
  r.path = deltacnn_test::config_with("movenet-lightning.yaml", extra_yaml);
  if (r.path.empty()) {
    ADD_FAILURE() << "could not write the YAML";
    return r;
  }
  r.error = deltacnn_test::run_pipeline(
      "videotestsrc num-buffers=" + std::to_string(buffers) +
          " ! video/x-raw,format=RGB,width=96,height=64 ! deltacnn backend=cpu config-file-path=\"" + r.path +
          "\" ! fakesink",
      60, &r.eos, &r.warnings);
  std::remove(r.path.c_str());
  return r;
}

// A deployment whose pixel zone does not fit the camera's frame fails when the caps are set,
// with the file, the zone, the point and the frame size, not with a silent wrong answer.
TEST_F(ZonesPipelineTest, PixelZoneOutsideTheFrameIsAnErrorNamingTheFile) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  const LightningRun r = run_lightning_with("zones:\n  - name: door\n    polygon: [[0, 0], [500, 10], [10, 40]]\n", 2);
  ASSERT_FALSE(r.path.empty());
  ASSERT_TRUE(r.error.has_value());
  const std::string all = r.error->message + " " + r.error->debug;
  EXPECT_NE(all.find(r.path + ": zones[0] (door).polygon[1]"), std::string::npos) << all;
  EXPECT_NE(all.find("point [500, 10] lies outside the 96x64 frame"), std::string::npos) << all;
}

// Masks over the whole picture drop every object: the pipeline runs, but a WARNING on the bus
// (posted with the first frame, once) says why nothing is ever found.
TEST_F(ZonesPipelineTest, MasksOverTheWholeFrameAreAWarning) {
  if (!require_asset(config_path("movenet-lightning.yaml"))) return;
  const LightningRun r =
      run_lightning_with("masks:\n  - polygon: [[0, 0], [1, 0], [1, 1], [0, 1]]\n    units: normalized\n", 3);
  ASSERT_FALSE(r.path.empty());
  ASSERT_FALSE(r.error.has_value()) << r.error->message;
  EXPECT_TRUE(r.eos);
  int whole = 0;
  for (const auto& w : r.warnings)
    if (w.message.find("the masks cover the whole 96x64 frame") != std::string::npos) ++whole;
  EXPECT_EQ(whole, 1);
}

}  // namespace

