// What the engine's loader did not do as asked (dcnn::Model::warnings(): backend auto on the
// CPU and why, an input size the model was not made for), said once on stderr by every tool
// that loads a Model, as the element posts them on the bus.
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include "engine/api/deltacnn.h"

namespace dcnn::tools {

inline void print_warnings(const char* tool, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) std::cerr << tool << ": warning: " << warning << "\n";
}

inline void print_model_warnings(const char* tool, const Model& model) {
  print_warnings(tool, model.warnings());
}

// Likewise what a Stream does not do as asked (Stream::warnings(): stabilize on the CUDA backend).
inline void print_stream_warnings(const char* tool, const Stream& stream) {
  print_warnings(tool, stream.warnings());
}

}  // namespace dcnn::tools
