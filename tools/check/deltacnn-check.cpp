// deltacnn-check: does a deployment load? What the deltacnn element does at start, without a
// pipeline: the YAML, the model (import, decoder heads, compile on the chosen backend), the
// stream, and with --size the zones and masks in a frame of that size. Prints one line on
// stdout when it loads, the loader's warnings on stderr, and exits 0; an error is one line
// naming the file, key or node (exit 1), as the element would post it.
//
//   deltacnn-check --config configs/movenet-multipose.yaml [--model X.onnx] [--size 1920x1080]
//                  [--backend cpu|cuda|auto] [--precision fp32|fp16|bf16]
//
// For the operator who edits a camera's YAML: check it before deltacnn-cameras gets SIGUSR1 or
// a pipeline restarts on it. The pipeline scripts run it before they create any output, so a
// file that does not load does not truncate a recording.
#include <iostream>
#include <string>

#include "engine/api/deltacnn.h"
#include "engine/core/error.h"
#include "engine/core/file_check.h"
#include "engine/decode/decoder.h"
#include "tools/common/command_line.h"
#include "tools/common/model_choices.h"
#include "tools/common/model_warnings.h"
#include "tools/common/tool_main.h"

namespace {

constexpr const char* kTool = "deltacnn-check";

const char* const kUsage =
    "usage: deltacnn-check --config X.yaml [--model X.onnx] [--size WxH]\n"
    "                      [--backend cpu|cuda|auto] [--precision fp32|fp16|bf16]\n"
    "  Loads the deployment as the deltacnn element does at start (the YAML, the model on the\n"
    "  backend, the stream) and prints one line when it loads; an error names the file, key or\n"
    "  node (exit 1). --model overrides the YAML's model.onnx, as the element's model property.\n"
    "  --size also places the zones and masks in a frame of that size (pixel coordinates must\n"
    "  lie inside it). Default backend: auto, as the element's.\n";

struct Args {
  std::string config, model, backend = "auto", precision;
  int width = 0, height = 0;  // 0: no frame size to check the zones against
};

Args parse(int argc, char** argv) {
  return dcnn::tools::parse_or_exit(kTool, kUsage, [&] {
    Args a;
    dcnn::tools::CommandLine cl(argc, argv);
    while (cl.next()) {
      if (cl.is("--config")) a.config = cl.text();
      else if (cl.is("--model")) a.model = cl.text();
      else if (cl.is("--size")) cl.size(&a.width, &a.height);
      else if (cl.is("--backend")) a.backend = cl.choice("cpu|cuda|auto");
      else if (cl.is("--precision")) a.precision = cl.choice("fp32|fp16|bf16");
      else cl.unknown();
    }
    if (a.config.empty()) throw dcnn::tools::UsageError("--config is required");
    return a;
  });
}

int run(const Args& args) {
  dcnn::DeploymentConfig cfg = dcnn::load_config(args.config);
  if (!args.model.empty()) {
    dcnn::require_regular_file(args.model, "--model: file", "an ONNX model file");
    cfg.model_path = args.model;
  }
  dcnn::ModelOptions options;
  options.backend = dcnn::tools::backend_named(args.backend);
  if (!args.precision.empty()) options.precision = dcnn::tools::precision_named(args.precision);
  const auto model = dcnn::Model::load(cfg, options);
  dcnn::tools::print_model_warnings(kTool, *model);
  dcnn::Stream stream(model, dcnn::StreamOptions::from(cfg));
  if (args.width > 0) stream.prepare_frame_size(args.width, args.height);
  dcnn::tools::print_stream_warnings(kTool, stream);

  std::cout << kTool << ": " << cfg.source << " loads: model '" << cfg.name << "' (" << cfg.model_path
            << ") at " << cfg.input.width << "x" << cfg.input.height << ", decoder "
            << dcnn::decoder_name(cfg.decoder.kind) << ", backend " << dcnn::to_string(model->backend())
            << " " << dcnn::to_string(model->precision()) << ", " << cfg.zones.zones.size() << " zones, "
            << cfg.zones.masks.size() << " masks";
  if (args.width > 0) std::cout << ", placed in a " << args.width << "x" << args.height << " frame";
  std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  return dcnn::tools::run_tool(kTool, [&] { return run(args); });
}
