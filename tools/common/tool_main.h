// The top level the command-line tools share (deltacnn-bench, deltacnn-cuda-bench, deltacnn-eval,
// deltacnn-tune): run the tool's body and turn an exception that escapes it into one line on
// stderr, "TOOL: error (KIND): message" for a dcnn::Error, and exit status 1. Usage errors exit
// with 2 from the command-line reader (command_line.h), before this runs.
#pragma once

#include <exception>
#include <iostream>

#include "engine/core/error.h"

namespace dcnn::tools {

template <class Body>
int run_tool(const char* tool, Body&& body) {
  try {
    return body();
  } catch (const dcnn::Error& e) {
    std::cerr << tool << ": error (" << dcnn::to_string(e.kind()) << "): " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << tool << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace dcnn::tools
