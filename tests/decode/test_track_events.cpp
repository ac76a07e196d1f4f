// Track events (engine/track/track_events.h): start on confirmation, updates rate-limited by
// stream time, end when the tracker ends a track, on reset and at finish; every start has
// exactly one end.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "engine/core/error.h"
#include "engine/track/track_events.h"
#include "engine/track/tracker.h"

namespace {

using dcnn::Detection;
using dcnn::EventTime;
using dcnn::TrackEvent;
using dcnn::TrackEventBuilder;
using dcnn::TrackEventType;
using dcnn::Tracker;
using dcnn::TrackerSettings;

constexpr int64_t kFrameNs = 100'000'000;  // 10 fps
constexpr int64_t kSecond = 1'000'000'000;

Detection box(float x, float score) {
  Detection d;
  d.label = "person";
  d.x_min = x, d.y_min = 50, d.x_max = x + 40, d.y_max = 150;
  d.confidence = score;
  return d;
}

TrackerSettings settings(int min_hits = 1, int max_misses = 2) {
  TrackerSettings s;
  s.score_on = 0.25f;
  s.score_off = 0.15f;
  s.min_hits = min_hits;
  s.max_misses = max_misses;
  return s;
}

EventTime at(int frame) { return {frame * kFrameNs, 1'700'000'000'000'000 + frame * 100'000}; }

std::vector<TrackEvent> step(Tracker& tracker, TrackEventBuilder& events,
                             const std::vector<Detection>& frame, int index) {
  tracker.update(frame, index * kFrameNs);
  return events.on_frame(tracker, at(index));
}

TEST(TrackEvents, StartUpdateEveryIntervalAndEndAfterMisses) {
  Tracker tracker(settings(1, 2));
  TrackEventBuilder events(kSecond / 2);  // every 5 frames at most
  std::vector<TrackEvent> all;
  for (int i = 0; i < 12; ++i) {
    const auto e = step(tracker, events, {box(100.f + i, 0.6f + 0.01f * i)}, i);
    all.insert(all.end(), e.begin(), e.end());
  }
  // Frames 12, 13 missed (held), 14 exceeds max_misses = 2: the track ends there.
  for (int i = 12; i < 15; ++i) {
    const auto e = step(tracker, events, {}, i);
    all.insert(all.end(), e.begin(), e.end());
  }
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].type, TrackEventType::Start);
  EXPECT_EQ(all[0].first_seen.running_ns, 0);
  EXPECT_EQ(all[1].type, TrackEventType::Update);
  EXPECT_EQ(all[1].last_seen.running_ns, 5 * kFrameNs);
  EXPECT_EQ(all[2].type, TrackEventType::Update);
  EXPECT_EQ(all[2].last_seen.running_ns, 10 * kFrameNs);
  const TrackEvent& end = all[3];
  EXPECT_EQ(end.type, TrackEventType::End);
  EXPECT_EQ(end.track_id, all[0].track_id);
  EXPECT_EQ(end.first_seen.running_ns, 0);
  EXPECT_EQ(end.first_seen.wall_us, at(0).wall_us);
  EXPECT_EQ(end.last_seen.running_ns, 11 * kFrameNs);  // the last matched frame, not the end
  EXPECT_EQ(end.last_seen.wall_us, at(11).wall_us);
  EXPECT_NEAR(end.best_score, 0.71f, 1e-6);
  EXPECT_EQ(end.age_frames, 12);
  EXPECT_FLOAT_EQ(end.object.x_min, 111.f);
  EXPECT_EQ(events.open_tracks(), 0u);
}

TEST(TrackEvents, ZeroIntervalUpdatesOnEveryMatchedFrameOnly) {
  Tracker tracker(settings(1, 3));
  TrackEventBuilder events(0);
  int updates = 0;
  for (int i = 0; i < 6; ++i) {
    // Frames 2 and 3 miss the object: no update for them.
    const bool seen = i != 2 && i != 3;
    for (const TrackEvent& e : step(tracker, events, seen ? std::vector<Detection>{box(100, 0.6f)}
                                                          : std::vector<Detection>{}, i))
      updates += e.type == TrackEventType::Update;
  }
  EXPECT_EQ(updates, 3);  // frames 1, 4, 5
}

TEST(TrackEvents, TentativeTracksMakeNoEventsAndStartOnConfirmation) {
  Tracker tracker(settings(3, 2));
  TrackEventBuilder events(kSecond);
  EXPECT_TRUE(step(tracker, events, {box(100, 0.6f)}, 0).empty());
  EXPECT_TRUE(step(tracker, events, {box(100, 0.6f)}, 1).empty());
  const auto e = step(tracker, events, {box(100, 0.6f)}, 2);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].type, TrackEventType::Start);
  EXPECT_EQ(e[0].first_seen.running_ns, 2 * kFrameNs);  // confirmed there
  // A tentative object that disappears leaves no trace.
  Tracker other(settings(3, 2));
  TrackEventBuilder other_events(kSecond);
  step(other, other_events, {box(100, 0.6f)}, 0);
  EXPECT_TRUE(step(other, other_events, {}, 1).empty());
  EXPECT_TRUE(other_events.finish().empty());
}

TEST(TrackEvents, ResetAndFinishEndEveryOpenTrackOnce) {
  Tracker tracker(settings(1, 5));
  TrackEventBuilder events(kSecond);
  step(tracker, events, {box(100, 0.6f), box(400, 0.7f)}, 0);
  step(tracker, events, {box(101, 0.6f), box(401, 0.7f)}, 1);
  tracker.reset();
  const auto ends = events.on_reset(tracker);
  ASSERT_EQ(ends.size(), 2u);
  for (const TrackEvent& e : ends) {
    EXPECT_EQ(e.type, TrackEventType::End);
    EXPECT_EQ(e.last_seen.running_ns, kFrameNs);
  }
  // After the reset a new track (new id) starts; finish ends it, and only it.
  const auto started = step(tracker, events, {box(100, 0.6f)}, 0);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].type, TrackEventType::Start);
  EXPECT_EQ(started[0].track_id, 2);
  const auto finished = events.finish();
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].type, TrackEventType::End);
  EXPECT_EQ(finished[0].track_id, 2);
  EXPECT_TRUE(events.finish().empty());
}

TEST(TrackEvents, AResetNotPassedOnStillEndsItsTracks) {
  Tracker tracker(settings(1, 5));
  TrackEventBuilder events(kSecond);
  step(tracker, events, {box(100, 0.6f)}, 0);
  tracker.reset();  // as Stream::process does on a new frame size, without on_reset
  const auto e = step(tracker, events, {box(300, 0.6f)}, 0);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].type, TrackEventType::End);
  EXPECT_EQ(e[0].track_id, 0);
  EXPECT_EQ(e[1].type, TrackEventType::Start);
  EXPECT_EQ(e[1].track_id, 1);
}

TEST(TrackEvents, EveryStartHasExactlyOneEnd) {
  Tracker tracker(settings(1, 1));
  TrackEventBuilder events(0);
  std::map<int, int> starts, ends;
  // Two objects appearing and disappearing on different frames.
  for (int i = 0; i < 40; ++i) {
    std::vector<Detection> frame;
    if (i % 10 < 6) frame.push_back(box(100, 0.6f));
    if (i % 7 < 3) frame.push_back(box(500, 0.5f));
    for (const TrackEvent& e : step(tracker, events, frame, i)) {
      if (e.type == TrackEventType::Start) ++starts[e.track_id];
      if (e.type == TrackEventType::End) ++ends[e.track_id];
      if (e.type == TrackEventType::Update) {
        EXPECT_EQ(starts.count(e.track_id), 1u);
      }
    }
  }
  for (const TrackEvent& e : events.finish()) ++ends[e.track_id];
  EXPECT_GT(starts.size(), 4u);
  EXPECT_EQ(starts, ends);
  for (const auto& [id, n] : starts) EXPECT_EQ(n, 1) << "track " << id;
}

TEST(TrackEvents, WithoutRunningTimeTheIntervalUsesTheWallClock) {
  Tracker tracker(settings(1, 2));
  TrackEventBuilder events(kSecond);
  int updates = 0;
  for (int i = 0; i < 25; ++i) {
    tracker.update({box(100, 0.6f)});
    // 0.1 s of wall-clock per frame, running time unknown: updates at 1 s and 2 s.
    for (const TrackEvent& e : events.on_frame(tracker, {-1, int64_t{i} * 100'000}))
      updates += e.type == TrackEventType::Update;
  }
  EXPECT_EQ(updates, 2);
}

// A stream whose first buffer has a timestamp and the rest none (rawvideoparse framerate=0/1):
// the start was at running time 0, the frames after it have only the wall-clock. The interval
// is measured on the clock both frames have, not running time 0 against the epoch.
TEST(TrackEvents, TimestampsLostPartWayMeasureTheIntervalOnTheWallClock) {
  Tracker tracker(settings(1, 2));
  TrackEventBuilder events(kSecond / 2);
  int updates = 0;
  for (int i = 0; i < 12; ++i) {
    tracker.update({box(100, 0.6f)});
    const EventTime now{i == 0 ? 0 : -1, 1'700'000'000'000'000 + int64_t{i} * 100'000};
    for (const TrackEvent& e : events.on_frame(tracker, now)) {
      if (e.type != TrackEventType::Update) continue;
      ++updates;
      EXPECT_TRUE(i == 5 || i == 10) << "an update on frame " << i << " (0.1 s a frame, every 0.5 s)";
    }
  }
  EXPECT_EQ(updates, 2);
}

TEST(TrackEvents, NegativeIntervalIsAConfigError) {
  try {
    TrackEventBuilder events(-1);
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("expected 0"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

// Zone changes (engine/zones gives each track's zones after inertia): a zone_leave per zone
// left, then a zone_enter per zone entered, instead of that frame's update; every event carries
// the zones after its own change; an end carries the last zones.
TEST(TrackEvents, ZoneChangesBecomeEnterAndLeaveEvents) {
  Tracker tracker(settings(1, 0));
  TrackEventBuilder events(kSecond);  // updates every 10 frames at most
  dcnn::ZonesByTrack zones;
  auto run = [&](int i, const std::vector<std::string>& now) {
    tracker.update({box(100.f + i, 0.6f)}, i * kFrameNs);
    zones.clear();
    for (const auto& t : tracker.tracks())
      if (t.confirmed) zones[t.id] = now;
    return events.on_frame(tracker, at(i), &zones);
  };
  auto start = run(0, {"a"});
  ASSERT_EQ(start.size(), 1u);
  EXPECT_EQ(start[0].type, TrackEventType::Start);
  EXPECT_EQ(start[0].object.zones, std::vector<std::string>{"a"});  // starts inside: said in the start
  EXPECT_TRUE(run(1, {"a"}).empty());
  auto changed = run(2, {"b", "c"});  // left a, entered b and c
  ASSERT_EQ(changed.size(), 3u);
  EXPECT_EQ(changed[0].type, TrackEventType::ZoneLeave);
  EXPECT_EQ(changed[0].zone, "a");
  EXPECT_TRUE(changed[0].object.zones.empty());
  EXPECT_EQ(changed[1].type, TrackEventType::ZoneEnter);
  EXPECT_EQ(changed[1].zone, "b");
  EXPECT_EQ(changed[1].object.zones, std::vector<std::string>{"b"});
  EXPECT_EQ(changed[2].zone, "c");
  EXPECT_EQ(changed[2].object.zones, (std::vector<std::string>{"b", "c"}));
  // The zone events restarted the update interval: the next update comes 10 frames later.
  for (int i = 3; i < 12; ++i) EXPECT_TRUE(run(i, {"b", "c"}).empty()) << i;
  auto update = run(12, {"b", "c"});
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(update[0].type, TrackEventType::Update);
  EXPECT_EQ(update[0].object.zones, (std::vector<std::string>{"b", "c"}));
  auto end = events.finish();
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].type, TrackEventType::End);
  EXPECT_EQ(end[0].object.zones, (std::vector<std::string>{"b", "c"}));
  EXPECT_STREQ(dcnn::to_string(TrackEventType::ZoneEnter), "zone_enter");
  EXPECT_STREQ(dcnn::to_string(TrackEventType::ZoneLeave), "zone_leave");
}

TEST(TrackEvents, WithoutZonesNothingChanges) {
  Tracker tracker(settings(1, 0));
  TrackEventBuilder events(0);
  dcnn::ZonesByTrack none;
  tracker.update({box(100.f, 0.6f)}, 0);
  auto a = events.on_frame(tracker, at(0), &none);
  tracker.update({box(101.f, 0.6f)}, kFrameNs);
  auto b = events.on_frame(tracker, at(1), nullptr);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].type, TrackEventType::Update);
  EXPECT_TRUE(b[0].object.zones.empty());
  EXPECT_TRUE(b[0].zone.empty());
}

}  // namespace
