#include "tools/tune/tune_options.h"

#include "tools/common/command_line.h"

namespace dcnn::tune {
namespace {

const char* const kUsage =
    "usage: deltacnn-tune --config X.yaml --video V.avi [--frames N (2..200, default 150)]\n"
    "                     [--target-kpt 0.985] [--target-count 0.985] [--target-f1 0.975]\n"
    "                     [--max-minutes 30] [--write] [--list-layers]\n"
    "  targets are in (0, 1]: --target-kpt and --target-count for pose models, --target-f1 for\n"
    "  detection models; a video shorter than --frames tunes on the frames it has, with a\n"
    "  warning (at least 2). Exit status: 0 done, 1 failed, 2 usage, 3 no candidate met the\n"
    "  targets (the YAML is left as it is).\n";

}  // namespace

TuneOptions parse_tune_options(int argc, char** argv) {
  using tools::Bound;
  return tools::parse_or_exit("deltacnn-tune", kUsage, [&] {
    TuneOptions o;
    tools::CommandLine cl(argc, argv);
    while (cl.next()) {
      if (cl.is("--config")) o.config = cl.text();
      else if (cl.is("--video")) o.video = cl.text();
      // The cache holds every pre-processed tuning frame in memory (768x576x3 floats = 5.3 MB each).
      else if (cl.is("--frames")) o.frames = int(cl.integer(2, 200));
      else if (cl.is("--target-kpt")) o.target_kpt = cl.number(0.0, 1.0, Bound::Exclusive), o.pose_target_given = true;
      else if (cl.is("--target-count")) o.target_count = cl.number(0.0, 1.0, Bound::Exclusive), o.pose_target_given = true;
      else if (cl.is("--target-f1")) o.target_f1 = cl.number(0.0, 1.0, Bound::Exclusive), o.detection_target_given = true;
      else if (cl.is("--max-minutes")) o.max_minutes = cl.number(0.0, 1e6, Bound::Exclusive);
      else if (cl.is("--write")) o.write = true;
      else if (cl.is("--list-layers")) o.list_layers = true;
      else cl.unknown();
    }
    if (o.config.empty()) throw tools::UsageError("--config is required");
    if (o.video.empty() && !o.list_layers) throw tools::UsageError("--video is required");
    if (o.list_layers && (o.write || !o.video.empty() || o.pose_target_given || o.detection_target_given))
      throw tools::UsageError("--list-layers only prints the groups: --write, --video and the targets do nothing "
                              "with it");
    if (o.pose_target_given && o.detection_target_given)
      throw tools::UsageError("--target-f1 is for detection models, --target-kpt/--target-count for pose "
                              "models; give the ones of your model");
    return o;
  });
}

}  // namespace dcnn::tune
