// The Executor's split API on the CPU backend: streams stepped together (engine/exec/
// run_together.h) give the same results, bit for bit, as each stream running alone; argument
// errors; a failing stream leaves none of the others in flight; submit_frame (on-GPU
// pre-processing) is refused with a clear error. The CUDA counterpart (where frames really overlap) is in
// tests/cuda/test_cuda_executor_networks.cpp.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "engine/core/error.h"
#include "engine/exec/executor.h"
#include "engine/exec/run_together.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"
#include "tests/exec/synthetic_sequence.h"

namespace dcnn::test {
namespace {

constexpr int kStreams = 3;

SequenceOptions camera(int k) {
  SequenceOptions seq;
  seq.height = 32;
  seq.width = 48;
  seq.patches = 1 + k;
  seq.noise_sigma = k == 2 ? 1.f : 0.f;
  seq.seed = 11 + uint32_t(k);
  return seq;
}

TEST(RunTogether, EqualsEveryStreamRunningAlone) {
  DeltaSettings s = exact_settings();
  s.default_threshold = 0.02f;  // truncation on: each stream's state must stay its own
  auto model = compile_model(fpn_upsample_add(32, 48), Backend::Cpu, test_normalization());
  std::vector<std::unique_ptr<Executor>> together, alone;
  std::vector<SyntheticSequence> cameras;
  for (int k = 0; k < kStreams; ++k) {
    together.push_back(std::make_unique<Executor>(model, ExecMode::Delta, s));
    alone.push_back(std::make_unique<Executor>(model, ExecMode::Delta, s));
    cameras.emplace_back(camera(k));
  }
  std::vector<Executor*> group;
  for (auto& e : together) group.push_back(e.get());
  for (int f = 0; f < 12; ++f) {
    std::vector<std::vector<float>> frames;
    std::vector<const float*> inputs;
    for (auto& c : cameras) frames.push_back(c.next());
    for (auto& fr : frames) inputs.push_back(fr.data());
    run_together(group, inputs);
    for (int k = 0; k < kStreams; ++k) {
      alone[size_t(k)]->run(inputs[size_t(k)]);
      EXPECT_FALSE(together[size_t(k)]->in_flight());
      EXPECT_TRUE(same_heads(*together[size_t(k)], *alone[size_t(k)])) << "stream " << k << " frame " << f;
      EXPECT_EQ(together[size_t(k)]->stats().mean_active, alone[size_t(k)]->stats().mean_active)
          << "stream " << k << " frame " << f;
    }
  }
}

TEST(RunTogether, SubmitThenFinishEqualsRun) {
  auto model = compile_model(mobilenet_v2_block(32, 48), Backend::Cpu, test_normalization());
  Executor halves(model, ExecMode::Delta, exact_settings()), whole(model, ExecMode::Delta, exact_settings());
  SyntheticSequence seq(camera(1));
  for (int f = 0; f < 5; ++f) {
    const std::vector<float>& frame = seq.next();
    halves.submit(frame.data());
    halves.finish();
    halves.finish();  // nothing in flight: no effect
    whole.run(frame.data());
    EXPECT_TRUE(same_heads(halves, whole)) << "frame " << f;
    EXPECT_EQ(halves.stats().frame_index, whole.stats().frame_index);
  }
}

void expect_input_error(const std::vector<Executor*>& e, const std::vector<const float*>& f,
                        const std::string& needle) {
  try {
    run_together(e, f);
    ADD_FAILURE() << "expected an Input error containing '" << needle << "'";
  } catch (const Error& err) {
    EXPECT_EQ(err.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(err.what()).find(needle), std::string::npos) << err.what();
  }
}

TEST(RunTogether, BadArgumentsAreNamed) {
  auto model = compile_model(mobilenet_v2_block(32, 48), Backend::Cpu, test_normalization());
  Executor a(model, ExecMode::Delta, exact_settings()), b(model, ExecMode::Delta, exact_settings());
  SyntheticSequence seq(camera(0));
  const float* frame = seq.next().data();
  expect_input_error({&a, &b}, {frame}, "2 executors but 1 frames");
  expect_input_error({&a, &a}, {frame, frame}, "executor 1 appears twice");
  expect_input_error({&a, nullptr}, {frame, frame}, "executor 1 is null");
  // A null frame fails that stream; the stream before it has finished its frame.
  expect_input_error({&a, &b}, {frame, nullptr}, "input is null");
  EXPECT_FALSE(a.in_flight());
  EXPECT_EQ(a.stats().frame_index, 0);
}

TEST(RunTogether, SubmitFrameIsRefusedOnTheCpu) {
  auto model = compile_model(mobilenet_v2_block(32, 48), Backend::Cpu, test_normalization());
  Executor e(model, ExecMode::Delta, exact_settings());
  EXPECT_FALSE(e.takes_frames());
  std::vector<uint8_t> pixels(32 * 48 * 3, 7);
  ImageView view;
  view.width = 48;
  view.height = 32;
  view.planes[0] = pixels.data();
  view.strides[0] = 48 * 3;
  FramePlacement placement;
  placement.width = placement.content_w = 48;
  placement.height = placement.content_h = 32;
  try {
    e.submit_frame(view, placement);
    ADD_FAILURE() << "expected an Unsupported error";
  } catch (const Error& err) {
    EXPECT_EQ(err.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(err.what()).find("backend 'cpu' pre-processes frames on the host"), std::string::npos)
        << err.what();
  }
}

}  // namespace
}  // namespace dcnn::test
