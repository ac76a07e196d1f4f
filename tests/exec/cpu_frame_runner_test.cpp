// The model's CPU runner threads (engine/exec/cpu_frame_runner.h): at most `runners` frames at
// once, on threads other than the caller's, exceptions carried back, one workspace reused by
// frames that take turns; and streams of one model that share a runner's workspace give, bit for
// bit, what streams on models of their own give, while the workspace is held once, not per stream.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/core/error.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/cpu_frame_runner.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"
#include "tests/exec/synthetic_sequence.h"

namespace dcnn::test {
namespace {

TEST(CpuFrameRunner, RunsAtMostRunnersFramesAtOnceOffTheCallersThread) {
  CpuFrameRunner runner(2);
  std::atomic<int> running{0}, most{0}, on_caller{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 5; ++c)
    callers.emplace_back([&] {
      const auto caller = std::this_thread::get_id();
      for (int f = 0; f < 4; ++f)
        runner.run([&](CpuWorkspace&) {
          if (std::this_thread::get_id() == caller) ++on_caller;
          const int now = ++running;
          int seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          --running;
        });
    });
  for (auto& t : callers) t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
  EXPECT_EQ(on_caller.load(), 0);
}

TEST(CpuFrameRunner, CarriesTheFramesExceptionBackAndKeepsServing) {
  CpuFrameRunner runner(1);
  EXPECT_THROW(runner.run([](CpuWorkspace&) { throw Error(ErrorKind::Input, "bad frame"); }), Error);
  EXPECT_THROW(runner.run([](CpuWorkspace&) { throw std::runtime_error("other"); }), std::runtime_error);
  int ran = 0;
  runner.run([&](CpuWorkspace&) { ++ran; });
  EXPECT_EQ(ran, 1);
}

TEST(CpuFrameRunner, FramesThatTakeTurnsShareOneWorkspace) {
  CpuFrameRunner runner(4);
  float* first = nullptr;
  float* second = nullptr;
  runner.run([&](CpuWorkspace& ws) { first = ws.at_least(1000); });
  runner.run([&](CpuWorkspace& ws) { second = ws.at_least(500); });  // smaller: no new storage
  EXPECT_EQ(first, second);
  EXPECT_EQ(runner.workspace_bytes(), 1000 * sizeof(float));
  EXPECT_EQ(runner.largest_workspace_bytes(), 1000 * sizeof(float));
}

// Two recompute delta streams with the busy-scene rule (their busy frames run in the workspace's
// arena, their recompute frames use it as scratch) and a dense stream (its whole pass runs in the
// arena), interleaved frame by frame on one model: each must equal the same stream on a model of
// its own, so no frame depends on what another stream's frame left in the workspace.
TEST(CpuFrameRunner, StreamsOfOneModelShareTheWorkspaceAndStayExact) {
  const ir::Graph graph = mobilenet_v2_block(32, 48);
  DeltaSettings s = exact_settings();
  s.form = DeltaForm::Recompute;
  s.default_threshold = 0.02f;
  s.keyframe_break_even = 0.3f;  // the scene cut and the shaking make busy runs
  auto shared = compile_model(graph, Backend::Cpu, test_normalization());
  struct Stream {
    std::unique_ptr<Executor> on_shared, alone;
    std::shared_ptr<const CompiledModel> own_model;
    std::unique_ptr<SyntheticSequence> camera;
  };
  std::vector<Stream> streams;
  for (int k = 0; k < 3; ++k) {
    const ExecMode mode = k == 2 ? ExecMode::Dense : ExecMode::Delta;
    Stream st;
    st.own_model = compile_model(graph, Backend::Cpu, test_normalization());
    st.on_shared = std::make_unique<Executor>(shared, mode, s);
    st.alone = std::make_unique<Executor>(st.own_model, mode, s);
    SequenceOptions seq;
    seq.height = 32;
    seq.width = 48;
    seq.patches = 1 + k;
    seq.scene_cut_frame = 9 + 4 * k;
    seq.shake_period = 5 + k;
    seq.seed = 21 + uint32_t(k);
    st.camera = std::make_unique<SyntheticSequence>(seq);
    streams.push_back(std::move(st));
  }
  int busy_frames = 0;
  for (int f = 0; f < 24; ++f)
    for (size_t k = 0; k < streams.size(); ++k) {
      const std::vector<float>& frame = streams[k].camera->next();
      streams[k].on_shared->run(frame.data());
      streams[k].alone->run(frame.data());
      ASSERT_TRUE(same_heads(*streams[k].on_shared, *streams[k].alone)) << "stream " << k << " frame " << f;
      if (k < 2 && f > 0 && streams[k].on_shared->stats().keyframe) ++busy_frames;
    }
  EXPECT_GT(busy_frames, 2) << "the sequences should make busy (arena) frames";
  size_t largest_need = 0;
  for (const Stream& st : streams) {
    EXPECT_LT(st.on_shared->persistent_bytes(), st.on_shared->activation_bytes());
    largest_need = std::max(largest_need, st.on_shared->activation_bytes() - st.on_shared->persistent_bytes());
  }
  // One workspace for the three streams (frames from one thread take turns on runner 0).
  EXPECT_EQ(shared->cpu_runner()->workspace_bytes(), largest_need);
}

}  // namespace
}  // namespace dcnn::test
