#include "tools/tune/search.h"

#include <cmath>
#include <cstdio>

#include "engine/exec/compiled_model.h"
#include "tools/tune/layer_groups.h"

namespace dcnn::tune {
namespace {

// A candidate must lower the cost by at least this much to be taken: smaller gains are noise
// in the agreement budget, not worth spending it on.
constexpr double kMinGain = 0.002;

class Searcher {
 public:
  Searcher(std::shared_ptr<const Model> model, const FrameCache& cache, const Targets& targets,
           std::chrono::steady_clock::time_point deadline, SearchOutcome& out)
      : model_(std::move(model)), cache_(cache), targets_(targets), deadline_(deadline), out_(out) {}

  bool out_of_time() const { return std::chrono::steady_clock::now() >= deadline_; }

  TrialResult evaluate(const DeltaSettings& s, const std::string& phase, const std::string& change) {
    TrialResult r = run_trial(model_, cache_, s, targets_, deadline_);
    out_.trials.push_back(TrialRecord{phase, change, r, false});
    std::fprintf(stderr, "[%3zu] %-9s %-48s %s  active %.3f  %6.1f ms  %s\n", out_.trials.size(),
                 phase.c_str(), change.c_str(), describe_agreement(targets_.pose, r.agreement).c_str(),
                 r.mean_active, r.delta_ms,
                 r.passed ? "ok" : r.timed_out ? "deadline" : ("fail @" + std::to_string(r.frames_run)).c_str());
    return r;
  }

  bool better(const TrialResult& r) const {
    return r.passed && r.mean_active < out_.best_result.mean_active - kMinGain;
  }
  void accept(const DeltaSettings& s, const TrialResult& r) {
    out_.best = s;
    out_.best_result = r;
    out_.trials.back().accepted = true;
  }

  // Largest threshold_scale on a doubling ladder (from `start`) that keeps the targets.
  std::string label(const DeltaSettings& s) const {
    char text[96];
    std::snprintf(text, sizeof text, "scale %g in_thr %g dil %d trunc_lin %s", s.threshold_scale,
                  s.input_threshold, s.input_dilation, s.truncate_linear ? "on" : "off");
    return text;
  }

  // From s.threshold_scale: doubles while the candidate passes and lowers the cost; when the
  // start fails, halves until one passes (down to 1/64 of it). Returns whether one passed.
  bool scale_ladder(DeltaSettings s) {
    const float start = s.threshold_scale;
    TrialResult r = evaluate(s, "global", label(s));
    if (!r.passed) {
      // Stop halving once two halvings in a row got no further into the video: what loses
      // the targets then is not the eps (it is the input threshold, or a knife-edge frame).
      int stuck = 0;
      while (!r.passed && stuck < 2 && s.threshold_scale > start / 64.f && !out_of_time()) {
        s.threshold_scale *= 0.5f;
        const int before = r.frames_run;
        r = evaluate(s, "global", label(s));
        stuck = r.frames_run > before ? 0 : stuck + 1;
      }
      if (!r.passed) return false;
      if (better(r) || !out_.best_result.passed) accept(s, r);
      return true;  // the scale just above failed: no point doubling again
    }
    if (better(r) || !out_.best_result.passed) accept(s, r);
    while (s.threshold_scale < 64.f && !out_of_time()) {
      s.threshold_scale *= 2.f;
      r = evaluate(s, "global", label(s));
      if (!better(r)) break;
      accept(s, r);
    }
    return true;
  }

  void global_phase() {
    // truncate_linear on first (it is what keeps masks small through projections and residual
    // adds); then off at the scale found, which at the same eps is more faithful and wins only
    // if it costs less. If no scale keeps the targets, the input threshold is what loses them:
    // lower it and search the scale again.
    // Input knobs from cheap to faithful: a dilated input mask catches the faint fringe of a
    // moving region (changes below the threshold next to ones above it) at a small cost; a lower
    // threshold lets more codec noise in.
    DeltaSettings s = out_.baseline;
    s.truncate_linear = true;
    bool found = false;
    const float t0 = out_.baseline.input_threshold;
    const std::pair<float, int> input_knobs[] = {{t0, 0}, {t0, 1}, {0.6f * t0, 0}, {0.6f * t0, 1},
                                                 {0.4f * t0, 0}, {0.4f * t0, 1}, {0.2f * t0, 0}};
    for (const auto& [threshold, dilation] : input_knobs) {
      if (found || out_of_time()) break;
      s.input_threshold = threshold;
      s.input_dilation = dilation;
      s.threshold_scale = out_.baseline.threshold_scale;
      found = scale_ladder(s);
    }
    if (found && !out_of_time()) {
      DeltaSettings off = out_.best;
      off.truncate_linear = false;
      // Entries on linear nodes (projections, residual adds) need truncate_linear: without it
      // the executor refuses them, so this candidate leaves them out.
      for (const NodeInfo& node : model_->compiled()->nodes())
        if (!node.has_threshold) off.layer_thresholds.erase(node.name);
      const TrialResult r = evaluate(off, "global", label(off));
      if (better(r)) accept(off, r);
    }
    if (!out_.best_result.passed) return;
    bake_scale();

    // Input threshold: fewer active input pixels feed every later layer.
    for (float f : {1.25f, 1.5f, 2.f}) {
      if (out_of_time()) return;
      DeltaSettings c = out_.best;
      c.input_threshold = out_.best.input_threshold * f;
      char change[96];
      std::snprintf(change, sizeof change, "input_threshold %g", c.input_threshold);
      const TrialResult r = evaluate(c, "global", change);
      if (!better(r)) break;
      accept(c, r);
    }
    // Input dilation buys accuracy with more active pixels: worth it only if it lets every eps
    // double and still costs less.
    if (!out_of_time()) {
      DeltaSettings c = scaled(out_.best, 2.f);
      c.input_dilation = out_.best.input_dilation + 1;
      const TrialResult r = evaluate(c, "global", "input_dilation +1, every eps x2");
      if (better(r)) accept(c, r);
    }
  }

  void layer_phase() {
    // The stream's fused units (recompute form): a node computed inside another fires with that
    // node's threshold, so the two are tuned together and given the same value.
    const ThresholdOwner owner = fused_unit_owners(*model_, out_.best);
    const auto groups = tunable_groups(*model_, out_.best.truncate_linear, owner);
    std::fprintf(stderr, "per-layer refinement over %zu groups\n", groups.size());
    for (const LayerGroup& group : groups) {
      for (int step = 0; step < 4; ++step) {
        if (out_of_time()) {
          out_.out_of_time = true;
          return;
        }
        DeltaSettings c = out_.best;
        for (const std::string& node : group.nodes) c.layer_thresholds[node] = eps_of(out_.best, owner(node)) * 2.f;
        char change[160];
        std::snprintf(change, sizeof change, "%.38s x2 (%zu nodes)", group.key.c_str(), group.nodes.size());
        const TrialResult r = evaluate(c, "layer", change);
        if (!better(r)) break;  // keep the last setting that held: the step back
        accept(c, r);
      }
    }
  }

 private:
  static float eps_of(const DeltaSettings& s, const std::string& node) {
    auto it = s.layer_thresholds.find(node);
    return it == s.layer_thresholds.end() ? s.default_threshold : it->second;
  }
  static DeltaSettings scaled(DeltaSettings s, float f) {
    s.default_threshold *= f;
    for (auto& kv : s.layer_thresholds) kv.second *= f;
    return s;
  }
  // Moves threshold_scale into the eps themselves, so that the shipped scale is 1 and the
  // element's delta-threshold property scales around the tuned point.
  void bake_scale() {
    const float scale = out_.best.threshold_scale;
    out_.best = scaled(out_.best, scale);
    out_.best.threshold_scale = 1.f;
  }

  std::shared_ptr<const Model> model_;
  const FrameCache& cache_;
  const Targets& targets_;
  std::chrono::steady_clock::time_point deadline_;
  SearchOutcome& out_;
};

}  // namespace

std::string describe_agreement(bool pose, const eval::Agreement& a) {
  char text[64];
  if (pose) std::snprintf(text, sizeof text, "kpt %.4f count %.4f", a.kpt_agree(), a.count_agree());
  else std::snprintf(text, sizeof text, "f1 %.4f", a.det_f1());
  return text;
}

SearchOutcome search_thresholds(const std::shared_ptr<const Model>& model, const FrameCache& cache,
                                const Targets& targets, std::chrono::steady_clock::time_point deadline) {
  SearchOutcome out;
  out.baseline = StreamOptions::from(model->config()).delta;
  Searcher searcher(model, cache, targets, deadline, out);
  out.baseline_result = searcher.evaluate(out.baseline, "baseline", "the YAML's delta section");
  out.best = out.baseline;
  out.best_result = out.baseline_result;
  out.best_result.passed = false;  // the ladder re-runs it; only a passing candidate is kept
  searcher.global_phase();
  if (out.best_result.passed && !searcher.out_of_time()) searcher.layer_phase();
  out.out_of_time = out.out_of_time || searcher.out_of_time();
  return out;
}

}  // namespace dcnn::tune
