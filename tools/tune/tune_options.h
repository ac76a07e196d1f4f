// Command line of deltacnn-tune: which deployment to tune, on which frames, to which targets.
#pragma once

#include <string>

namespace dcnn::tune {

struct TuneOptions {
  std::string config, video;
  int frames = 150;           // tuning frames (consecutive, from the start of the video)
  // Agreement targets the tuned settings must keep on the tuning frames. Defaults are a little
  // stricter than the shipped goals (0.98 / 0.97) so that the full-video check passes too.
  double target_kpt = 0.985;
  double target_count = 0.985;
  double target_f1 = 0.975;
  double max_minutes = 30.0;  // wall-time budget of the search; the best setting so far wins
  bool write = false;         // rewrite the delta: section of the YAML
  bool list_layers = false;   // print the tunable node groups and exit
  // Which targets were given: a pose model has no det_f1, a detector no kpt/count agreement.
  bool pose_target_given = false, detection_target_given = false;
};

// Parses argv; prints usage and exits 2 on a bad command line, 0 after --help (stdout).
TuneOptions parse_tune_options(int argc, char** argv);

}  // namespace dcnn::tune
