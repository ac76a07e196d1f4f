// The command line of the kernel benchmarks that take only a time budget (conv-kernels-bench,
// delta-ablation): "[--min-seconds S]", read strictly by tools/common/command_line.h.
#pragma once

#include <string>

#include "tools/common/command_line.h"

namespace dcnn::tools {

// The --min-seconds value (seconds each measurement runs at least, default 0.3); exits 2 on a
// bad command line and 0 after --help, as every tool does.
inline double min_seconds_option(const char* tool, int argc, char** argv) {
  const std::string usage =
      std::string("usage: ") + tool + " [--min-seconds S]  (S in (0, 3600], default 0.3)\n";
  return parse_or_exit(tool, usage.c_str(), [&] {
    double seconds = 0.3;
    CommandLine cl(argc, argv);
    while (cl.next()) {
      if (cl.is("--min-seconds")) seconds = cl.number(0.0, 3600.0, Bound::Exclusive);
      else cl.unknown();
    }
    return seconds;
  });
}

}  // namespace dcnn::tools
