#include "engine/track/tracker.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "engine/core/error.h"
#include "engine/decode/greedy_match.h"
#include "engine/track/similarity.h"

namespace dcnn {
namespace {

void require(bool ok, const std::string& key, float value, const std::string& expected) {
  if (ok) return;
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  throw Error(ErrorKind::Config, "tracker." + key + ": value " + text + " is out of range; expected " + expected);
}

bool unit(float v) { return v >= 0.f && v <= 1.f; }  // false for NaN too

// `object` as published for track `t` on frame `frame_index`.
Detection as_published(const Detection& object, const Track& t, int64_t frame_index) {
  Detection d = object;
  d.id = t.id;
  d.track_age = int(std::min<int64_t>(t.age(frame_index), INT32_MAX));
  return d;
}

// The share of a new observation in a track's velocity: the last displacement and the history
// weigh the same, which follows a walker's turn within two or three frames and halves the
// jitter of the boxes' centres (a pixel or two a frame at vtest's distances).
constexpr float kVelocitySmoothing = 0.5f;

float centre_x(const Detection& d) { return 0.5f * (d.x_min + d.x_max); }
float centre_y(const Detection& d) { return 0.5f * (d.y_min + d.y_max); }

// `t`'s last object moved by its velocity to frame `frame_index`: box and keypoints.
Detection predicted(const Track& t, int64_t frame_index) {
  const float frames = float(frame_index - t.last_seen_frame);
  const float dx = t.velocity_x * frames, dy = t.velocity_y * frames;
  Detection d = t.last;
  d.x_min += dx, d.x_max += dx, d.y_min += dy, d.y_max += dy;
  for (Keypoint& k : d.keypoints) k.x += dx, k.y += dy;
  return d;
}

// A link of `t` to `seen` on frame `frame_index`: the displacement per frame since the last
// sighting, the first one taken as it is.
void update_velocity(Track& t, const Detection& seen, int64_t frame_index) {
  const float frames = float(std::max<int64_t>(1, frame_index - t.last_seen_frame));
  const float vx = (centre_x(seen) - centre_x(t.last)) / frames;
  const float vy = (centre_y(seen) - centre_y(t.last)) / frames;
  const bool first = t.hits == 1;
  t.velocity_x = first ? vx : t.velocity_x + kVelocitySmoothing * (vx - t.velocity_x);
  t.velocity_y = first ? vy : t.velocity_y + kVelocitySmoothing * (vy - t.velocity_y);
}

// Per candidate: whether it is among the `rank` highest-scoring ones (ties by order; all when
// rank is 0).
std::vector<bool> among_best(const std::vector<Detection>& candidates, int rank) {
  if (rank <= 0 || size_t(rank) >= candidates.size()) return std::vector<bool>(candidates.size(), true);
  std::vector<size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return candidates[a].confidence > candidates[b].confidence; });
  std::vector<bool> best(candidates.size(), false);
  for (int r = 0; r < rank; ++r) best[order[size_t(r)]] = true;
  return best;
}

}  // namespace

void validate(const TrackerSettings& s) {
  require(unit(s.score_on), "score_on", s.score_on, "a number in [0, 1]");
  require(unit(s.score_off), "score_off", s.score_off, "a number in [0, 1]");
  require(s.min_hits >= 1 && s.min_hits <= 1000, "min_hits", float(s.min_hits), "an integer in [1, 1000]");
  require(s.max_misses >= 0 && s.max_misses <= 100000, "max_misses", float(s.max_misses),
          "an integer in [0, 100000]");
  require(unit(s.min_iou), "min_iou", s.min_iou, "a number in [0, 1]");
  require(unit(s.keypoint_weight), "keypoint_weight", s.keypoint_weight, "a number in [0, 1]");
  require(unit(s.keypoint_score), "keypoint_score", s.keypoint_score, "a number in [0, 1]");
  require(s.birth_rank >= 0 && s.birth_rank <= 1000, "birth_rank", float(s.birth_rank),
          "an integer in [0, 1000] (0: any candidate)");
}

Tracker::Tracker(const TrackerSettings& settings) : settings_(settings) { validate(settings_); }

void Tracker::set_settings(const TrackerSettings& settings) {
  validate(settings);
  settings_ = settings;
}

// Intervals shorter than this (a field pair, a duplicate) are not a step of the stream: such a
// frame counts as one, as where times are unknown.
constexpr int64_t kShortestFrameStepNs = 1'000'000;
// A jump of more steps than this ends every track whatever max_misses is (at most 100000).
constexpr int64_t kMostFramesCounted = 1'000'000;
// Intervals seen before a long one counts as more than one frame.
constexpr size_t kIntervalsToTrust = 8;

namespace {

// The feed's frame step from its recent intervals (n >= kIntervalsToTrust of them).
// - Dropped frames only lengthen intervals, so the low end holds the one-frame intervals even
//   when half or more of the frames are dropped: the seed is the lower octile, which a few
//   glitches (a 2 ms interval at 30 fps) cannot reach.
// - Around it, the one-frame cluster (0.5 to 1.6 times the seed) gives the step as its median,
//   which takes out a camera clock's jitter.
// - Frames timestamped on arrival can come in bursts (pairs 3 ms apart, 64 ms between pairs):
//   where the seed is below half the mean interval, the mean is the step (the feed's rate).
//   The mean leaves out gaps (the longest eighth for the test, intervals over 4 times that
//   mean for the step), so one long gap does not move it.
double feed_step(const std::array<int64_t, 64>& intervals, size_t n) {
  std::array<int64_t, 64> sorted{};
  std::copy(intervals.begin(), intervals.begin() + long(n), sorted.begin());
  std::sort(sorted.begin(), sorted.begin() + long(n));
  const size_t kept = n - n / 8;
  double mean = 0.0;
  for (size_t i = 0; i < kept; ++i) mean += double(sorted[i]) / double(kept);
  const double seed = double(sorted[n / 8]);
  if (2.0 * seed < mean) {
    // Bursts: the feed's rate over all intervals but gaps (over 4 times that mean), which the
    // trimmed mean alone would put short by the longest eighth (pairs then counted 2.3 frames).
    double sum = 0.0;
    size_t count = 0;
    for (size_t i = 0; i < n && double(sorted[i]) <= 4.0 * mean; ++i, ++count) sum += double(sorted[i]);
    return sum / double(count);
  }
  const auto* lo = std::lower_bound(sorted.begin(), sorted.begin() + long(n), int64_t(0.5 * seed));
  const auto* hi = std::upper_bound(sorted.begin(), sorted.begin() + long(n), int64_t(1.6 * seed));
  return double(*(lo + (hi - lo) / 2));
}

}  // namespace

int64_t Tracker::frames_since_last(int64_t pts) {
  const int64_t last = last_pts_;
  last_pts_ = pts;
  if (pts < 0 || last < 0) return 1;
  // Reverse playback steps back in time by the same intervals.
  const int64_t interval = pts >= last ? pts - last : last - pts;
  if (interval < kShortestFrameStepNs) return 1;
  // Judged against the intervals before it (a long gap must not judge itself), then recorded.
  // Too few of them to tell a drop from the feed's rhythm: one frame, as without times.
  const size_t n = std::min(n_intervals_, intervals_.size());
  int64_t frames = 1;
  if (n >= kIntervalsToTrust) {
    // Frames by the time not counted yet, not by this interval alone: every update counts at
    // least one frame, and one that came early (jitter, the second of a pair of frames stamped
    // on arrival) runs the count ahead, which the next interval pays back. So jitter of up to
    // half a step and bursts count their frames, and a dropped frame counts two.
    const double step = feed_step(intervals_, n);
    const double time = uncounted_steps_ + double(interval) / step;
    const double whole = std::min(std::nearbyint(time), 1e12);
    frames = std::clamp<int64_t>(int64_t(whole), 1, kMostFramesCounted);
    // The debt of an early frame (at most a step) is paid back by the next interval, and fades
    // by 3 % an update, so that a feed that ran faster than its measured step for a while
    // (a rate change) does not stay in debt and count its later drops short.
    // (A jump past kMostFramesCounted is not carried over to the next update.)
    const double left = std::min(time - double(frames), 0.5);
    uncounted_steps_ = left < 0.0 ? 0.97 * std::max(left, -1.0) : left;
  }
  intervals_[n_intervals_++ % intervals_.size()] = interval;
  return frames;
}

std::vector<Detection> Tracker::update(const std::vector<Detection>& candidates, int64_t pts) {
  const int64_t frames = frame_index_ < 0 ? 1 : frames_since_last(pts);
  if (frame_index_ < 0) last_pts_ = pts;
  frame_index_ += frames;
  ended_.clear();
  const float score_on = settings_.score_on;
  const float score_off = std::min(settings_.score_off, score_on);

  // Which candidate may continue which track: confirmed tracks down to score_off, tentative
  // ones only at score_on (a track starts after min_hits frames >= score_on in a row).
  std::vector<Detection> expected;  // where each track's object should be on this frame
  expected.reserve(tracks_.size());
  for (const Track& t : tracks_) expected.push_back(settings_.predict_motion ? predicted(t, frame_index_) : t.last);
  std::vector<ScoredPair> pairs;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Detection& c = candidates[i];
    if (!(c.confidence >= score_off)) continue;
    for (size_t j = 0; j < tracks_.size(); ++j) {
      const Track& t = tracks_[j];
      if (t.last.label_id != c.label_id || (!t.confirmed && c.confidence < score_on)) continue;
      const float affinity = link_affinity(expected[j], c, settings_);
      if (affinity >= 0.f) pairs.push_back({affinity, i, j});
    }
  }

  std::vector<long> owner(candidates.size(), -1);  // candidate -> index in tracks_
  std::vector<bool> matched(tracks_.size(), false);
  for (const auto& [i, j] : greedy_match(std::move(pairs), candidates.size(), tracks_.size())) {
    Track& t = tracks_[j];
    update_velocity(t, candidates[i], frame_index_);
    t.last = candidates[i];
    ++t.hits;
    t.misses = 0;
    t.last_seen_frame = frame_index_;
    t.last_seen_pts = pts;
    t.best_score = std::max(t.best_score, candidates[i].confidence);
    owner[i] = long(j);
    matched[j] = true;
  }
  const std::vector<bool> may_start = among_best(candidates, settings_.birth_rank);
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (owner[i] >= 0 || !(candidates[i].confidence >= score_on) || !may_start[i]) continue;
    Track t;
    t.last = candidates[i];
    t.hits = 1;
    t.first_seen_frame = t.last_seen_frame = frame_index_;
    t.first_seen_pts = t.last_seen_pts = pts;
    t.best_score = candidates[i].confidence;
    owner[i] = long(tracks_.size());
    tracks_.push_back(std::move(t));
    matched.push_back(true);
  }

  // Confirmation and publication in candidate order, so that ids are numbered in the
  // decoder's (score) order when several tracks start on one frame.
  std::vector<Detection> published;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (owner[i] < 0) continue;
    Track& t = tracks_[size_t(owner[i])];
    if (!t.confirmed && t.hits >= settings_.min_hits) {
      t.confirmed = true;
      t.id = next_id_++;
    }
    if (t.confirmed) published.push_back(as_published(candidates[i], t, frame_index_));
  }
  age_unmatched(matched, frames);
  if (settings_.hold_missed) {
    // After the matched ones, oldest track first: the held tracks, as last seen.
    for (const Track& t : tracks_)
      if (t.confirmed && t.misses > 0) published.push_back(as_published(t.last, t, frame_index_));
  }
  return published;
}

void Tracker::age_unmatched(const std::vector<bool>& matched, int64_t frames) {
  std::vector<Track> alive;
  alive.reserve(tracks_.size());
  for (size_t j = 0; j < tracks_.size(); ++j) {
    Track& t = tracks_[j];
    // Frames dropped before this one were missed too (a match on this frame clears them).
    if (!matched[j]) t.misses = int(std::min<int64_t>(int64_t(t.misses) + frames, INT32_MAX));
    // A tentative track must be seen on consecutive frames; a confirmed one is kept through
    // max_misses missed frames so that a short drop-out keeps its id.
    const bool ends = t.confirmed ? t.misses > settings_.max_misses : t.misses > 0;
    if (!ends) alive.push_back(std::move(t));
    else if (t.confirmed) ended_.push_back(std::move(t));
  }
  tracks_ = std::move(alive);
}

void Tracker::reset() {
  ended_.clear();
  for (Track& t : tracks_)
    if (t.confirmed) ended_.push_back(std::move(t));
  tracks_.clear();
  frame_index_ = -1;
  last_pts_ = -1;
  n_intervals_ = 0;
  uncounted_steps_ = 0.0;
}

}  // namespace dcnn
