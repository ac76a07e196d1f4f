// The track event glue: the docs/events.md JSON (fields, order, times), the per-element
// numbering of the emitter, and the custom event that carries them downstream.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gst/elements/track_event_emitter.h"
#include "gst/elements/track_event_json.h"
#include "gst/elements/track_event_transport.h"
#include "tests/gst/gst_test_support.h"

namespace {

TEST(TrackEventJson, Iso8601UtcWithMilliseconds) {
  EXPECT_EQ(deltacnn_gst::iso8601_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(deltacnn_gst::iso8601_utc(1'764'806'400'123'456), "2025-12-04T00:00:00.123Z");
  EXPECT_EQ(deltacnn_gst::iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TrackEventJson, SchemaFieldsInOrder) {
  dcnn::TrackEvent e;
  e.type = dcnn::TrackEventType::End;
  e.track_id = 7;
  e.object.label = "person";
  e.object.confidence = 0.5f;
  e.object.x_min = 1, e.object.y_min = 2, e.object.x_max = 3, e.object.y_max = 4;
  e.best_score = 0.75f;
  e.age_frames = 12;
  e.first_seen = {1'000'000'000, 0};
  e.last_seen = {-1, 1'000};
  const nlohmann::ordered_json j =
      deltacnn_gst::track_event_record(e, {"cam1", "deltacnn0", 2, "movenet", "run-a"}, 41);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"schema_version", "event", "zone", "seq", "run_id", "camera_id",
                                            "track_id", "label", "label_id", "score",
                                            "best_score", "box", "zones", "first_seen",
                                            "last_seen", "track_age", "source", "unique_id",
                                            "model"}));
  EXPECT_EQ(j["schema_version"], 3);
  EXPECT_EQ(j["run_id"], "run-a");
  EXPECT_EQ(j["event"], "end");
  EXPECT_TRUE(j["zone"].is_null());
  EXPECT_EQ(j["seq"], 41);
  EXPECT_EQ(j["track_id"], 7);
  EXPECT_EQ(j["box"]["x_max"], 3.0);
  EXPECT_TRUE(j["zones"].is_array() && j["zones"].empty());
  EXPECT_EQ(j["first_seen"]["running_time"], 1'000'000'000);
  EXPECT_EQ(j["first_seen"]["utc"], "1970-01-01T00:00:00.000Z");
  EXPECT_TRUE(j["last_seen"]["running_time"].is_null());
  EXPECT_EQ(j["last_seen"]["utc"], "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(j["track_age"], 12);
  EXPECT_EQ(j["unique_id"], 2);
}

TEST(TrackEventJson, ZoneEventNamesItsZoneAndTheZonesAfterIt) {
  dcnn::TrackEvent e;
  e.type = dcnn::TrackEventType::ZoneEnter;
  e.track_id = 3;
  e.zone = "crossing";
  e.object.zones = {"street", "crossing"};
  const nlohmann::ordered_json j =
      deltacnn_gst::track_event_record(e, {"cam1", "deltacnn0", 2, "movenet", ""}, 5);
  EXPECT_EQ(j["event"], "zone_enter");
  EXPECT_EQ(j["zone"], "crossing");
  EXPECT_EQ(j["zones"], nlohmann::ordered_json::array({"street", "crossing"}));
}

TEST(TrackEventTransport, RoundTripAndOtherEventsIgnored) {
  deltacnn_test::init_gstreamer();
  GstEvent* event = deltacnn_gst::make_track_event({"cam1", "start", "{\"a\":1}"});
  EXPECT_TRUE(GST_EVENT_IS_SERIALIZED(event));
  EXPECT_TRUE(GST_EVENT_IS_DOWNSTREAM(event));
  deltacnn_gst::TrackEventMessage m;
  ASSERT_TRUE(deltacnn_gst::parse_track_event(event, &m));
  EXPECT_EQ(m.camera_id, "cam1");
  EXPECT_EQ(m.type, "start");
  EXPECT_EQ(m.json, "{\"a\":1}");
  gst_event_unref(event);
  GstEvent* other = gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM,
                                         gst_structure_new_empty("something-else"));
  EXPECT_FALSE(deltacnn_gst::parse_track_event(other, &m));
  gst_event_unref(other);
  GstEvent* eos = gst_event_new_eos();
  EXPECT_FALSE(deltacnn_gst::parse_track_event(eos, &m));
  gst_event_unref(eos);
}

// A tracker whose tracks start on their first sighting and end at their first miss.
dcnn::TrackerSettings ends_at_first_miss() {
  dcnn::TrackerSettings s;
  s.score_on = 0.25f;
  s.score_off = 0.15f;
  s.max_misses = 0;
  return s;
}

TEST(TrackEventEmitter, NumbersEventsAndIsSilentWithoutTracker) {
  dcnn::Tracker tracker(ends_at_first_miss());
  deltacnn_gst::TrackEventEmitter emitter({"cam9", "deltacnn0", 1, "m", "run-1"}, 0);
  EXPECT_TRUE(emitter.on_frame(nullptr, {0, 0}).empty());
  dcnn::Detection d;
  d.x_max = d.y_max = 10;
  d.confidence = 0.9f;
  std::vector<deltacnn_gst::TrackEventMessage> all;
  for (int i = 0; i < 3; ++i) {
    tracker.update(i < 2 ? std::vector<dcnn::Detection>{d} : std::vector<dcnn::Detection>{});
    for (auto& m : emitter.on_frame(&tracker, {i * 100, 0})) all.push_back(m);
  }
  ASSERT_EQ(all.size(), 3u);  // start, update, end (max_misses 0)
  for (size_t i = 0; i < all.size(); ++i) {
    const nlohmann::json j = nlohmann::json::parse(all[i].json);
    EXPECT_EQ(j["seq"], i);
    EXPECT_EQ(j["camera_id"], "cam9");
    EXPECT_EQ(all[i].camera_id, "cam9");
    EXPECT_EQ(j["event"], all[i].type);
  }
  EXPECT_EQ(all[0].type, "start");
  EXPECT_EQ(all[2].type, "end");
  EXPECT_EQ(emitter.emitted(), 3u);
  EXPECT_TRUE(emitter.finish().empty());
}

// Messages lost to a flushing seek are sent again before the next ones, with their own seq:
// every event arrives once and in seq order, the lost start before its track's later events
// and a lost end as well (dropped, it had left the track open downstream for ever).
TEST(TrackEventEmitter, MessagesLostToAFlushAreSentAgainFirst) {
  dcnn::Tracker tracker(ends_at_first_miss());
  deltacnn_gst::TrackEventEmitter emitter({"cam9", "deltacnn0", 1, "m", "run-1"}, 0);
  dcnn::Detection a, b;
  a.x_max = a.y_max = 10;
  b.x_min = b.y_min = 100;
  b.x_max = b.y_max = 120;
  a.confidence = b.confidence = 0.9f;
  tracker.update({a});
  const auto first = emitter.on_frame(&tracker, {0, 0});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(first[0].type, "start");
  emitter.lost(first[0]);  // a's start never left the element
  std::vector<deltacnn_gst::TrackEventMessage> after;
  for (int i = 1; i < 4; ++i) {
    tracker.update(i < 3 ? std::vector<dcnn::Detection>{a, b} : std::vector<dcnn::Detection>{});
    auto batch = emitter.on_frame(&tracker, {i * 100, 0});
    if (i == 3) {  // the frame whose events (both ends) are lost to a second flush
      for (const auto& m : batch) emitter.lost(m);
      continue;
    }
    for (auto& m : batch) after.push_back(m);
  }
  for (auto& m : emitter.finish()) after.push_back(m);  // EOS: the lost ends go out first
  std::vector<std::string> types;
  for (size_t i = 0; i < after.size(); ++i) {
    types.push_back(after[i].type);
    EXPECT_EQ(nlohmann::json::parse(after[i].json)["seq"], i) << "no gap, in order";
  }
  // a's start sent again, then frame 1 (a's update, b's start), frame 2 (both updates), then
  // the two ends lost at frame 3.
  EXPECT_EQ(types, (std::vector<std::string>{"start", "update", "start", "update", "update", "end",
                                             "end"}));
  EXPECT_EQ(after[0].track_id, first[0].track_id);
  EXPECT_EQ(emitter.emitted(), after.size());
}

}  // namespace
