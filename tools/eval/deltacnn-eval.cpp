// deltacnn-eval: how closely the delta engine's decoded results follow dense inference.
//
//   deltacnn-eval --config configs/movenet-multipose.yaml --video data/vtest.avi --frames 300
//                 [--backend cpu|cuda|auto] [--threshold SCALE] [--tracker on|off]
//                 [--track-score-off X] [--json]
//
// One model, two streams (dense and delta) fed the same pre-processed frames. Reports, over
// all frames: pose models: kpt_agree (share of dense keypoints scoring >= 0.3 whose delta
// counterpart is within 3 px) and count_agree (share of frames with the same person count);
// detection models: det_f1 (F1 of delta boxes against dense boxes, same label, IoU >= 0.5).
// Both on the objects the streams publish (tracked, when the YAML's tracker is on). Then the
// tracking table: for each way of publishing (tracker off, tracker without hysteresis, tracker
// as configured; tools/eval/tracking_variants.h), replayed on the same decoded candidates:
// count_agree and kpt_agree, and per stream track births per 100 frames and blinks (a track
// that starts within 3 frames after one ended, at IoU >= 0.5 with it; track_stats.h).
// Plus the mean per-frame time of each stream (inference + decoding), their ratio, the delta
// stream's mean active fraction and the decoders' share of the time.
// --json ends the output with one JSON line holding all of these.
// Masks (YAML masks:, docs/zones.md) apply to the delta stream as in the element; --no-masks
// clears them, --outside-masks counts kpt_agree / count_agree / det_f1 only on the objects of
// both streams whose box bottom centre lies outside every mask (the tracking table stays on all).
#include <nlohmann/json.hpp>
#include <opencv2/videoio.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <iostream>
#include <string>

#include "engine/api/deltacnn.h"
#include "engine/core/error.h"
#include "engine/zones/object_filter.h"
#include "tools/common/command_line.h"
#include "tools/common/model_choices.h"
#include "tools/common/model_warnings.h"
#include "tools/common/tool_main.h"
#include "tools/common/video_file.h"
#include "tools/eval/agreement.h"
#include "tools/eval/agreement_json.h"
#include "tools/eval/disagreements.h"
#include "tools/eval/perturb.h"
#include "tools/eval/score_error.h"
#include "tools/eval/track_stats.h"
#include "tools/eval/tracking_variants.h"

namespace {

using dcnn::eval::kDetectionIou;
using dcnn::eval::kKeypointRadiusPx;
using dcnn::eval::kKeypointScore;

struct Args {
  std::string config, video, backend = "auto", precision, dense_precision;
  int frames = 100;
  float threshold_scale = -1.f;  // < 0: the config's
  std::string tracker;            // "on" / "off"; empty: the config's tracker.enabled
  float track_score_off = -1.f;   // < 0: the config's tracker.score_off
  bool json = false;
  bool show_disagreements = false;
  bool per_frame = false;        // one stderr line per frame: the delta stream's stats
  std::string perturb = "none";  // none|shake|drift|flicker|shake-flicker (tools/eval/perturb.h)
  int perturb_seed = 1;
  std::string stabilize;         // off|shift|exposure|both; empty: the config's stabilize block
  bool whole_pixels = false;     // stabilize.subpixel off
  // What the dense stream sees with --perturb: the original frame (the definition:
  // agreement with dense on the unshifted frames) or the same perturbed frame as delta (what
  // delta itself costs, without the model's own sensitivity to the perturbation).
  std::string dense_input = "original";
  bool no_masks = false;         // the delta stream without the YAML's masks
  bool overlay = false;          // a burned-in clock on the delta stream's frames
  bool outside_masks = false;    // agreement on objects outside the masks only
  double mask_margin = 0.0;      // --outside-masks: also drop objects this close to a mask (px)
};

const char* const kUsage =
    "usage: deltacnn-eval --config X.yaml --video V.avi [--frames N] [--backend cpu|cuda|auto]\n"
    "                     [--precision fp32|bf16] [--dense-precision fp32|bf16]\n"
    "                     [--threshold SCALE] [--tracker on|off] [--track-score-off X] [--json]\n"
    "                     [--show-disagreements]  (frames whose object count differs, with the scores;\n"
    "                     per object missing on one side, that side's candidate there at any score)\n"
    "                     [--per-frame]  (one stderr line per frame: dense or delta, activity, shift)\n"
    "  --frames N (>= 2, default 100): a shorter video runs on the frames it has, with a warning.\n"
    "    Agreement is over every frame; the ms/frame over frames 2..N (frame 1 runs dense and\n"
    "    cold in both streams). --json prints the report, then one JSON object on the last line.\n"
    "  --threshold SCALE >= 0 multiplies every layer threshold (default: the YAML's threshold_scale).\n"
    "  --tracker on|off: the streams' tracker (default: the YAML's tracker.enabled).\n"
    "  --track-score-off X in [0, 1]: the tracker's score_off (default: the YAML's; above the\n"
    "                     score threshold it acts as the threshold).\n"
    "  --perturb none|shake|drift|flicker|shake-flicker [--perturb-seed N]: the delta stream sees\n"
    "                     each frame shifted (0-3 px per axis; drift adds a 0.2 px/frame pan), with\n"
    "                     a 0.9-1.1 gain, or both (shake-flicker), the dense stream the original;\n"
    "                     delta's objects are moved back by the known shift before comparing\n"
    "                     (tools/eval/perturb.h).\n"
    "  --dense-input original|perturbed: with --perturb, the frame the dense stream sees (default\n"
    "                     original; perturbed: the same frame as delta, both moved back alike).\n"
    "  --stabilize off|shift|exposure|both: the delta stream's stabilize block (default: the YAML's);\n"
    "                     --whole-pixels moves frames by whole pixels instead of the sub-pixel shift.\n"
    "  --overlay: the delta stream's frames carry a burned-in clock (a black box at 16,16, 272x32\n"
    "                     frame px, drawn after --perturb: it does not shake with the picture).\n"
    "  --no-masks: the delta stream without the YAML's masks; --outside-masks: agreement only on\n"
    "                     the objects (both streams) whose box bottom centre is outside every mask\n"
    "                     (--mask-margin PX: and at least PX frame pixels from its outline).\n";

Args parse_args(int argc, char** argv) {
  return dcnn::tools::parse_or_exit("deltacnn-eval", kUsage, [&] {
    Args a;
    bool mask_margin_given = false;
    bool perturb_seed_given = false;
    dcnn::tools::CommandLine cl(argc, argv);
    while (cl.next()) {
      if (cl.is("--config")) a.config = cl.text();
      else if (cl.is("--video")) a.video = cl.text();
      else if (cl.is("--frames")) a.frames = int(cl.integer(2, 1000000000));
      else if (cl.is("--backend")) a.backend = cl.choice("cpu|cuda|auto");
      else if (cl.is("--precision")) a.precision = cl.choice("fp32|bf16");
      else if (cl.is("--dense-precision")) a.dense_precision = cl.choice("fp32|bf16");
      else if (cl.is("--threshold")) a.threshold_scale = float(cl.number(0.0, 1e6));
      else if (cl.is("--tracker")) a.tracker = cl.choice("on|off");
      else if (cl.is("--track-score-off")) a.track_score_off = float(cl.number(0.0, 1.0));
      else if (cl.is("--json")) a.json = true;
      else if (cl.is("--perturb")) a.perturb = cl.choice(dcnn::eval::kPerturbationNames);
      else if (cl.is("--perturb-seed")) a.perturb_seed = int(cl.integer(0, 1000000000)), perturb_seed_given = true;
      else if (cl.is("--stabilize")) a.stabilize = cl.choice("off|shift|exposure|both");
      else if (cl.is("--whole-pixels")) a.whole_pixels = true;
      else if (cl.is("--dense-input")) a.dense_input = cl.choice("original|perturbed");
      else if (cl.is("--show-disagreements")) a.show_disagreements = true;
      else if (cl.is("--per-frame")) a.per_frame = true;
      else if (cl.is("--no-masks")) a.no_masks = true;
      else if (cl.is("--overlay")) a.overlay = true;
      else if (cl.is("--outside-masks")) a.outside_masks = true;
      else if (cl.is("--mask-margin")) a.mask_margin = cl.number(0.0, 100000.0), mask_margin_given = true;
      else cl.unknown();
    }
    if (a.config.empty()) throw dcnn::tools::UsageError("--config is required");
    if (a.video.empty()) throw dcnn::tools::UsageError("--video is required");
    // Options that would do nothing: said, rather than a run that measures something else.
    if (a.dense_input == "perturbed" && a.perturb == "none")
      throw dcnn::tools::UsageError("--dense-input perturbed needs --perturb (without one both streams see the "
                                    "same frame)");
    if (mask_margin_given && !a.outside_masks)
      throw dcnn::tools::UsageError("--mask-margin applies to --outside-masks; give both or neither");
    if (perturb_seed_given && a.perturb == "none")
      throw dcnn::tools::UsageError("--perturb-seed applies to --perturb, which is not given");
    return a;
  });
}

double ms_of(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int run(const Args& args) {
  // Checked first: OpenCV would otherwise try the name as a GStreamer pipeline and an image
  // pattern, and print its own errors, before failing.
  dcnn::tools::require_video_file(args.video);
  const dcnn::DeploymentConfig cfg = dcnn::load_config(args.config);
  // Options the config gives nothing to act on: said before the (slow) model import.
  if ((args.no_masks || args.outside_masks) && cfg.zones.masks.empty())
    throw dcnn::Error(dcnn::ErrorKind::Config, std::string(args.no_masks ? "--no-masks" : "--outside-masks") + ": " +
                                                   args.config + " has no masks; expected a config with a masks: block");
  dcnn::ModelOptions mo;
  mo.backend = dcnn::tools::backend_named(args.backend);
  // --precision: both streams' (default the YAML's model.precision); --dense-precision the
  // dense stream's alone, e.g. bf16 delta against the fp32 dense a user would compare with.
  const auto precision_of = dcnn::tools::precision_named;
  if (!args.precision.empty()) mo.precision = precision_of(args.precision);
  const auto delta_model = dcnn::Model::load(cfg, mo);
  dcnn::tools::print_model_warnings("deltacnn-eval", *delta_model);
  auto model = delta_model;  // the dense stream's
  if (!args.dense_precision.empty() && precision_of(args.dense_precision) != delta_model->precision()) {
    mo.precision = precision_of(args.dense_precision);
    model = dcnn::Model::load(cfg, mo);
  }

  dcnn::StreamOptions dense_opts = dcnn::StreamOptions::from(cfg);
  if (!args.tracker.empty()) dense_opts.tracker.enabled = args.tracker == "on";
  if (args.track_score_off >= 0.f) dense_opts.tracker.score_off = args.track_score_off;
  dcnn::StreamOptions delta_opts = dense_opts;
  dense_opts.mode = dcnn::ExecMode::Dense;
  if (args.threshold_scale >= 0.f) delta_opts.delta.threshold_scale = args.threshold_scale;
  if (!args.stabilize.empty()) {
    delta_opts.stabilize.shift = args.stabilize == "shift" || args.stabilize == "both";
    delta_opts.stabilize.exposure = args.stabilize == "exposure" || args.stabilize == "both";
  }
  if (args.whole_pixels && !delta_opts.stabilize.shift)
    throw dcnn::Error(dcnn::ErrorKind::Config, "--whole-pixels applies to the shift stabiliser, which is off (" +
                                                   args.config + " has no stabilize.shift and no --stabilize "
                                                   "shift|both is given)");
  if (args.whole_pixels) delta_opts.stabilize.subpixel = false;
  if (args.no_masks) delta_opts.zones.masks.clear();
  // --outside-masks: every mask of the YAML drops the objects standing in it, for the comparison.
  dcnn::zones::ZonesConfig outside = cfg.zones;
  for (dcnn::zones::MaskSettings& m : outside.masks) m.drop_objects = true;
  std::unique_ptr<dcnn::zones::FrameZones> outside_frame;
  const dcnn::eval::Perturbation perturbation_kind = dcnn::eval::perturbation_from(args.perturb);
  dcnn::eval::Perturber perturber(perturbation_kind, uint32_t(args.perturb_seed));
  dcnn::Stream dense(model, dense_opts);
  dcnn::Stream delta(delta_model, delta_opts);
  dcnn::tools::print_stream_warnings("deltacnn-eval", delta);
  const dcnn::Preprocessor pre(cfg.input);

  cv::VideoCapture video = dcnn::tools::open_video_file(args.video);
  std::vector<float> input(size_t(cfg.input.width) * cfg.input.height * 3), delta_input(input.size());
  dcnn::eval::Agreement agreement;
  const bool pose = model->info().task == dcnn::Task::Pose;
  // Each stream's candidates down to the lowest score any tracking variant publishes, per frame:
  // the variants are replayed on them after the run.
  const dcnn::TrackerSettings configured_tracker = dense.tracker_settings();
  const float cut_off = dcnn::eval::lowest_cut_off(configured_tracker);
  std::vector<std::vector<dcnn::Detection>> dense_candidates, delta_candidates;
  std::vector<std::vector<dcnn::Detection>> delta_published;
  double dense_total = 0.0, delta_total = 0.0, active_total = 0.0, decode_total = 0.0;
  int keyframes = 0;  // frames the delta stream ran dense
  int refined = 0;    // of them, delta frames run again dense (tracker.refine_margin)
  dcnn::eval::ScoreErrors score_errors;  // candidates' |delta - dense| score on delta frames
  double shift_total = 0.0;  // stabiliser: sum of the shift magnitudes (model pixels)
  double stabilize_total = 0.0;  // stabiliser: ms (inside the delta stream's time)
  int exposure_frames = 0;   // stabiliser: frames whose exposure was mapped back
  // Over the frames the delta stream ran as delta (not keyframes): input and MAC-weighted activity.
  double delta_input_active = 0.0, delta_mean_active = 0.0;
  int delta_frames = 0;
  int n = 0;
  int frame_width = 0, frame_height = 0;  // of the last frame read (a failed read empties `frame`)
  cv::Mat frame;
  while (n < args.frames && video.read(frame)) {
    frame_width = frame.cols;
    frame_height = frame.rows;
    pre.run(dcnn::tools::bgr_view(frame), input.data());
    const dcnn::eval::FramePerturbation perturbation = perturber.next();
    const bool perturbing = args.perturb != "none" || args.overlay;
    if (perturbing) {
      cv::Mat moved = dcnn::eval::perturbed(frame, perturbation);
      if (args.overlay) {
        if (moved.data == frame.data) moved = frame.clone();
        dcnn::eval::burn_clock_overlay(moved, n);
      }
      pre.run(dcnn::tools::bgr_view(moved), delta_input.data());
    }

    auto t0 = std::chrono::steady_clock::now();
    const bool dense_perturbed = perturbing && args.dense_input == "perturbed";
    dcnn::FrameResult d = dense.process_input(dense_perturbed ? delta_input.data() : input.data(), frame.cols, frame.rows);
    if (dense_perturbed) dcnn::eval::to_original(d.objects, perturbation);
    // Frame 1 runs dense and cold in both streams (allocations, oneDNN's JIT) and the dense
    // stream, first, pays most of it: the times are over frames 2..N.
    if (n > 0) dense_total += ms_of(t0);
    t0 = std::chrono::steady_clock::now();
    dcnn::FrameResult s = delta.process_input(perturbing ? delta_input.data() : input.data(), frame.cols, frame.rows);
    if (n > 0) delta_total += ms_of(t0);
    dcnn::eval::to_original(s.objects, perturbation);
    shift_total += std::hypot(s.stats.shift_x, s.stats.shift_y);
    stabilize_total += s.stats.stabilize_ms;
    if (s.stats.exposure_gain != 1.f) ++exposure_frames;
    if (!s.stats.keyframe) {
      delta_input_active += s.stats.input_active;
      delta_mean_active += s.stats.mean_active;
      ++delta_frames;
    }
    active_total += s.stats.mean_active;
    if (s.stats.keyframe) ++keyframes;
    if (s.stats.refined) ++refined;
    if (n > 0) decode_total += s.stats.decode_ms;  // over frames 2..N, as the times

    if (args.per_frame)
      std::fprintf(stderr, "frame %d: %s input %.3f mac %.3f shift %+.2f %+.2f conf %.3f%s gain %.3f, dense %.1f ms delta %.1f ms\n",
                   n, s.stats.keyframe ? "dense" : "delta", s.stats.input_active, s.stats.mean_active, s.stats.shift_x,
                   s.stats.shift_y, s.stats.shift_confidence, s.stats.new_reference ? " NEW-REFERENCE" : "",
                   s.stats.exposure_gain, d.stats.infer_ms, s.stats.infer_ms + s.stats.stabilize_ms);
    std::vector<dcnn::Detection> dense_objects = d.objects, delta_objects = s.objects;
    if (args.outside_masks) {
      if (!outside_frame || outside_frame->frame_width != frame.cols || outside_frame->frame_height != frame.rows)
        outside_frame = std::make_unique<dcnn::zones::FrameZones>(
            dcnn::zones::FrameZones::make(outside, frame.cols, frame.rows));
      auto near_a_mask = [&](const dcnn::Detection& o) {
        const dcnn::zones::Point p = dcnn::zones::anchor_pixel(o, dcnn::zones::Anchor::BottomCenter,
                                                                frame.cols, frame.rows);
        for (const dcnn::zones::Polygon& m : outside_frame->masks)
          if (dcnn::zones::distance_to_outline(m, p) < args.mask_margin) return true;
        return false;
      };
      for (auto* objects : {&dense_objects, &delta_objects}) {
        dcnn::zones::drop_masked_objects(*objects, outside, *outside_frame);
        objects->erase(std::remove_if(objects->begin(), objects->end(), near_a_mask), objects->end());
      }
    }
    dcnn::eval::add_frame(pose, dense_objects, delta_objects, agreement);
    const dcnn::FrameGeometry geometry = pre.geometry(frame.cols, frame.rows);
    // The delta stream's heads are in its stabilised geometry (stats.shift), and its frame was
    // perturbed: both moves undone, as the stream itself and to_original do.
    dcnn::FrameGeometry delta_geometry = geometry;
    delta_geometry.pad_x -= s.stats.shift_x;
    delta_geometry.pad_y -= s.stats.shift_y;
    auto decode_dense = [&](float at_least) {
      std::vector<dcnn::Detection> c = model->decoder().decode(dense.heads(), geometry, at_least);
      if (dense_perturbed) dcnn::eval::to_original(c, perturbation);
      return c;
    };
    auto decode_delta = [&](float at_least) {
      std::vector<dcnn::Detection> c = model->decoder().decode(delta.heads(), delta_geometry, at_least);
      dcnn::eval::to_original(c, perturbation);
      return c;
    };
    dense_candidates.push_back(decode_dense(cut_off));
    delta_candidates.push_back(decode_delta(cut_off));
    if (!s.stats.keyframe) score_errors.add_frame(dense_candidates.back(), delta_candidates.back());
    // On the objects compared (outside the masks with --outside-masks).
    if (args.show_disagreements && dense_objects.size() != delta_objects.size()) {
      std::fprintf(stderr, "frame %d: dense %s, delta %s\n", n, dcnn::eval::describe_objects(dense_objects).c_str(),
                   dcnn::eval::describe_objects(delta_objects).c_str());
      for (const std::string& line : dcnn::eval::explain_unmatched("dense", "delta", dense_objects, delta_objects, decode_delta(0.f)))
        std::fprintf(stderr, "  %s\n", line.c_str());
      for (const std::string& line : dcnn::eval::explain_unmatched("delta", "dense", delta_objects, dense_objects, decode_dense(0.f)))
        std::fprintf(stderr, "  %s\n", line.c_str());
    }
    delta_published.push_back(s.objects);
    ++n;
    if (n % 100 == 0) {
      std::fprintf(stderr, "frame %d: dense %.1f ms, delta %.1f ms (mean so far), active %.3f, %s %.4f\n",
                   n, dense_total / (n - 1), delta_total / (n - 1), active_total / n,
                   pose ? "kpt_agree" : "det_f1", pose ? agreement.kpt_agree() : agreement.det_f1());
    }
  }
  if (n < 2) {
    throw dcnn::Error(dcnn::ErrorKind::Input, args.video + ": " + std::to_string(n) +
                                                  " frame(s) could be read; expected at least 2 (the first runs "
                                                  "dense in both streams)");
  }
  dcnn::tools::warn_if_short("deltacnn-eval", args.video, n, args.frames);

  const double dense_ms = dense_total / (n - 1), delta_ms = delta_total / (n - 1);
  std::printf("model %s, backend %s, %d frames (%dx%d -> %dx%d)\n", cfg.name.c_str(),
              dcnn::to_string(model->backend()), n, frame_width, frame_height, cfg.input.width,
              cfg.input.height);
  std::printf("dense %.2f ms/frame, delta %.2f ms/frame, speedup %.2fx, mean active %.3f "
              "(the delta stream's decoding %.2f ms/frame), %d of the delta stream's frames ran dense "
              "(%d of them run again dense for a track decision within tracker.refine_margin)\n",
              dense_ms, delta_ms, dense_ms / delta_ms, active_total / n, decode_total / (n - 1), keyframes,
              refined);
  if (delta_frames > 0)
    std::printf("on its %d delta frames: input active %.3f, MAC-weighted active %.3f\n", delta_frames,
                delta_input_active / delta_frames, delta_mean_active / delta_frames);
  if (args.perturb != "none" || delta_opts.stabilize.enabled())
    std::printf("perturbation %s (seed %d, dense sees the %s frame), stabilize shift %s exposure %s: mean |shift| "
                "%.2f model px, %d frames exposure-compensated, %.2f ms/frame\n",
                args.perturb.c_str(), args.perturb_seed, args.dense_input.c_str(), delta_opts.stabilize.shift ? "auto" : "off",
                delta_opts.stabilize.exposure ? "auto" : "off", shift_total / n, exposure_frames,
                stabilize_total / n);
  if (!delta_opts.zones.masks.empty() || args.outside_masks)
    std::printf("masks: %zu on the delta stream%s (margin %.0f px)\n", delta_opts.zones.masks.size(),
                args.outside_masks ? "; agreement below on objects outside the masks only" : "",
                args.mask_margin);
  if (pose) {
    // "n/a" when dense had no keypoint to compare: a 1.0 there would claim agreement on nothing.
    std::printf("kpt_agree %s (%ld keypoints >= %.1f within %.0f px), count_agree %.4f\n",
                dcnn::eval::format_metric(agreement.kpt_agree(), agreement.measured_kpt_agree()).c_str(),
                agreement.keypoints, kKeypointScore, kKeypointRadiusPx, agreement.count_agree());
  } else {
    std::printf("det_f1 %s (tp %ld, fp %ld, fn %ld at IoU %.1f)\n",
                dcnn::eval::format_metric(agreement.det_f1(), agreement.measured_det_f1()).c_str(),
                agreement.true_positives, agreement.false_positives, agreement.false_negatives,
                kDetectionIou);
  }

  const float error_p50 = score_errors.quantile(0.5), error_p90 = score_errors.quantile(0.9),
              error_p99 = score_errors.quantile(0.99), error_max = score_errors.quantile(1.0);
  std::printf("score error |delta - dense| of the same candidate (>= %.2f, IoU >= 0.7) on the delta "
              "stream's delta frames: median %.4f, p90 %.4f, p99 %.4f, max %.4f (%zu pairs)\n",
              cut_off, error_p50, error_p90, error_p99, error_max, score_errors.count());

  // The tracking table: every variant on the same candidates.
  std::printf("tracking (score_on %.2f, score_off %.2f, min_hits %d, max_misses %d; blinks: a track "
              "starting <= %d frames after one ended, IoU >= %.1f):\n",
              configured_tracker.score_on, std::min(configured_tracker.score_off, configured_tracker.score_on),
              configured_tracker.min_hits, configured_tracker.max_misses, dcnn::eval::kBlinkFrames,
              dcnn::eval::kBlinkIou);
  std::printf("  %-14s %11s %9s %17s %12s %17s %12s\n", "variant", "count_agree",
              pose ? "kpt_agree" : "det_f1", "dense births/100", "dense blinks", "delta births/100",
              "delta blinks");
  nlohmann::json tracking = nlohmann::json::object();
  for (const dcnn::eval::TrackingVariant& variant : dcnn::eval::tracking_variants(configured_tracker)) {
    const auto dense_out = dcnn::eval::publish(variant, dense_candidates);
    const auto delta_out = dcnn::eval::publish(variant, delta_candidates);
    dcnn::eval::Agreement a;
    dcnn::eval::TrackStatsCounter dense_tracks, delta_tracks;
    for (size_t f = 0; f < dense_out.size(); ++f) {
      dcnn::eval::add_frame(pose, dense_out[f], delta_out[f], a);
      dense_tracks.add_frame(dense_out[f]);
      delta_tracks.add_frame(delta_out[f]);
    }
    // The replay must publish what the delta stream published when it ran this variant:
    // otherwise the table would describe something the element does not do. Under a shake or a
    // drift the stream tracked in the moved frames' coordinates and the replay in the
    // original's, where boxes move differently from frame to frame: they may differ there.
    const bool moved_frames = dcnn::eval::moves_frames(perturbation_kind);
    const bool streams_ran_it = variant.name == (!delta.tracker() ? "off" : "hysteresis") && !moved_frames;
    bool replay_differs = false;
    for (size_t f = 0; f < delta_out.size(); ++f)
      replay_differs = replay_differs || !dcnn::eval::same_objects(delta_out[f], delta_published[f]);
    if (streams_ran_it && replay_differs)
      std::fprintf(stderr, "deltacnn-eval: warning: the '%s' replay differs from the delta stream's "
                   "own results\n", variant.name.c_str());
    const dcnn::eval::TrackStats ds = dense_tracks.stats(), ss = delta_tracks.stats();
    const double quality = pose ? a.kpt_agree() : a.det_f1();
    const bool quality_measured = pose ? a.measured_kpt_agree() : a.measured_det_f1();
    std::printf("  %-14s %11.4f %9s %17.2f %12ld %17.2f %12ld\n", variant.name.c_str(), a.count_agree(),
                dcnn::eval::format_metric(quality, quality_measured).c_str(), ds.births_per_100_frames(), ds.blinks,
                ss.births_per_100_frames(), ss.blinks);
    tracking[variant.name] = {{"count_agree", a.count_agree()},
                              {pose ? "kpt_agree" : "det_f1", quality_measured ? nlohmann::json(quality) : nlohmann::json()},
                              {"dense_births_per_100", ds.births_per_100_frames()},
                              {"dense_blinks", ds.blinks},
                              {"delta_births_per_100", ss.births_per_100_frames()},
                              {"delta_blinks", ss.blinks}};
  }

  if (args.json) {
    nlohmann::json j;
    j["model"] = cfg.name;
    j["backend"] = dcnn::to_string(model->backend());
    j["delta_precision"] = dcnn::to_string(delta_model->precision());
    j["dense_precision"] = dcnn::to_string(model->precision());
    j["frames"] = n;
    j["dense_ms"] = dense_ms;
    j["delta_ms"] = delta_ms;
    j["speedup"] = dense_ms / delta_ms;
    j["mean_active"] = active_total / n;
    j["decode_ms"] = decode_total / (n - 1);  // the delta stream's, frames 2..N
    j["keyframes"] = keyframes;  // first frame, periodic, busy-scene and refined dense frames
    j["refined"] = refined;      // delta frames run again dense (tracker.refine_margin)
    j["score_error_p50"] = error_p50;
    j["score_error_p90"] = error_p90;
    j["score_error_p99"] = error_p99;
    j["score_error_max"] = error_max;
    j["perturb"] = args.perturb;
    j["overlay"] = args.overlay;
    j["dense_input"] = args.dense_input;
    j["stabilize_shift"] = delta_opts.stabilize.shift;
    j["stabilize_exposure"] = delta_opts.stabilize.exposure;
    j["mean_shift_px"] = shift_total / n;
    j["stabilize_ms"] = stabilize_total / n;
    j["exposure_frames"] = exposure_frames;
    j["delta_frames_input_active"] = delta_frames ? nlohmann::json(delta_input_active / delta_frames) : nlohmann::json();
    j["masks"] = delta_opts.zones.masks.size();
    j["outside_masks"] = args.outside_masks;
    j["mask_margin"] = args.mask_margin;
    j["delta_frames_mean_active"] = delta_frames ? nlohmann::json(delta_mean_active / delta_frames) : nlohmann::json();
    dcnn::eval::put_metrics(j, agreement, pose);
    j["tracker"] = delta.tracker() != nullptr;  // what the streams above ran
    j["tracking"] = std::move(tracking);
    std::cout << j.dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  return dcnn::tools::run_tool("deltacnn-eval", [&] { return run(args); });
}
