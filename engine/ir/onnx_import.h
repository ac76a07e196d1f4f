// ONNX -> IR. Reads a ModelProto (Debian's libonnx-dev protobuf classes), translates its NCHW
// graph into the NHWC IR of graph.h, folds shape arithmetic, and infers every shape.
//
//   dcnn::ir::Graph g = dcnn::ir::import_onnx("models/movenet.onnx", {576, 768});
//   dcnn::ir::run_default_passes(g);   // engine/ir/passes.h: BN folding, fusions
//
// Errors are dcnn::Error: NotFound (missing/unreadable file), Model (corrupt or truncated file,
// inconsistent shapes, bad input), Unsupported (op, attribute or shape the engine does not
// implement; the message names the file, node, op and what is supported).
#pragma once

#include <string>

#include "engine/ir/graph.h"

namespace dcnn::ir {

struct ImportOptions {
  // Non-zero values replace the input's H / W (fixed or dynamic in the file): a new input size
  // re-imports and so re-plans the whole graph, shape arithmetic included.
  int input_height = 0;
  int input_width = 0;
};

Graph import_onnx(const std::string& path, const ImportOptions& options = {});
// Same from serialised bytes; `source_name` stands for the file in messages.
Graph import_onnx_from_memory(const std::string& bytes, const std::string& source_name,
                              const ImportOptions& options = {});

}  // namespace dcnn::ir
