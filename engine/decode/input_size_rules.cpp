#include "engine/decode/input_size_rules.h"

#include "engine/core/error.h"
#include "engine/decode/decoder.h"
#include "engine/ir/graph.h"

namespace dcnn {
namespace {

// Sizes n = multiple * k + offset (k >= 1): the grid a model family's heads line up with.
struct Grid {
  int multiple;
  int offset;
  const char* sizes;  // in words, for messages
};

Grid grid_of(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::PoseNet:
      return {16, 1, "sizes of the form 16k+1 (output stride 16 with the heads on the corner "
                     "pixels: 385 gives 25x25 heads)"};
    case DecoderKind::MoveNetMultiPose:
    case DecoderKind::MoveNetSinglePose:
    case DecoderKind::CenterNet:
      break;
  }
  return {32, 0, "multiples of 32 (the network's total stride: its feature pyramid adds or "
                 "concatenates upsampled maps with maps of the same size)"};
}

bool fits(const Grid& g, int n) { return n >= g.multiple + g.offset && (n - g.offset) % g.multiple == 0; }

// The fitting size at or below n (the smallest fitting size when none is) and the one above it.
std::pair<int, int> neighbours(const Grid& g, int n) {
  int below = ((n - g.offset) / g.multiple) * g.multiple + g.offset;
  if (below < g.multiple + g.offset) below = g.multiple + g.offset;
  return {below, below + g.multiple};
}

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

std::string where(const DeploymentConfig& config) {
  return config.source.empty() ? "model '" + config.name + "'" : config.source;
}

}  // namespace

void require_supported_input_size(const DeploymentConfig& config) {
  const Grid g = grid_of(config.decoder.kind);
  const int w = config.input.width, h = config.input.height;
  const bool w_fits = fits(g, w), h_fits = fits(g, h);
  if (w_fits && h_fits) return;
  const std::string key = !w_fits && !h_fits ? "input.width, input.height"
                          : !w_fits          ? "input.width"
                                             : "input.height";
  const auto [w_below, w_above] = w_fits ? std::pair<int, int>{w, w} : neighbours(g, w);
  const auto [h_below, h_above] = h_fits ? std::pair<int, int>{h, h} : neighbours(g, h);
  std::string examples = size_text(w_below, h_below);
  if (w_above != w_below || h_above != h_below) examples += " or " + size_text(w_above, h_above);
  throw Error(ErrorKind::Config, where(config) + ": " + key + ": " + size_text(w, h) +
                                     " does not fit a " + decoder_name(config.decoder.kind) +
                                     " model; expected " + g.sizes + ", e.g. " + examples);
}

void rethrow_import_error(const DeploymentConfig& config, const Error& error) {
  if (error.kind() != ErrorKind::Model && error.kind() != ErrorKind::Unsupported) throw error;
  require_supported_input_size(config);
  const std::string what = error.what();
  if (what.find("values per feature map") != std::string::npos)
    throw Error(ErrorKind::Config,
                where(config) + ": input.width, input.height: " +
                    size_text(config.input.width, config.input.height) +
                    " is too large for this model (" + what +
                    "); expected a smaller input size");
  throw error;
}

void require_matching_output_stride(const DeploymentConfig& config,
                                    const std::vector<HeadGrid>& heads) {
  const Grid g = grid_of(config.decoder.kind);
  const int stride = config.decoder.output_stride;
  // Heads on the corner pixels (offset 1, PoseNet): n cells span (n - 1) * stride + 1 pixels.
  auto cells = [&](int pixels) { return g.offset == 1 ? (pixels - 1) / stride + 1 : pixels / stride; };
  auto stride_of = [&](int pixels, int n) {
    return g.offset == 1 ? (n > 1 ? (pixels - 1) / (n - 1) : 0) : (n > 0 ? pixels / n : 0);
  };
  for (const HeadGrid& head : heads) {
    if (head.height <= 1 && head.width <= 1) continue;  // a vector head (none today): no grid
    const int want_h = cells(config.input.height), want_w = cells(config.input.width);
    if (head.height == want_h && head.width == want_w) continue;
    const int actual = stride_of(config.input.width, head.width);
    throw Error(ErrorKind::Config,
                where(config) + ": decoder.output_stride: " + std::to_string(stride) +
                    " does not match the model: its head '" + head.name + "' is " +
                    size_text(head.width, head.height) + " cells for a " +
                    size_text(config.input.width, config.input.height) + " input, where stride " +
                    std::to_string(stride) + " gives " + size_text(want_w, want_h) +
                    "; expected output_stride: " + std::to_string(actual) +
                    " (the head's stride)");
  }
}

std::string check_graph_fits_config(const DeploymentConfig& config, const ir::Graph& graph) {
  require_supported_input_size(config);
  std::vector<HeadGrid> heads;
  for (int id : graph.outputs) {
    const ir::Tensor& t = graph.tensor(id);
    heads.push_back({t.name, int(t.shape.h), int(t.shape.w)});
  }
  require_matching_output_stride(config, heads);
  return input_size_warning(config, graph.exported_width, graph.exported_height);
}

std::string input_size_warning(const DeploymentConfig& config, int exported_width,
                               int exported_height) {
  const int w = config.input.width, h = config.input.height;
  const std::string head = where(config) + ": input " + size_text(w, h) + ": ";
  const std::string consequence = "; other sizes run, but the people or objects appear at a "
                                  "scale it was not trained on and it may find none";
  switch (config.decoder.kind) {
    case DecoderKind::MoveNetMultiPose:
      return "";  // made for any multiple of 32 (TF Hub: "any size, a multiple of 32")
    case DecoderKind::PoseNet:
      // The input resolutions PoseNet was published with (TF.js posenet 1.x: 161 ... 801).
      if (w >= 161 && w <= 801 && h >= 161 && h <= 801) return "";
      return head + "posenet models are made for sizes from 161 to 801 (here the heads are " +
             size_text((w - 1) / 16 + 1, (h - 1) / 16 + 1) + " cells)" + consequence;
    case DecoderKind::MoveNetSinglePose:
    case DecoderKind::CenterNet:
      // One size: the one they were trained and exported at (Lightning 192, CenterNet 512).
      if (exported_width <= 0 || exported_height <= 0) return "";
      if (w == exported_width && h == exported_height) return "";
      return head + decoder_name(config.decoder.kind) + " models are made for the one size " +
             "they were exported at, " + size_text(exported_width, exported_height) + " for " +
             config.model_path + consequence;
  }
  return "";
}

}  // namespace dcnn
