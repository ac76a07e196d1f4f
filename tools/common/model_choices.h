// The --backend and --precision values the tools that load a Model take, as ModelOptions'
// types. Both are read with CommandLine::choice first, so the names are known ones here.
#pragma once

#include <string>

#include "engine/api/deltacnn.h"

namespace dcnn::tools {

// "cpu", "cuda"; anything else (the choice "auto") is Auto.
inline BackendChoice backend_named(const std::string& name) {
  return name == "cpu" ? BackendChoice::Cpu : name == "cuda" ? BackendChoice::Cuda : BackendChoice::Auto;
}

// "fp32", "fp16", "bf16" (to_string's names); anything else is fp32.
inline Precision precision_named(const std::string& name) {
  for (const Precision p : {Precision::F16, Precision::BF16})
    if (name == to_string(p)) return p;
  return Precision::F32;
}

}  // namespace dcnn::tools
