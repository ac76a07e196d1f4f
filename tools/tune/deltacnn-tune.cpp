// deltacnn-tune: finds the delta thresholds that make delta inference as cheap as possible while
// its decoded results keep agreeing with dense inference, and optionally writes them into the
// deployment YAML. See docs/tuning.md.
//
//   deltacnn-tune --config configs/movenet-multipose.yaml --video data/vtest.avi --frames 150
//                 [--target-kpt 0.985 --target-count 0.985 | --target-f1 0.975]
//                 [--max-minutes 30] [--write] [--list-layers]
//
// The dense stream runs once over the tuning frames (results cached with the pre-processed
// inputs); every candidate then runs only a delta stream on the cached inputs and is scored with
// the metrics of deltacnn-eval (tools/eval/agreement). The cost minimised is the MAC-weighted
// mean active fraction of the delta frames (deterministic on a shared machine); the delta
// ms/frame is printed beside it.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/api/deltacnn.h"
#include "tools/common/model_warnings.h"
#include "tools/common/output_file.h"
#include "tools/common/tool_main.h"
#include "tools/tune/delta_yaml_writer.h"
#include "tools/tune/frame_cache.h"
#include "tools/tune/layer_groups.h"
#include "tools/tune/search.h"
#include "tools/tune/tune_options.h"

namespace {

using namespace dcnn::tune;

void print_settings(const char* title, const dcnn::DeltaSettings& s) {
  std::printf("%s: input_threshold %g, input_dilation %d, threshold %g, threshold_scale %g, "
              "truncate_linear %s, %zu layer thresholds\n",
              title, s.input_threshold, s.input_dilation, s.default_threshold, s.threshold_scale,
              s.truncate_linear ? "on" : "off", s.layer_thresholds.size());
}

void print_table(bool pose, const SearchOutcome& out, double dense_ms) {
  std::printf("\n%-4s %-9s %-48s %-26s %-7s %-8s %s\n", "#", "phase", "candidate", "agreement", "active",
              "ms", "result");
  for (size_t i = 0; i < out.trials.size(); ++i) {
    const TrialRecord& t = out.trials[i];
    std::printf("%-4zu %-9s %-48s %-26s %-7.3f %-8.1f %s\n", i + 1, t.phase.c_str(), t.change.c_str(),
                describe_agreement(pose, t.result.agreement).c_str(), t.result.mean_active,
                t.result.delta_ms,
                t.accepted ? "taken" : t.result.passed ? "ok" : ("fail @" + std::to_string(t.result.frames_run)).c_str());
  }
  std::printf("\ndense %.1f ms/frame\n", dense_ms);
  print_settings("yaml ", out.baseline);
  std::printf("       %s, active %.3f, %.1f ms/frame\n", describe_agreement(pose, out.baseline_result.agreement).c_str(),
              out.baseline_result.mean_active, out.baseline_result.delta_ms);
  print_settings("tuned", out.best);
  std::printf("       %s, active %.3f, %.1f ms/frame%s\n", describe_agreement(pose, out.best_result.agreement).c_str(),
              out.best_result.mean_active, out.best_result.delta_ms,
              out.out_of_time ? " (search stopped at --max-minutes)" : "");
  for (const auto& kv : out.best.layer_thresholds) std::printf("  %-70s %.4g\n", kv.first.c_str(), kv.second);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in)
    throw dcnn::Error(dcnn::ErrorKind::Config, "--write " + path + ": cannot read it back to rewrite its delta section");
  return text.str();
}

int run(const TuneOptions& o) {
  const dcnn::DeploymentConfig cfg = dcnn::load_config(o.config);
  // CPU: the tuned values ship for the CPU path (the CUDA path computes the same deltas).
  const auto model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
  dcnn::tools::print_model_warnings("deltacnn-tune", *model);
  const bool pose = model->info().task == dcnn::Task::Pose;
  if (o.list_layers) {
    // Grouped as the YAML's delta form runs them (a fused unit's nodes in one group).
    const ThresholdOwner owner = fused_unit_owners(*model, dcnn::StreamOptions::from(cfg).delta);
    for (bool truncate_linear : {false, true}) {
      std::printf("tunable groups with truncate_linear %s:\n", truncate_linear ? "on" : "off");
      for (const LayerGroup& g : tunable_groups(*model, truncate_linear, owner)) {
        std::printf("  %-50s %5.1f %% of MACs\n", g.key.c_str(), 100.0 * g.macs_share);
        for (const std::string& node : g.nodes) std::printf("      %s\n", node.c_str());
      }
    }
    return 0;
  }
  if (pose && o.detection_target_given)
    throw dcnn::Error(dcnn::ErrorKind::Config, "--target-f1: " + cfg.name + " is a pose model; expected "
                                               "--target-kpt / --target-count");
  if (!pose && o.pose_target_given)
    throw dcnn::Error(dcnn::ErrorKind::Config, "--target-kpt / --target-count: " + cfg.name + " is a detection "
                                               "model; expected --target-f1");
  Targets targets;
  targets.pose = pose;
  targets.kpt = o.target_kpt;
  targets.count = o.target_count;
  targets.f1 = o.target_f1;

  // With --write: the YAML's text as it is now (an edit made during a long search is not
  // overwritten with thresholds tuned on the old file: the write checks it is unchanged), and a
  // file it cannot replace said now, not after the search.
  std::string yaml_text;
  std::optional<dcnn::tools::OutputFile> yaml_out;
  if (o.write) {
    yaml_text = read_text(cfg.source);
    yaml_out.emplace("--write", cfg.source);
  }

  const auto start = std::chrono::steady_clock::now();
  std::fprintf(stderr, "caching %d frames and their dense results...\n", o.frames);
  const FrameCache cache = build_frame_cache(model, o.video, o.frames);
  std::fprintf(stderr, "%zu frames, dense %.1f ms/frame; targets: %s\n", cache.inputs.size(), cache.dense_ms,
               pose ? ("kpt " + std::to_string(targets.kpt) + ", count " + std::to_string(targets.count)).c_str()
                    : ("f1 " + std::to_string(targets.f1)).c_str());
  const auto deadline = start + std::chrono::milliseconds(long(o.max_minutes * 60000.0));
  const SearchOutcome out = search_thresholds(model, cache, targets, deadline);
  print_table(pose, out, cache.dense_ms);
  if (!out.best_result.passed) {
    std::printf("no candidate met the targets on the tuning frames; the YAML is left as it is\n");
    return 3;
  }
  if (o.write) {
    if (read_text(cfg.source) != yaml_text)
      throw dcnn::Error(dcnn::ErrorKind::Config,
                        "--write " + cfg.source + ": the file changed during the search; it is left as it "
                        "is (the thresholds above were tuned on the earlier text); run again to write them");
    // A search cut short by --max-minutes still wrote thresholds that hold the targets, only
    // not the cheapest ones it would have found: said on stderr and in the file.
    if (out.out_of_time)
      std::fprintf(stderr, "deltacnn-tune: warning: the search stopped at --max-minutes %g; writing the best "
                           "thresholds found so far (they hold the targets on the tuning frames)\n",
                   o.max_minutes);
    char comment[192];
    std::snprintf(comment, sizeof comment, "tuned by deltacnn-tune (%zu frames, %s%s)", cache.inputs.size(),
                  pose ? "kpt/count targets" : "det_f1 target", out.out_of_time ? ", stopped at --max-minutes" : "");
    const std::string rewritten = dcnn::tune::rewrite_delta_section(yaml_text, cfg.source, out.best, comment);
    // Parse what is about to be written: a rewrite the loader rejects must never land.
    dcnn::parse_config(rewritten, cfg.source, cfg.source.substr(0, cfg.source.find_last_of('/')));
    // Beside the YAML and renamed over it once complete: a full disk or a kill leaves the
    // deployment as it was, never half a file.
    std::fwrite(rewritten.data(), 1, rewritten.size(), yaml_out->get());
    yaml_out->close();
    std::printf("wrote the delta section of %s\n", cfg.source.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const TuneOptions options = parse_tune_options(argc, argv);
  return dcnn::tools::run_tool("deltacnn-tune", [&] { return run(options); });
}
