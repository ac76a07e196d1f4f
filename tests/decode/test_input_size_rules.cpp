// Which input sizes each model family takes (engine/decode/input_size_rules.h): sizes off the
// network's grid are Config errors naming the keys and the nearest sizes that fit; sizes on the
// grid that the model was not made for get a warning. No model file needed.
#include <gtest/gtest.h>

#include <string>

#include "engine/core/error.h"
#include "engine/decode/input_size_rules.h"

namespace {

using dcnn::DecoderKind;

dcnn::DeploymentConfig config(DecoderKind kind, int width, int height) {
  dcnn::DeploymentConfig c;
  c.source = "x.yaml";
  c.name = "m";
  c.model_path = "models/m.onnx";
  c.decoder.kind = kind;
  c.input.width = width;
  c.input.height = height;
  return c;
}

// The Config error's message, or "" when the size is accepted.
std::string size_error(DecoderKind kind, int width, int height) {
  try {
    dcnn::require_supported_input_size(config(kind, width, height));
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config) << e.what();
    return e.what();
  }
  return "";
}

TEST(InputSizeRules, SizesOnTheGridAreAccepted) {
  EXPECT_EQ(size_error(DecoderKind::MoveNetMultiPose, 768, 576), "");
  EXPECT_EQ(size_error(DecoderKind::MoveNetMultiPose, 384, 288), "");
  EXPECT_EQ(size_error(DecoderKind::MoveNetSinglePose, 192, 192), "");
  EXPECT_EQ(size_error(DecoderKind::MoveNetSinglePose, 384, 384), "");
  EXPECT_EQ(size_error(DecoderKind::CenterNet, 512, 512), "");
  EXPECT_EQ(size_error(DecoderKind::PoseNet, 385, 385), "");
  EXPECT_EQ(size_error(DecoderKind::PoseNet, 17, 17), "");  // on the grid: a warning (below)
}

TEST(InputSizeRules, SizesOffTheGridNameTheKeysAndTheNearestSizes) {
  EXPECT_EQ(size_error(DecoderKind::MoveNetSinglePose, 193, 193),
            "x.yaml: input.width, input.height: 193x193 does not fit a movenet_singlepose model; "
            "expected multiples of 32 (the network's total stride: its feature pyramid adds or "
            "concatenates upsampled maps with maps of the same size), e.g. 192x192 or 224x224");
  std::string m = size_error(DecoderKind::MoveNetMultiPose, 770, 576);
  EXPECT_EQ(m.find("x.yaml: input.width: 770x576 does not fit a movenet_multipose model"), 0u) << m;
  EXPECT_NE(m.find("e.g. 768x576 or 800x576"), std::string::npos) << m;
  m = size_error(DecoderKind::CenterNet, 512, 500);
  EXPECT_EQ(m.find("x.yaml: input.height: 512x500 does not fit a centernet model"), 0u) << m;
  EXPECT_NE(m.find("e.g. 512x480 or 512x512"), std::string::npos) << m;
  m = size_error(DecoderKind::PoseNet, 384, 385);
  EXPECT_EQ(m.find("x.yaml: input.width: 384x385 does not fit a posenet model; expected sizes of "
                   "the form 16k+1"), 0u) << m;
  EXPECT_NE(m.find("e.g. 369x385 or 385x385"), std::string::npos) << m;
  // Below the smallest size on the grid: the smallest ones are suggested.
  m = size_error(DecoderKind::MoveNetSinglePose, 16, 16);
  EXPECT_NE(m.find("e.g. 32x32 or 64x64"), std::string::npos) << m;
}

TEST(InputSizeRules, SizesTheModelWasNotMadeForWarn) {
  // MoveNet SinglePose and CenterNet: made for the size the file was exported at.
  EXPECT_EQ(dcnn::input_size_warning(config(DecoderKind::MoveNetSinglePose, 192, 192), 192, 192), "");
  std::string w = dcnn::input_size_warning(config(DecoderKind::MoveNetSinglePose, 384, 384), 192, 192);
  EXPECT_EQ(w.find("x.yaml: input 384x384: movenet_singlepose models are made for the one size they "
                   "were exported at, 192x192 for models/m.onnx; other sizes run"), 0u) << w;
  EXPECT_NE(dcnn::input_size_warning(config(DecoderKind::CenterNet, 256, 256), 512, 512), "");
  EXPECT_EQ(dcnn::input_size_warning(config(DecoderKind::CenterNet, 256, 256), 0, 0), "")
      << "a file with a dynamic input size claims no size";
  // PoseNet: the resolutions it was published with, 161 to 801.
  EXPECT_EQ(dcnn::input_size_warning(config(DecoderKind::PoseNet, 385, 385), 385, 385), "");
  EXPECT_EQ(dcnn::input_size_warning(config(DecoderKind::PoseNet, 801, 161), 385, 385), "");
  w = dcnn::input_size_warning(config(DecoderKind::PoseNet, 17, 17), 385, 385);
  EXPECT_EQ(w.find("x.yaml: input 17x17: posenet models are made for sizes from 161 to 801 (here "
                   "the heads are 2x2 cells)"), 0u) << w;
  // MoveNet MultiPose: any multiple of 32.
  EXPECT_EQ(dcnn::input_size_warning(config(DecoderKind::MoveNetMultiPose, 256, 192), 768, 576), "");
}


// decoder.output_stride against the heads the model really has: the decoders scale cells by
// it, so a wrong one moves every box and keypoint (stride 8 on MoveNet's stride-4 heads put all
// of them at the frame's edge) with no other sign.
std::string stride_error(DecoderKind kind, int width, int height, int stride, int head_w,
                         int head_h) {
  dcnn::DeploymentConfig c = config(kind, width, height);
  c.decoder.output_stride = stride;
  try {
    dcnn::require_matching_output_stride(c, {{"center", head_h, head_w}});
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config) << e.what();
    return e.what();
  }
  return "";
}

TEST(InputSizeRules, OutputStrideMustMatchTheHeads) {
  EXPECT_EQ(stride_error(DecoderKind::MoveNetMultiPose, 768, 576, 4, 192, 144), "");
  EXPECT_EQ(stride_error(DecoderKind::CenterNet, 512, 512, 4, 128, 128), "");
  EXPECT_EQ(stride_error(DecoderKind::PoseNet, 385, 385, 16, 25, 25), "");  // corner-aligned
  EXPECT_EQ(stride_error(DecoderKind::MoveNetSinglePose, 192, 192, 8, 48, 48),
            "x.yaml: decoder.output_stride: 8 does not match the model: its head 'center' is "
            "48x48 cells for a 192x192 input, where stride 8 gives 24x24; expected "
            "output_stride: 4 (the head's stride)");
  EXPECT_NE(stride_error(DecoderKind::PoseNet, 385, 385, 8, 25, 25).find("expected output_stride: 16"),
            std::string::npos);
  EXPECT_NE(stride_error(DecoderKind::MoveNetMultiPose, 768, 576, 2, 192, 144), "");
}

// An import error at a size on the grid but too large (2^28 values in a layer) names the keys;
// one off the grid gets the size rule's message; any other is rethrown unchanged.
TEST(InputSizeRules, ImportErrorsAtTheConfiguredSizeNameTheInputKeys) {
  auto rethrown = [](const dcnn::DeploymentConfig& c, const dcnn::Error& e) -> std::string {
    try {
      dcnn::rethrow_import_error(c, e);
    } catch (const dcnn::Error& out) {
      return std::to_string(int(out.kind())) + " " + out.what();
    }
    return "";
  };
  const dcnn::Error too_large(dcnn::ErrorKind::Unsupported,
                              "m.onnx: node 'c1' (Conv): output 1088x1920x144 is larger than "
                              "2^28 values per feature map");
  const std::string big = rethrown(config(DecoderKind::MoveNetMultiPose, 3840, 2176), too_large);
  EXPECT_EQ(big, std::to_string(int(dcnn::ErrorKind::Config)) +
                     " x.yaml: input.width, input.height: 3840x2176 is too large for this model "
                     "(m.onnx: node 'c1' (Conv): output 1088x1920x144 is larger than 2^28 values "
                     "per feature map); expected a smaller input size");
  EXPECT_NE(rethrown(config(DecoderKind::MoveNetMultiPose, 3850, 2176), too_large)
                .find("x.yaml: input.width: 3850x2176 does not fit"),
            std::string::npos);
  const dcnn::Error other(dcnn::ErrorKind::Model, "m.onnx: node 'c1': weight missing");
  EXPECT_EQ(rethrown(config(DecoderKind::MoveNetMultiPose, 768, 576), other),
            std::to_string(int(dcnn::ErrorKind::Model)) + " m.onnx: node 'c1': weight missing");
}

}  // namespace
