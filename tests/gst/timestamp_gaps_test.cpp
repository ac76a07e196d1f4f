// TimestampGaps (deltacnn's reset-after-gap): which jumps of the timestamps are a camera that
// was away or a picture that jumped in the media, and which are a feed that is slow, stalls once,
// varies its rate, turns slow for good, plays fast or backwards.
#include "gst/elements/timestamp_gaps.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr uint64_t kLimit = 5'000'000'000ull;  // the property's default, 5000 ms

// Feeds the timestamps (seconds) in order; returns the ones judged a gap.
std::vector<double> gaps_in(const std::vector<double>& seconds, uint64_t limit = kLimit) {
  deltacnn_gst::TimestampGaps gaps;
  std::vector<double> found;
  for (double t : seconds)
    if (gaps.is_gap(int64_t(t * 1e9), limit)) found.push_back(t);
  return found;
}

std::vector<double> every(double start, double step, int n) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) t.push_back(start + step * i);
  return t;
}

std::vector<double> operator+(std::vector<double> a, const std::vector<double>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(TimestampGaps, AnOutageOfAMinuteIsAGap) {
  EXPECT_EQ(gaps_in(every(0, 0.1, 20) + every(61.9, 0.1, 5)), (std::vector<double>{61.9}));
}

TEST(TimestampGaps, TwoOutagesInARowAreTwoGaps) {
  // The first outage's step does not become the feed's usual step.
  EXPECT_EQ(gaps_in(every(0, 0.1, 20) + std::vector<double>{62.0, 122.0, 122.1}),
            (std::vector<double>{62.0, 122.0}));
}

TEST(TimestampGaps, OneStallDoesNotHideTheOutageAfterIt) {
  // 25 fps, a 2 s stall, 25 fps again, then a 7 s outage.
  EXPECT_EQ(gaps_in(every(0, 0.04, 50) + every(4.0, 0.04, 25) + std::vector<double>{12.0}),
            (std::vector<double>{12.0}));
}

TEST(TimestampGaps, ASlowFeedIsNotAGapAtEveryFrame) {
  EXPECT_TRUE(gaps_in(every(0, 6.0, 20)).empty()) << "a timelapse of one frame every 6 s";
  EXPECT_EQ(gaps_in(every(0, 6.0, 10) + std::vector<double>{154.0}), (std::vector<double>{154.0}))
      << "100 s after 6 s steps";
  EXPECT_TRUE(gaps_in(every(0, 0.5, 20) + every(10.3, 0.7, 20)).empty()) << "a leaky queue's varying steps";
}

TEST(TimestampGaps, ShortOrBackwardJumpsAndTheLimitZeroAreNoGap) {
  EXPECT_TRUE(gaps_in(every(0, 1.0, 10) + std::vector<double>{13.5}).empty()) << "4.5 s: under the limit";
  EXPECT_TRUE(gaps_in(every(100, 0.1, 10) + every(10, 0.1, 10)).empty()) << "backwards";
  EXPECT_TRUE(gaps_in(every(0, 0.1, 10) + std::vector<double>{100.0}, 0).empty()) << "limit 0: never";
  EXPECT_TRUE(gaps_in(std::vector<double>{0.0, 60.0, 60.1}).empty()) << "the first step is not judged";
}

TEST(TimestampGaps, BuffersWithoutTimestampsAndClearAreSkipped) {
  deltacnn_gst::TimestampGaps gaps;
  for (double t : every(0, 0.1, 10)) EXPECT_FALSE(gaps.is_gap(int64_t(t * 1e9), kLimit));
  EXPECT_FALSE(gaps.is_gap(-1, kLimit));
  EXPECT_TRUE(gaps.is_gap(int64_t(70e9), kLimit));
  gaps.clear();
  EXPECT_FALSE(gaps.is_gap(int64_t(200e9), kLimit)) << "after clear() nothing is known";
}

TEST(TimestampGaps, AFeedThatTurnsSlowForGoodStopsBeingAGap) {
  // 10 fps, then one frame every 10 s: the first slow steps are outages, until they are the
  // median of the last 8 steps, after four (they were never remembered: every frame reset for ever).
  EXPECT_EQ(gaps_in(every(0, 0.1, 20) + every(11.9, 10.0, 10)), (std::vector<double>{11.9, 21.9, 31.9, 41.9}));
}

// Buffers as (running s, stream s) at `rate`; returns the indices judged a jump, with their kind.
std::vector<std::pair<int, deltacnn_gst::TimeJump>> jumps_in(const std::vector<std::pair<double, double>>& times,
                                                             double rate = 1.0) {
  deltacnn_gst::TimestampGaps gaps;
  std::vector<std::pair<int, deltacnn_gst::TimeJump>> found;
  for (size_t i = 0; i < times.size(); ++i) {
    deltacnn_gst::BufferTime t;
    t.running_ns = int64_t(times[i].first * 1e9);
    t.stream_ns = t.pts_ns = int64_t(times[i].second * 1e9);  // a segment with time = start
    t.rate = rate;
    const deltacnn_gst::TimeJump j = gaps.judge(t, kLimit);
    if (j != deltacnn_gst::TimeJump::None) found.emplace_back(int(i), j);
  }
  return found;
}

// `n` buffers 0.1 s apart in running time, the media moving `media_step` per buffer.
std::vector<std::pair<double, double>> playing(double running, double stream, double media_step, int n) {
  std::vector<std::pair<double, double>> t;
  for (int i = 0; i < n; ++i) t.emplace_back(running + 0.1 * i, stream + media_step * i);
  return t;
}

std::vector<std::pair<double, double>> operator+(std::vector<std::pair<double, double>> a,
                                                 const std::vector<std::pair<double, double>>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(TimestampGaps, APictureThatJumpsInTheMediaIsAJump) {
  using deltacnn_gst::TimeJump;
  const std::vector<std::pair<int, TimeJump>> loop = {{20, TimeJump::PictureJump}};
  // A looping player's segment seek: the running time goes on, the media starts again at 0.
  EXPECT_EQ(jumps_in(playing(0, 0, 0.1, 20) + playing(2.0, 0, 0.1, 20)), loop);
  // A seek without flush 30 s ahead.
  EXPECT_EQ(jumps_in(playing(0, 0, 0.1, 20) + playing(2.0, 32.0, 0.1, 5)), loop);
  // Not: 3 s ahead (under the limit), 0.5 s back (under the 1 s tolerance), a segment boundary
  // where the media goes on (an HLS fragment), fast playback (rate 8: 0.8 s of media per 0.1 s).
  EXPECT_TRUE(jumps_in(playing(0, 0, 0.1, 20) + playing(2.0, 4.9, 0.1, 5)).empty());
  EXPECT_TRUE(jumps_in(playing(0, 0, 0.1, 20) + playing(2.0, 1.4, 0.1, 5)).empty());
  EXPECT_TRUE(jumps_in(playing(0, 0, 0.1, 20) + playing(2.0, 2.0, 0.1, 5)).empty());
  EXPECT_TRUE(jumps_in(playing(0, 0, 0.8, 40), 8.0).empty());
}

TEST(TimestampGaps, ReversePlaybackIsJudgedAlongItsDirection) {
  using deltacnn_gst::TimeJump;
  // Backwards through a recording: the media goes down as the running time goes up; no jump.
  EXPECT_TRUE(jumps_in(playing(0, 100, -0.1, 30), -1.0).empty());
  // A 20 s hole in the recording, played backwards: the running time jumps 20 s, an outage (it
  // was never judged: the timestamps went backwards).
  EXPECT_EQ(jumps_in(playing(0, 100, -0.1, 20) + playing(21.9, 78.1, -0.1, 5), -1.0),
            (std::vector<std::pair<int, TimeJump>>{{20, TimeJump::Outage}}));
  // Jumping back in playback direction (to later media) is a picture jump.
  EXPECT_EQ(jumps_in(playing(0, 100, -0.1, 20) + playing(2.0, 150, -0.1, 5), -1.0),
            (std::vector<std::pair<int, TimeJump>>{{20, TimeJump::PictureJump}}));
}

TEST(TimestampGaps, AStreamTimeThatRestartsWhileTheTimestampsGoOnIsNoJump) {
  // A source that starts each keyframe's segment at time 0 while its timestamps go on: the
  // stream time falls back every 2 s, the timestamps do not: no jump (it reset every segment).
  deltacnn_gst::TimestampGaps gaps;
  int jumps = 0;
  for (int i = 0; i < 60; ++i) {
    deltacnn_gst::BufferTime t;
    t.running_ns = t.pts_ns = int64_t(i * 0.1e9);
    t.stream_ns = int64_t((i % 20) * 0.1e9);
    jumps += gaps.judge(t, kLimit) != deltacnn_gst::TimeJump::None;
  }
  EXPECT_EQ(jumps, 0);
}

// videorate without drop-only over an outage of `outage_s` at 10 fps: real frames to 4.9 s, copies
// of the last one, the new picture stamped at the outage's middle, copies of it, real frames
// again. Returns the running times (s) judged a jump.
std::vector<double> videorate_outage(double outage_s) {
  deltacnn_gst::TimestampGaps gaps;
  std::vector<double> found;
  auto feed = [&](double t, bool copy) {
    deltacnn_gst::BufferTime b;
    b.running_ns = b.stream_ns = b.pts_ns = int64_t(std::llround(t * 10)) * 100'000'000;
    if (gaps.judge(b, kLimit, copy) != deltacnn_gst::TimeJump::None) found.push_back(t);
  };
  for (int i = 0; i < 50; ++i) feed(0.1 * i, false);
  const double back = 4.9 + outage_s, middle = 4.9 + outage_s / 2;
  double t = 5.0;
  for (; t < middle - 1e-6; t += 0.1) feed(t, true);
  feed(t, false);  // the new picture, early
  for (t += 0.1; t < back - 1e-6; t += 0.1) feed(t, true);
  for (int i = 0; i < 10; ++i) feed(back + 0.1 + 0.1 * i, false);
  return found;
}

TEST(TimestampGaps, VideorateCopiesOverAnOutageGiveOneJump) {
  EXPECT_EQ(videorate_outage(8.0).size(), 1u) << "two 4 s half steps: the outage was not seen";
  EXPECT_EQ(videorate_outage(12.0).size(), 1u) << "two 6 s half steps: reset twice";
  EXPECT_TRUE(videorate_outage(3.0).empty());
}

}  // namespace
