// Executor::set_mode when memory runs out part-way (the element's mode property set while
// playing): every single allocation failure of the change, and pairs where the restore fails
// too, injected through a replaced global operator new (so this file is a test binary of its
// own). Whatever fails, the executor either goes on in its mode with results equal to a dense
// reference (Error(Memory)), or says it cannot run (Error(Internal) from set_mode and from every
// frame after): never a crash or silently wrong results, and a single failure never leaves a
// stream that cannot run. (A second failure while an error message is built escapes as std::bad_alloc; the
// element stops on that, as on any unexpected exception.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <cstdlib>
#include <new>
#include <vector>

#include "engine/core/error.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/executor.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace {

std::atomic<bool> armed{false};
std::atomic<long> counted{0};
long fail_first = -1, fail_second = -1;

void* allocate(size_t n, size_t align) {
  if (armed) {
    const long c = ++counted;
    if (c == fail_first || c == fail_second) throw std::bad_alloc();
  }
  void* p = align ? std::aligned_alloc(align, (n + align - 1) / align * align) : std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(size_t n) { return allocate(n, 0); }
void* operator new[](size_t n) { return allocate(n, 0); }
void* operator new(size_t n, std::align_val_t a) { return allocate(n, size_t(a)); }
void* operator new[](size_t n, std::align_val_t a) { return allocate(n, size_t(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's temporary buffer): each pair of new and delete must
// be ours, or a sanitizer sees operator new's memory given to free().
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return allocate(n, size_t(a));
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t& t) noexcept { return operator new(n, a, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace dcnn::test {
namespace {

constexpr int kSide = 64;

std::vector<float> frame(int shift) {
  std::vector<float> v(size_t(kSide) * kSide * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float((i * 7 + size_t(shift) * 13) % 255);
  return v;
}

// set_mode(Delta) on a dense executor that ran a frame, with allocations `first` and `second`
// of the change failing (-1: none). Returns what set_mode did ("ok", "refused": Error(Memory),
// "unusable": Error(Internal), "raw ...": a std::bad_alloc thrown while an error message was
// being built, which only a second failure can cause) after checking what the executor does
// next: a changed stream runs delta; one that can run frames runs dense, equal to a dense
// reference; one that cannot throws Error(Internal) for every frame.
std::string change_with_failures(const std::shared_ptr<const CompiledModel>& model, long first, long second) {
  Executor ex(model, ExecMode::Dense, exact_settings());
  Executor reference(model, ExecMode::Dense, exact_settings());
  ex.run(frame(0).data());
  fail_first = first;
  fail_second = second;
  counted = 0;
  armed = true;
  std::string outcome = "ok";
  try {
    ex.set_mode(ExecMode::Delta);
  } catch (const Error& e) {
    outcome = e.kind() == ErrorKind::Memory ? "refused" : e.kind() == ErrorKind::Internal ? "unusable" : "other";
  } catch (const std::exception& e) {
    outcome = std::string("raw ") + e.what();
  }
  armed = false;
  for (int f = 1; f < 3; ++f) {
    try {
      ex.run(frame(f).data());
    } catch (const Error& e) {
      EXPECT_NE(outcome, "ok");
      EXPECT_NE(outcome, "refused") << "a refused change left a stream that cannot run";
      EXPECT_EQ(e.kind(), ErrorKind::Internal);
      return outcome == "unusable" ? outcome : outcome + ", unusable";
    }
    EXPECT_NE(outcome, "unusable") << "said it cannot run, and ran";
    reference.run(frame(f).data());
    EXPECT_EQ(ex.stats().mode, outcome == "ok" ? "delta" : "dense");
    if (outcome == "ok") continue;
    EXPECT_TRUE(same_heads(ex, reference)) << "frame " << f << " differs from dense after a failed change (" << outcome << ")";
  }
  return outcome;
}

TEST(ModeChangeOutOfMemory, EveryFailureLeavesTheStreamRunningOrSaysItCannot) {
  auto model = compile_model(mobilenet_v2_block(kSide, kSide), Backend::Cpu, test_normalization());
  ASSERT_EQ(change_with_failures(model, -1, -1), "ok");
  const long allocations = counted;
  ASSERT_GT(allocations, 10) << "the change should allocate";
  int unusable = 0, refused = 0;
  for (long first = 1; first <= allocations; ++first) {
    SCOPED_TRACE("allocation " + std::to_string(first) + " of " + std::to_string(allocations) + " fails");
    // One failure: refused with the stream as it was (or absorbed where a failure is harmless:
    // memory_budget() reading /proc reads no limit), never worse.
    const std::string once = change_with_failures(model, first, -1);
    EXPECT_TRUE(once == "refused" || once == "ok") << once;
    refused += once == "refused";
    // A second one a few allocations later (the restore, or the error's message, failing too):
    // the checks inside change_with_failures hold whatever the outcome.
    for (long later = first + 1; later <= first + 6; ++later) {
      SCOPED_TRACE("and allocation " + std::to_string(later));
      unusable += change_with_failures(model, first, later) == "unusable";
    }
  }
  EXPECT_GT(refused, allocations / 2);
  EXPECT_GT(unusable, 0) << "no injected pair reached a failed restore: the test would not see one";
}

// A delta frame that runs out of memory part-way (its workspace growing, a list reallocated)
// leaves the stored maps half updated: the next frame must be a keyframe, equal to a dense
// reference, not a delta frame computed against the half-updated state.
TEST(FrameOutOfMemory, TheFrameAfterAFailedOneIsAKeyframeEqualToDense) {
  auto model = compile_model(mobilenet_v2_block(kSide, kSide), Backend::Cpu, test_normalization());
  auto fresh_after_two_frames = [&] {
    auto ex = std::make_unique<Executor>(model, ExecMode::Delta, exact_settings());
    ex->run(frame(0).data());
    ex->run(frame(1).data());
    return ex;
  };
  // How many allocations the third frame (a delta frame, on a warm executor) makes.
  auto counting = fresh_after_two_frames();
  const std::vector<float> third = frame(2);
  fail_first = fail_second = -1;
  counted = 0;
  armed = true;
  counting->run(third.data());
  armed = false;
  const long allocations = counted;
  ASSERT_FALSE(counting->stats().keyframe);
  if (allocations == 0) GTEST_SKIP() << "a warm delta frame allocates nothing here: no failure to inject";

  Executor reference(model, ExecMode::Dense, exact_settings());
  reference.run(frame(3).data());
  int failed_frames = 0;
  for (long k = 1; k <= allocations; ++k) {
    SCOPED_TRACE("allocation " + std::to_string(k) + " of " + std::to_string(allocations) + " fails");
    auto ex = fresh_after_two_frames();
    fail_first = k;
    counted = 0;
    armed = true;
    bool failed = false;
    try {
      ex->run(third.data());
    } catch (const Error& e) {
      failed = true;
      EXPECT_EQ(e.kind(), ErrorKind::Memory) << e.what();
    }
    armed = false;
    fail_first = -1;
    if (!failed) continue;  // absorbed where a failure is harmless
    ++failed_frames;
    ex->run(frame(3).data());
    EXPECT_TRUE(ex->stats().keyframe) << "the frame after a failed one ran delta on a half-updated state";
    EXPECT_TRUE(same_heads(*ex, reference)) << "the frame after a failed one differs from dense";
  }
  EXPECT_GT(failed_frames, 0) << "no injected failure stopped the frame: the test would not see one";
  std::printf("%ld allocations in a warm delta frame, %d of them stop it when they fail\n", allocations,
              failed_frames);
}

}  // namespace
}  // namespace dcnn::test
