#include "tools/tune/tune_options.h"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace dcnn::tune {
namespace {

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "deltacnn-tune: " << problem << "\n"
            << "usage: deltacnn-tune --config X.yaml --video V.avi [--frames N (<= 200)]\n"
               "                     [--target-kpt 0.985] [--target-count 0.985] [--target-f1 0.975]\n"
               "                     [--max-minutes 30] [--write] [--list-layers]\n";
  std::exit(2);
}

double in_unit_interval(const std::string& key, const std::string& text) {
  const double v = std::stod(text);
  if (!(v > 0.0 && v <= 1.0)) usage(key + " is " + text + "; expected a value in (0, 1]");
  return v;
}

}  // namespace

TuneOptions parse_tune_options(int argc, char** argv) {
  TuneOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(k + " needs a value");
      return argv[++i];
    };
    try {
      if (k == "--config") o.config = value();
      else if (k == "--video") o.video = value();
      else if (k == "--frames") o.frames = std::stoi(value());
      else if (k == "--target-kpt") o.target_kpt = in_unit_interval(k, value());
      else if (k == "--target-count") o.target_count = in_unit_interval(k, value());
      else if (k == "--target-f1") o.target_f1 = in_unit_interval(k, value());
      else if (k == "--max-minutes") o.max_minutes = std::stod(value());
      else if (k == "--write") o.write = true;
      else if (k == "--list-layers") o.list_layers = true;
      else if (k == "--help" || k == "-h") usage("help");
      else usage("unknown option '" + k + "'");
    } catch (const std::logic_error&) {
      usage("bad number for " + k);
    }
  }
  if (o.config.empty()) usage("--config is required");
  if (o.video.empty() && !o.list_layers) usage("--video is required");
  // The cache holds every pre-processed tuning frame in memory (768x576x3 floats = 5.3 MB each).
  if (o.frames < 2 || o.frames > 200) usage("--frames must be in 2..200 (the frames are cached in memory)");
  if (!(o.max_minutes > 0.0)) usage("--max-minutes must be positive");
  return o;
}

}  // namespace dcnn::tune
