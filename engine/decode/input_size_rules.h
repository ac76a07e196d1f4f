// Which input sizes each model family runs at, decided per decoder type (README, "Input sizes").
// A size off the network's grid is an error: the graph either fails deep inside (an FPN Add of
// 24x24 and 25x25 maps) or, worse, runs with its heads misaligned to the input and decodes
// every point a little off (MoveNet at 193 reads heads of 48 cells as if they covered 193 px).
// A size on the grid that the model was not made for runs, with a warning: the people it sees
// are at a scale it was not trained on, and it may find nobody (PoseNet at 17: 2x2 heads).
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/error.h"

namespace dcnn {
namespace ir {
struct Graph;
}

// Throws dcnn::Error(Config) naming the config file, the input key(s) at fault, the sizes the
// decoder's models support and the nearest that fit, e.g.
// "configs/x.yaml: input.width, input.height: 193x193 does not fit a movenet_singlepose model;
//  expected multiples of 32 (...), e.g. 192x192 or 224x224".
void require_supported_input_size(const DeploymentConfig& config);

// For an error the ONNX import threw at config.input's size: a size off the model's grid often
// fails deep in the graph (an FPN Add of 24x24 and 25x25 maps), and one too large for the
// engine fails at the first layer above 2^28 values; both are rethrown as Config errors naming
// the input keys (require_supported_input_size's message for the first). Any other error is
// rethrown as it is.
[[noreturn]] void rethrow_import_error(const DeploymentConfig& config, const Error& error);

// Throws dcnn::Error(Config) naming decoder.output_stride when a head's grid does not match it:
// the decoders turn cells into pixels with that stride, so a wrong one puts every box and
// keypoint in the wrong place (stride 8 on MoveNet's stride-4 heads: all at the frame's edge)
// without any other sign. `heads`: the graph's output names with their height and width.
struct HeadGrid {
  std::string name;
  int height = 0, width = 0;
};
void require_matching_output_stride(const DeploymentConfig& config,
                                    const std::vector<HeadGrid>& heads);

// The imported graph against its deployment, as Model::load and deltacnn-bench check it:
// require_supported_input_size, then require_matching_output_stride on the graph's outputs.
// Returns input_size_warning's line ("" when the size is one the model was made for).
std::string check_graph_fits_config(const DeploymentConfig& config, const ir::Graph& graph);

// "" when config.input's size is one the model was made for; else one line saying what it was
// made for. exported_width / exported_height: the input size the ONNX file declares (0 when
// dynamic), which is the size single-size models (MoveNet SinglePose, CenterNet) were made for.
std::string input_size_warning(const DeploymentConfig& config, int exported_width,
                               int exported_height);

}  // namespace dcnn
