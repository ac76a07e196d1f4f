// Out of memory is a clear error, not a std::bad_alloc from a kernel library (or a hang in
// OpenBLAS's allocator): a stream whose buffers exceed what the process may take is refused
// before anything is allocated, naming the model, input size, mode and both amounts.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/aligned_buffer.h"
#include "engine/core/error.h"
#include "engine/core/memory_budget.h"
#include "engine/exec/compiled_model.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

// A "Key:   123 kB" line of /proc/self/status (VmSize, VmRSS), in bytes; 0 if absent.
size_t status_bytes(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return size_t(std::stoull(line.substr(key.size()))) * 1024;
  return 0;
}

// Pages of [data, data + bytes) the process holds in memory.
size_t resident_pages(const void* data, size_t bytes) {
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(data) / page * page;
  const size_t pages = (reinterpret_cast<uintptr_t>(data) + bytes - begin + page - 1) / page;
  std::vector<unsigned char> in_core(pages);
  if (mincore(reinterpret_cast<void*>(begin), pages * page, in_core.data()) != 0) return size_t(-1);
  size_t n = 0;
  for (unsigned char c : in_core) n += c & 1;
  return n;
}

TEST(AlignedBuffer, ALargeBufferIsZeroAndHoldsNoMemoryUntilWritten) {
  AlignedBuffer<float> b(size_t{16} << 20);  // 64 MiB
  ASSERT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 64, 0u);
  EXPECT_EQ(resident_pages(b.data(), b.size() * sizeof(float)), 0u);
  b[12345] = 1.f;
  EXPECT_EQ(resident_pages(b.data(), b.size() * sizeof(float)), 1u);
  for (size_t i = 0; i < b.size(); i += 4096) ASSERT_EQ(b[i], 0.f) << i;
}

TEST(AlignedBuffer, ResizeZeroedZeroesABufferItKeepsAndAFreshOne) {
  for (size_t n : {size_t{1000}, size_t{1} << 20}) {  // from the heap, and mapped
    AlignedBuffer<float> b(n);
    for (size_t i = 0; i < n; ++i) b[i] = float(i + 1);
    b.resize_zeroed(n);  // same size: kept and zeroed
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(b[i], 0.f) << n << " " << i;
    b[n - 1] = 7.f;
    b.resize_zeroed(n + 1);  // new size: a fresh buffer
    for (size_t i = 0; i < n + 1; ++i) ASSERT_EQ(b[i], 0.f) << n << " " << i;
    ASSERT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 64, 0u);
  }
}

TEST(AlignedBuffer, MovesBetweenMappedAndHeapBuffersFreeEachOnce) {
  AlignedBuffer<uint8_t> small(100), large(size_t{4} << 20);
  large[10] = 5;
  small = std::move(large);  // frees the heap block, takes the mapping
  EXPECT_EQ(small.size(), size_t{4} << 20);
  EXPECT_EQ(small[10], 5);
  EXPECT_EQ(large.data(), nullptr);
  AlignedBuffer<uint8_t> other(std::move(small));
  other = AlignedBuffer<uint8_t>(64);  // unmaps, takes a heap block
  EXPECT_EQ(other.size(), 64u);
}

// A stream that has not run a frame holds none of its delta state: a camera that cannot be
// reached, or a pipeline waiting in PAUSED, costs the model and not a stream's maps.
TEST(MemoryBudget, AStreamHoldsItsStateOnlyOnceItRunsFrames) {
  // A MobileNetV2 block at 512x512: its delta maps take about 30 MB.
  auto model = compile_model(mobilenet_v2_block(512, 512), Backend::Cpu, test_normalization());
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  const size_t before = status_bytes("VmRSS:");
  Executor e(model, ExecMode::Delta, settings);
  const size_t constructed = status_bytes("VmRSS:");
  std::vector<float> input(size_t(512) * 512 * 3, 0.25f);
  e.run(input.data());
  const size_t ran = status_bytes("VmRSS:");
  EXPECT_LT(constructed, before + (size_t{4} << 20)) << "constructing took " << (constructed - before) / 1024 << " KiB";
  EXPECT_GT(ran, constructed + (size_t{16} << 20)) << "the first (dense) frame writes the maps";
}

// Streams built but not yet run hold no resident memory, so each counts against the next one's
// budget until its first frame: cameras started together are checked against what they will
// all take, not each against the same headroom.
TEST(MemoryBudget, StreamsNotYetRunCountAgainstTheNextOnesBudget) {
  auto model = compile_model(mobilenet_v2_block(256, 256), Backend::Cpu, test_normalization());
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  const size_t before = PendingStreamBytes::total();
  {
    Executor e(model, ExecMode::Delta, settings);
    const size_t pending = PendingStreamBytes::total() - before;
    EXPECT_GT(pending, size_t{4} << 20) << "the stream's maps are promised";
    std::vector<float> input(size_t(256) * 256 * 3, 0.5f);
    e.run(input.data());
    EXPECT_EQ(PendingStreamBytes::total(), before) << "written by the first frame";
  }
  {
    Executor unrun(model, ExecMode::Delta, settings);
  }
  EXPECT_EQ(PendingStreamBytes::total(), before) << "a stream that never ran gives its promise back";

  // Promised to other streams: more than any machine has, so the next stream is refused.
  PendingStreamBytes others(size_t{1} << 60);
  try {
    Executor e(model, ExecMode::Delta, settings);
    ADD_FAILURE() << "a stream was allowed memory promised to others";
  } catch (const Error& err) {
    EXPECT_EQ(err.kind(), ErrorKind::Memory);
    EXPECT_NE(std::string(err.what()).find("less what streams built here will take"), std::string::npos)
        << err.what();
  }
  others.release();
  EXPECT_NO_THROW(Executor(model, ExecMode::Delta, settings));
}

// A dense stream switched to delta (the element's mode property while playing) when the delta
// state does not fit: a Memory error, and the stream goes on dense with its results unchanged.
TEST(MemoryBudget, AModeChangeThatDoesNotFitLeavesTheStreamAsItWas) {
  auto model = compile_model(mobilenet_v2_block(128, 128), Backend::Cpu, test_normalization());
  DeltaSettings settings = exact_settings();
  settings.form = DeltaForm::Recompute;
  Executor dense(model, ExecMode::Dense, settings);
  Executor reference(model, ExecMode::Dense, settings);
  const Shape out = dense.output_shape(0);
  auto input = [](int shift) {
    std::vector<float> v(size_t(128) * 128 * 3);
    for (size_t i = 0; i < v.size(); ++i) v[i] = float((i * 7 + size_t(shift) * 13) % 255);
    return v;
  };
  auto same_outputs = [&] {
    for (size_t i = 0; i < size_t(out.size()); ++i)
      if (dense.output(0)[i] != reference.output(0)[i]) return false;
    return true;
  };
  dense.run(input(0).data());
  {
    PendingStreamBytes others(size_t{1} << 60);  // promised elsewhere: nothing is left
    try {
      dense.set_mode(ExecMode::Delta);
      ADD_FAILURE() << "the delta state was allowed memory promised to others";
    } catch (const Error& err) {
      EXPECT_EQ(err.kind(), ErrorKind::Memory) << err.what();
    }
  }
  for (int f = 1; f < 4; ++f) {
    dense.run(input(f).data());
    reference.run(input(f).data());
    EXPECT_TRUE(dense.stats().keyframe) << "still dense at frame " << f;
    EXPECT_EQ(dense.stats().mode, "dense");
    EXPECT_TRUE(same_outputs()) << "frame " << f;
  }
  // With memory again the change goes through.
  dense.set_mode(ExecMode::Delta);
  dense.run(input(4).data());
  dense.run(input(4).data());
  EXPECT_FALSE(dense.stats().keyframe);
  EXPECT_EQ(dense.stats().mode, "delta");
}

TEST(MemoryBudget, ReportsWhatLimitsTheProcess) {
  const MemoryBudget b = memory_budget();
  EXPECT_GT(b.bytes, size_t{0});
  EXPECT_FALSE(b.limit.empty());
}

// In a freshly executed child: the address-space limit must not reach the test runner.
TEST(MemoryBudget, AStreamLargerThanTheAddressSpaceLimitIsAMemoryErrorBeforeAllocating) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // A MobileNetV2 block at 2048x2048: its delta stream needs well over a gigabyte.
        auto model = compile_model(mobilenet_v2_block(2048, 2048), Backend::Cpu, test_normalization());
        rlimit limit{};
        limit.rlim_cur = limit.rlim_max = rlim_t(status_bytes("VmSize:") + (size_t{300} << 20));
        if (setrlimit(RLIMIT_AS, &limit) != 0) std::exit(3);
        DeltaSettings settings = exact_settings();
        settings.form = DeltaForm::Recompute;
        try {
          Executor e(model, ExecMode::Delta, settings);
        } catch (const Error& err) {
          const std::string m = err.what();
          const bool ok = err.kind() == ErrorKind::Memory && m.find("2048x2048") != std::string::npos &&
                          m.find("delta stream needs at least") != std::string::npos &&
                          m.find("RLIMIT_AS") != std::string::npos;
          std::fprintf(stderr, "%s\n", m.c_str());
          std::exit(ok ? 0 : 1);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "not a dcnn::Error: %s\n", e.what());
          std::exit(2);
        }
        std::exit(4);  // allocated under the limit: the test's sizes are wrong
      },
      ::testing::ExitedWithCode(0), "delta stream needs at least");
}

}  // namespace
}  // namespace dcnn::test
