// TimestampGaps (deltacnn's reset-after-gap): which jumps of the timestamps are a camera that
// was away, and which are a feed that is slow, stalls once or varies its rate.
#include "gst/elements/timestamp_gaps.h"

#include <gtest/gtest.h>

#include <string>
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

}  // namespace
