// The Model/Stream facade on a real shipped model (PoseNet: the smallest): backend choice,
// decoder/head mismatch, stats, ids, geometry changes and bad input.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <filesystem>
#include <vector>

#include "engine/api/deltacnn.h"
#include "engine/core/error.h"
#include "tests/common/address_space_limit.h"
#include "tests/common/onnx_builder.h"
#include "kernels/cpu/gather_gemm_bf16.h"

namespace fs = std::filesystem;

namespace {

fs::path source_root() {
  const char* root = std::getenv("DELTACNN_SOURCE_ROOT");
  return root ? fs::path(root) : fs::path(".");
}

// configs/<name>.yaml into cfg; false (after a failure) when its model is not fetched.
bool load_shipped(const std::string& name, dcnn::DeploymentConfig& cfg) {
  const fs::path onnx = source_root() / "models" / (name + ".onnx");
  if (!fs::exists(onnx)) {
    ADD_FAILURE() << onnx << " is missing: run ./scripts/setup.sh";
    return false;
  }
  cfg = dcnn::load_config((source_root() / "configs" / (name + ".yaml")).string());
  return true;
}

bool load_posenet(dcnn::DeploymentConfig& cfg) { return load_shipped("posenet", cfg); }

// A flat grey frame with a bright square: deterministic and cheap.
struct GreyFrame {
  std::vector<uint8_t> pixels;
  dcnn::ImageView view;
  GreyFrame(int w, int h, int square_x) : pixels(size_t(w) * h * 3, 90) {
    for (int y = h / 4; y < h / 2; ++y)
      for (int x = square_x; x < std::min(w, square_x + w / 5); ++x)
        for (int c = 0; c < 3; ++c) pixels[(size_t(y) * w + x) * 3 + c] = 220;
    view.format = dcnn::PixelFormat::RGB;
    view.width = w;
    view.height = h;
    view.planes[0] = pixels.data();
    view.strides[0] = w * 3;
  }
};

TEST(StreamApi, CudaRequestWithoutAGpuIsADeviceError) {
  std::string why;
  if (dcnn::cuda_available(&why)) GTEST_SKIP() << "a GPU is present: nothing to refuse";
  EXPECT_FALSE(why.empty());
#if !DELTACNN_CUDA_ENABLED
  EXPECT_NE(why.find("no CUDA backend"), std::string::npos) << why;
#endif
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  try {
    dcnn::Model::load(cfg, {dcnn::BackendChoice::Cuda, 0, std::nullopt});
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Device);
    EXPECT_NE(std::string(e.what()).find("backend 'cuda' was requested but"), std::string::npos) << e.what();
  }
  // Auto falls back to the CPU.
  EXPECT_EQ(dcnn::Model::load(cfg, {dcnn::BackendChoice::Auto, 0, std::nullopt})->backend(), dcnn::Backend::Cpu);
}

// fp16 is CUDA storage: an explicit CPU backend refuses it with the setting named; auto on a
// machine without a GPU runs the CPU backend in fp32 rather than failing at 3 a.m.
TEST(StreamApi, Fp16PrecisionOnTheCpu) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  dcnn::ModelOptions cpu{dcnn::BackendChoice::Cpu, 0, dcnn::Precision::F16};
  try {
    dcnn::Model::load(cfg, cpu);
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("precision 'fp16' needs backend 'cuda'"), std::string::npos) << e.what();
  }
  if (dcnn::cuda_available()) return;  // auto would pick the GPU
  const auto model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Auto, 0, dcnn::Precision::F16});
  EXPECT_EQ(model->backend(), dcnn::Backend::Cpu);
  EXPECT_EQ(model->precision(), dcnn::Precision::F32);
}

// bf16 is the CPU's: from the YAML (model.precision) or asked for, a CPU with AVX-512 BF16
// compiles it, one without runs fp32 and says so; asked for on CUDA it is a Config error.
TEST(StreamApi, Bf16PrecisionFromTheYamlOrTheOptions) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  cfg.precision = dcnn::Precision::BF16;
  const auto from_yaml = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
  const dcnn::Precision expected = dcnn::cpu::cpu_has_bf16() ? dcnn::Precision::BF16 : dcnn::Precision::F32;
  EXPECT_EQ(from_yaml->precision(), expected);
  bool said = false;
  for (const std::string& w : from_yaml->warnings()) said = said || w.find("bf16 runs as fp32") != std::string::npos;
  EXPECT_EQ(said, !dcnn::cpu::cpu_has_bf16());
  // The options override the YAML.
  EXPECT_EQ(dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, dcnn::Precision::F32})->precision(),
            dcnn::Precision::F32);
  if (!dcnn::cuda_available()) return;
  try {
    dcnn::Model::load(cfg, {dcnn::BackendChoice::Cuda, 0, dcnn::Precision::BF16});
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("precision 'bf16' is the CPU backend's"), std::string::npos) << e.what();
  }
}

// The executor checks layer_thresholds against the graph; like every error of a deployment
// file, the message names the YAML as well as the key and the model.
TEST(StreamApi, UnknownLayerThresholdNamesTheYamlTheKeyAndTheModel) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  ASSERT_FALSE(cfg.source.empty());
  cfg.delta.layer_thresholds["no/such/node"] = 0.1f;
  const auto model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
  try {
    dcnn::Stream stream(model, dcnn::StreamOptions::from(cfg));
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config);
    const std::string m = e.what();
    EXPECT_EQ(m.rfind(cfg.source + ": delta.layer_thresholds.no/such/node", 0), 0u) << m;
    EXPECT_NE(m.find("has no node named 'no/such/node'"), std::string::npos) << m;
  }
}

TEST(StreamApi, WrongDecoderForTheModelNamesTheMissingHead) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  cfg.decoder.kind = dcnn::DecoderKind::CenterNet;
  try {
    dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Model);
    const std::string m = e.what();
    EXPECT_NE(m.find("no output 'keypoints'"), std::string::npos) << m;
    EXPECT_NE(m.find("heatmap"), std::string::npos) << m;  // lists what the model has
  }
}

// An input size the graph was not made for used to load silently and return nothing.
TEST(StreamApi, InputSizesOffTheModelsGridAreConfigErrors) {
  dcnn::DeploymentConfig cfg;
  if (!load_shipped("movenet-lightning", cfg)) return;
  // 193 imports (the convs floor it to 192) and would decode 48 head cells as 193 px; 200 fails
  // inside the graph (an FPN Add of 24x24 and 25x25): both now say what the model takes.
  for (int size : {193, 200}) {
    cfg.input.width = cfg.input.height = size;
    try {
      dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
      ADD_FAILURE() << size << ": no error";
    } catch (const dcnn::Error& e) {
      EXPECT_EQ(e.kind(), dcnn::ErrorKind::Config) << e.what();
      const std::string expected = "movenet-lightning.yaml: input.width, input.height: " +
                                   std::to_string(size) + "x" + std::to_string(size) +
                                   " does not fit a movenet_singlepose model; expected multiples of 32";
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

TEST(StreamApi, InputSizesTheModelWasNotMadeForLoadWithAWarning) {
  dcnn::DeploymentConfig cfg;
  if (!load_shipped("movenet-lightning", cfg)) return;
  EXPECT_TRUE(dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt})->warnings().empty());
  cfg.input.width = cfg.input.height = 384;
  auto model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
  ASSERT_EQ(model->warnings().size(), 1u);
  EXPECT_NE(model->warnings()[0].find("input 384x384: movenet_singlepose models are made for the one "
                                      "size they were exported at, 192x192"),
            std::string::npos) << model->warnings()[0];

  if (!load_posenet(cfg)) return;
  cfg.input.width = cfg.input.height = 17;
  model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
  ASSERT_EQ(model->warnings().size(), 1u);
  EXPECT_NE(model->warnings()[0].find("input 17x17: posenet models are made for sizes from 161 to 801"),
            std::string::npos) << model->warnings()[0];
}

// model.onnx pointing at a file that is not ONNX (a script, a TF.js JSON): the error names the
// deployment's YAML, the file and what is expected, not only the protobuf's complaint.
TEST(StreamApi, AModelFileThatIsNotOnnxNamesTheYamlAndTheFile) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  const fs::path script = fs::temp_directory_path() / ("not-onnx-" + std::to_string(::getpid()) + ".sh");
  {
    std::ofstream out(script);
    out << "#!/bin/sh\necho this is not a model\n";
  }
  cfg.model_path = script.string();
  try {
    dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
    ADD_FAILURE() << "a shell script loaded as a model";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Model);
    EXPECT_EQ(std::string(e.what()),
              cfg.source + " (model 'posenet'): " + script.string() +
                  ": not a valid ONNX model (corrupt or truncated protobuf, 35 bytes); expected an ONNX "
                  "model file (tools/tfjs2onnx.py converts TF.js models)");
  }
  fs::remove(script);
}

// A model whose input is not three channels (a grey-scale or an RGBA export): refused at load,
// naming the YAML, the file and the input (before: "model input has shape 64x64x1; expected
// HxWx3", from the executor, with neither).
TEST(StreamApi, AModelWhoseInputIsNotThreeChannelsNamesTheFileAndTheInput) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  for (int channels : {1, 4}) {
    dcnn::test::OnnxBuilder b;
    b.input("gray", {1, channels, 32, 32});
    b.initializer("w", {2, channels, 1, 1}, std::vector<float>(size_t(2 * channels), 0.5f));
    b.node("Conv", {"gray", "w"}, {"y"}, "conv");
    b.output("y");
    cfg.model_path = b.save_temp("input-channels");
    try {
      dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
      ADD_FAILURE() << channels << " input channels loaded";
    } catch (const dcnn::Error& e) {
      EXPECT_EQ(e.kind(), dcnn::ErrorKind::Unsupported);
      const std::string expected = cfg.source + " (model 'posenet'): " + cfg.model_path + ": input 'gray' has " +
                                   std::to_string(channels) + (channels == 1 ? " channel" : " channels") + "; expected 3";
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
    std::remove(cfg.model_path.c_str());
  }
}

// A process short of memory loading a model hears which model, at which step and how much was
// left, not a bare std::bad_alloc (a reload under memory pressure posts this as its warning).
// In a child process, under an address-space limit a little above what it uses.
TEST(StreamApi, OutOfMemoryWhileLoadingNamesTheModel) {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's own bookkeeping maps memory as the program allocates, and under the
  // address-space limit it fails first ("failed to allocate ... InternalMmapVector") and ends the
  // process before std::bad_alloc can be thrown.
  GTEST_SKIP() << "an address-space limit cannot be tested under AddressSanitizer";
#endif
  dcnn::DeploymentConfig cfg;
  if (!load_shipped("movenet-multipose", cfg)) return;
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // 4 MB runs out while importing (the ONNX file alone is larger), 48 MB importing or compiling.
  for (const auto& [headroom_mb, step] : {std::pair<size_t, const char*>{4, "importing"}, {48, "(importing|compiling)"}}) {
    SCOPED_TRACE(std::to_string(headroom_mb) + " MB above VmSize");
    EXPECT_EXIT(
        {
          if (!dcnn::test::limit_address_space(headroom_mb << 20)) std::exit(3);
          try {
            dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
          } catch (const dcnn::Error& e) {
            std::fprintf(stderr, "%s\n", e.what());
            std::exit(e.kind() == dcnn::ErrorKind::Memory ? 0 : 1);
          } catch (const std::exception& e) {
            std::fprintf(stderr, "not a dcnn::Error: %s\n", e.what());
            std::exit(2);
          }
          std::exit(4);  // loaded under the limit: the headroom is too large for this test
        },
        ::testing::ExitedWithCode(0),
        std::string("model 'movenet-multipose' \\(.*movenet-multipose.onnx\\) at 768x576: out of memory while ") +
            step + " it \\([0-9]+ MB more may be taken, RLIMIT_AS\\)");
  }
}

TEST(StreamApi, ProcessFillsStatsIdsAndResetsOnGeometryChange) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  const auto model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
  EXPECT_EQ(model->info().name, cfg.name);
  EXPECT_EQ(model->info().task, dcnn::Task::Pose);
  EXPECT_EQ(model->info().keypoint_names.size(), 17u);
  EXPECT_EQ(model->info().heads.size(), 4u);
  EXPECT_EQ(model->info().input_width, cfg.input.width);

  dcnn::StreamOptions opts = dcnn::StreamOptions::from(cfg);
  EXPECT_EQ(opts.mode, dcnn::ExecMode::Delta);
  EXPECT_FLOAT_EQ(opts.delta.input_threshold, cfg.delta.input_threshold);
  EXPECT_EQ(opts.delta.keyframe_interval, cfg.delta.keyframe_interval);
  dcnn::Stream stream(model, opts);

  GreyFrame a(200, 150, 40), b(200, 150, 44);
  dcnn::FrameResult r = stream.process(a.view);
  EXPECT_TRUE(r.stats.keyframe);
  EXPECT_EQ(r.stats.frame_index, 0);
  EXPECT_EQ(r.stats.backend, "cpu");
  EXPECT_EQ(r.stats.mode, "delta");
  EXPECT_GT(r.stats.preprocess_ms, 0.0);
  EXPECT_GT(r.stats.infer_ms, 0.0);
  EXPECT_FALSE(r.stats.layers.empty());
  for (const auto& o : r.objects) {
    EXPECT_GE(o.id, 0);
    EXPECT_GE(o.x_min, 0.f);
    EXPECT_LE(o.x_max, 200.f);
  }
  const auto heads = stream.heads();
  ASSERT_EQ(heads.size(), 4u);
  EXPECT_NE(heads[0].data, nullptr);

  r = stream.process(b.view);
  EXPECT_FALSE(r.stats.keyframe);
  EXPECT_EQ(r.stats.frame_index, 1);
  EXPECT_LT(r.stats.input_active, 0.5f);  // only the square's edges moved

  // A new frame size resets the stream: dense again, frame index from 0.
  GreyFrame c(160, 160, 40);
  r = stream.process(c.view);
  EXPECT_TRUE(r.stats.keyframe);
  EXPECT_EQ(r.stats.frame_index, 0);

  stream.set_mode(dcnn::ExecMode::Dense);
  r = stream.process(c.view);
  EXPECT_EQ(r.stats.mode, "dense");
  EXPECT_TRUE(r.stats.keyframe);

  // A score threshold above every pose empties the result.
  stream.set_score_threshold(1.f);
  EXPECT_TRUE(stream.process(c.view).objects.empty());
}

// A mask with fill: blank hides its region from the network in every pass: a square moving
// inside it changes nothing (dense heads equal the frame without the square; delta frames find
// no change at all). fill: last only keeps the region out of the delta change test: a dense
// pass sees the square.
TEST(StreamApi, BlankMasksHideTheirRegionInEveryPass) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  const auto model = dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt});
  auto heads_of = [&](dcnn::ExecMode mode, dcnn::zones::MaskFill fill, const dcnn::ImageView& frame) {
    dcnn::StreamOptions opts = dcnn::StreamOptions::from(cfg);
    opts.mode = mode;
    dcnn::zones::MaskSettings mask;
    mask.polygon = {{20, 20}, {130, 20}, {130, 100}, {20, 100}};  // the square's every position
    mask.fill = fill;
    opts.zones.masks.push_back(mask);
    dcnn::Stream stream(model, opts);
    stream.process(frame);
    std::vector<float> out;
    for (const auto& h : stream.heads()) out.insert(out.end(), h.data, h.data + h.shape.size());
    return out;
  };
  GreyFrame square(200, 150, 40), moved(200, 150, 60), empty(200, 150, 400);  // x 400: off the frame
  using dcnn::zones::MaskFill;
  EXPECT_EQ(heads_of(dcnn::ExecMode::Dense, MaskFill::Blank, square.view),
            heads_of(dcnn::ExecMode::Dense, MaskFill::Blank, empty.view));
  EXPECT_NE(heads_of(dcnn::ExecMode::Dense, MaskFill::Last, square.view),
            heads_of(dcnn::ExecMode::Dense, MaskFill::Last, empty.view));

  dcnn::StreamOptions opts = dcnn::StreamOptions::from(cfg);
  dcnn::zones::MaskSettings mask;
  mask.polygon = {{20, 20}, {130, 20}, {130, 100}, {20, 100}};
  opts.zones.masks.push_back(mask);  // fill: blank is the default
  dcnn::Stream stream(model, opts);
  stream.process(square.view);
  const dcnn::FrameResult r = stream.process(moved.view);
  EXPECT_FALSE(r.stats.keyframe);
  EXPECT_EQ(r.stats.input_active, 0.f);
  EXPECT_GT(r.stats.input_masked, 0.2f);
}

TEST(StreamApi, BadInputIsRejected) {
  dcnn::DeploymentConfig cfg;
  if (!load_posenet(cfg)) return;
  dcnn::Stream stream(dcnn::Model::load(cfg, {dcnn::BackendChoice::Cpu, 0, std::nullopt}), dcnn::StreamOptions::from(cfg));
  GreyFrame a(64, 48, 4);
  a.view.strides[0] = 10;
  EXPECT_THROW(stream.process(a.view), dcnn::Error);
  EXPECT_THROW(stream.process_input(nullptr, 64, 48), dcnn::Error);
  std::vector<float> input(size_t(cfg.input.width) * cfg.input.height * 3, 0.f);
  EXPECT_THROW(stream.process_input(input.data(), 0, 48), dcnn::Error);
  EXPECT_THROW(stream.set_keyframe_interval(-1), dcnn::Error);
  EXPECT_THROW(stream.set_threshold_scale(-0.5f), dcnn::Error);
  EXPECT_NO_THROW(stream.process_input(input.data(), 64, 48));
}

}  // namespace
