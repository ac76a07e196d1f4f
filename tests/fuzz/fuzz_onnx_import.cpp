// libFuzzer harness: the ONNX importer (engine/ir) on arbitrary bytes as the model file.
//
// import_onnx_from_memory parses the protobuf, translates every node (constant folding of shape
// arithmetic included) and infers shapes node by node; run_default_passes then rewrites the
// graph (BatchNorm folding, activation and HardSwish fusion, scale folding, dead-node removal),
// re-infers every shape and validates the graph. This is what Model::load does with a .onnx file
// before compiling it. Every outcome must be a valid graph or a dcnn::Error naming the file;
// anything else (other exception types, crashes, sanitizer reports, huge allocations) is a bug.
// Seeds: tiny models made by tests/fuzz/make_onnx_seeds.py, one per op family.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/core/error.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"

namespace {
const char kSource[] = "fuzz.onnx";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    dcnn::ir::Graph graph = dcnn::ir::import_onnx_from_memory(bytes, kSource);
    dcnn::ir::run_default_passes(graph);
  } catch (const dcnn::Error& e) {
    // Expected for bad input, but the message must say which file is at fault.
    if (std::string(e.what()).find(kSource) == std::string::npos) {
      std::fprintf(stderr, "fuzz_onnx_import: error message without the file name: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
