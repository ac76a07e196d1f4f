// The shipped models (models/*.onnx, fetched by ./scripts/setup.sh or carried by the GPU
// bundle) on the CUDA executor against the CPU executor, on synthetic frames at each model's
// input size: dense heads equal (<= 1e-4 x scale), delta heads with every threshold 0 equal the
// dense heads, and with the shipped thresholds the CUDA error stays bounded like the CPU's.
// A model that is absent is skipped with a message; without a GPU every test skips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/exec/executor.h"
#include "engine/ir/onnx_import.h"
#include "engine/ir/passes.h"
#include "engine/ir/shape_inference.h"
#include "tests/common/test_paths.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/cuda/executor_compare.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/synthetic_sequence.h"

namespace dcnn::test {
namespace {

using dcnn::cuda::test::CudaTest;

struct ModelCase {
  const char* file;
  int width, height;  // the configs' sizes (CenterNet at 256 to keep the CPU side quick)
  float mean, std;    // configs/*.yaml normalisation
};

const ModelCase kPoseNet{"models/posenet.onnx", 385, 385, 127.5f, 127.5f};
const ModelCase kLightning{"models/movenet-lightning.onnx", 192, 192, 0.f, 1.f};
const ModelCase kMultiPose{"models/movenet-multipose.onnx", 256, 192, 0.f, 1.f};
const ModelCase kCenterNet{"models/centernet.onnx", 256, 256, 0.f, 1.f};

class CudaModelTest : public CudaTest {
 protected:
  // Loads the model or skips the test with the reason.
  bool load(const ModelCase& m, ir::Graph* g) {
    const std::string path = source_path(m.file);
    if (!file_exists(path)) return false;
    ir::ImportOptions o;
    o.input_width = m.width;
    o.input_height = m.height;
    *g = ir::import_onnx(path, o);
    ir::run_default_passes(*g);
    ir::infer_shapes(*g);
    return true;
  }

  static InputNormalization normalization(const ModelCase& m) {
    InputNormalization norm;
    for (int c = 0; c < 3; ++c) {
      norm.mean[c] = m.mean;
      norm.std[c] = m.std;
    }
    return norm;
  }

  // Moving patches with sensor noise at the model's input size.
  static SequenceOptions sequence(const ModelCase& m) {
    SequenceOptions so;
    so.width = m.width;
    so.height = m.height;
    so.patches = 3;
    so.patch_size = m.width / 12;
    so.noise_sigma = 1.f;
    return so;
  }

  void compare(const ModelCase& m, int frames) {
    ir::Graph g;
    if (!load(m, &g)) GTEST_SKIP() << missing_asset_message(source_path(m.file));
    const InputNormalization norm = normalization(m);
    auto cpu = compile_model(g, Backend::Cpu, norm);
    auto gpu = compile_model(g, Backend::Cuda, norm);
    const SequenceOptions so = sequence(m);

    // Every threshold 0: CUDA dense == CPU dense, CUDA delta == CPU dense.
    {
      const DeltaSettings s = exact_settings(0.4f);
      Executor cd(cpu, ExecMode::Dense, s), gd(gpu, ExecMode::Dense, s), gx(gpu, ExecMode::Delta, s);
      SyntheticSequence seq(so);
      float dense_gap = 0.f, delta_gap = 0.f;
      run_side_by_side({&cd, &gd, &gx}, frames, [&]() -> const std::vector<float>& { return seq.next(); },
                       [&](int) {
                         dense_gap = std::max(dense_gap, head_difference(gd, cd, cd));
                         delta_gap = std::max(delta_gap, head_difference(gx, cd, cd));
                       });
      std::printf("%s eps 0: CUDA dense vs CPU %.2e, CUDA delta vs CPU dense %.2e\n", m.file,
                  dense_gap, delta_gap);
      EXPECT_LE(dense_gap, 1e-4f) << m.file;
      EXPECT_LE(delta_gap, 1e-4f) << m.file;
    }
    // Shipped-like thresholds: bounded like the CPU backend.
    {
      DeltaSettings s;
      s.input_threshold = 10.f;
      s.default_threshold = 0.05f;
      Executor cd(cpu, ExecMode::Dense, s), cx(cpu, ExecMode::Delta, s);
      Executor gd(gpu, ExecMode::Dense, s), gx(gpu, ExecMode::Delta, s);
      SyntheticSequence seq(so);
      float cpu_err = 0.f, gpu_err = 0.f;
      run_side_by_side({&cd, &cx, &gd, &gx}, frames,
                       [&]() -> const std::vector<float>& { return seq.next(); }, [&](int f) {
                         cpu_err = std::max(cpu_err, head_difference(cx, cd, cd));
                         gpu_err = std::max(gpu_err, head_difference(gx, gd, gd));
                         EXPECT_FLOAT_EQ(gx.stats().input_active, cx.stats().input_active) << "frame " << f;
                       });
      std::printf("%s eps 0.05: max rel error CPU %.4f CUDA %.4f, last mean active CPU %.3f CUDA %.3f\n",
                  m.file, cpu_err, gpu_err, cx.stats().mean_active, gx.stats().mean_active);
      EXPECT_LE(gpu_err, 2.f * cpu_err + 1e-3f) << m.file;
    }
  }

  // fp16 storage: dense and delta (every threshold 0) within 1e-2 x scale of the CPU's fp32 dense.
  void compare_fp16(const ModelCase& m, int frames) {
    ir::Graph g;
    if (!load(m, &g)) GTEST_SKIP() << missing_asset_message(source_path(m.file));
    const InputNormalization norm = normalization(m);
    auto cpu = compile_model(g, Backend::Cpu, norm);
    auto half = compile_model(g, Backend::Cuda, norm, 0, Precision::F16);
    const SequenceOptions so = sequence(m);
    const DeltaSettings s = exact_settings(0.4f);
    Executor cd(cpu, ExecMode::Dense, s), hd(half, ExecMode::Dense, s), hx(half, ExecMode::Delta, s);
    SyntheticSequence seq(so);
    float dense_gap = 0.f, delta_gap = 0.f;
    run_side_by_side({&cd, &hd, &hx}, frames, [&]() -> const std::vector<float>& { return seq.next(); },
                     [&](int) {
                       dense_gap = std::max(dense_gap, head_difference(hd, cd, cd));
                       delta_gap = std::max(delta_gap, head_difference(hx, cd, cd));
                     });
    std::printf("%s fp16: dense vs CPU fp32 %.2e, delta (eps 0) vs CPU fp32 %.2e\n", m.file,
                dense_gap, delta_gap);
    EXPECT_LE(dense_gap, 1e-2f) << m.file;
    EXPECT_LE(delta_gap, 1e-2f) << m.file;
  }
};

TEST_F(CudaModelTest, PoseNetCpuVsCuda) { compare(kPoseNet, 8); }
TEST_F(CudaModelTest, MoveNetLightningCpuVsCuda) { compare(kLightning, 8); }
TEST_F(CudaModelTest, MoveNetMultiPoseCpuVsCuda) { compare(kMultiPose, 8); }
TEST_F(CudaModelTest, CenterNetCpuVsCuda) { compare(kCenterNet, 6); }
TEST_F(CudaModelTest, MoveNetMultiPoseFp16) { compare_fp16(kMultiPose, 8); }
TEST_F(CudaModelTest, CenterNetFp16) { compare_fp16(kCenterNet, 6); }

}  // namespace
}  // namespace dcnn::test
