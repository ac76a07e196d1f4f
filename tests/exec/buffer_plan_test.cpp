// The dense pass's shared storage (engine/exec/buffer_plan.h): tensors share a slot only when
// their lifetimes do not overlap, and the plan is smaller than one buffer per tensor.
#include <gtest/gtest.h>

#include <numeric>

#include "engine/exec/buffer_plan.h"

namespace dcnn {
namespace {

struct Chain {
  std::vector<size_t> floats;
  std::vector<int> writes;
  std::vector<std::vector<int>> reads;
};

// Checks that no two tensors alive at the same time overlap in the arena, and that every tensor
// lies inside it.
void expect_valid(const Chain& c, const BufferPlan& p, int input, const std::vector<int>& kept) {
  const int n = int(c.floats.size());
  const int end = int(c.writes.size());
  std::vector<int> born(size_t(n), -2), dies(size_t(n), -2);
  born[size_t(input)] = -1;
  for (int k = 0; k < end; ++k) {
    born[size_t(c.writes[size_t(k)])] = k;
    dies[size_t(c.writes[size_t(k)])] = std::max(dies[size_t(c.writes[size_t(k)])], k);
    for (int t : c.reads[size_t(k)]) dies[size_t(t)] = std::max(dies[size_t(t)], k);
  }
  for (int t : kept) dies[size_t(t)] = end;
  const auto& off = p.offset_of_tensor;
  for (int a = 0; a < n; ++a) {
    ASSERT_NE(off[size_t(a)], BufferPlan::kUnused) << "tensor " << a;
    EXPECT_EQ(off[size_t(a)] % BufferPlan::kAlignFloats, 0u) << "tensor " << a;
    EXPECT_LE(off[size_t(a)] + c.floats[size_t(a)], p.arena_floats) << "tensor " << a;
    for (int b = a + 1; b < n; ++b) {
      const bool disjoint_memory = off[size_t(a)] + c.floats[size_t(a)] <= off[size_t(b)] ||
                                   off[size_t(b)] + c.floats[size_t(b)] <= off[size_t(a)];
      if (disjoint_memory) continue;
      // Shared memory: one must die before the other is born (an op's output never overlaps
      // its inputs, so "dies at k, born at k" is a conflict too).
      const bool apart = dies[size_t(a)] < born[size_t(b)] || dies[size_t(b)] < born[size_t(a)];
      EXPECT_TRUE(apart) << "tensors " << a << " [" << born[size_t(a)] << ", " << dies[size_t(a)] << "] and "
                         << b << " [" << born[size_t(b)] << ", " << dies[size_t(b)] << "] overlap in memory";
    }
  }
}

TEST(BufferPlan, AChainNeedsTwoSlots) {
  Chain c;
  for (int t = 0; t < 6; ++t) c.floats.push_back(size_t(100 + t));
  for (int k = 0; k < 5; ++k) {
    c.writes.push_back(k + 1);
    c.reads.push_back({k});
  }
  const BufferPlan p = plan_buffers(c.floats, c.writes, c.reads, 0, {5});
  expect_valid(c, p, 0, {5});
  // Two neighbours alive at once at most: the arena holds the two largest adjacent tensors.
  EXPECT_LE(p.arena_floats, size_t(112 + 112));
}

TEST(BufferPlan, ResidualAndKeptOutputsStayAlive) {
  // 0 -> 1 -> 2 -> 3 = add(1, 2) -> 4; 2 is also a graph output.
  Chain c;
  c.floats = {50, 400, 300, 400, 20};
  c.writes = {1, 2, 3, 4};
  c.reads = {{0}, {1}, {1, 2}, {3}};
  const BufferPlan p = plan_buffers(c.floats, c.writes, c.reads, 0, {2, 4});
  expect_valid(c, p, 0, {2, 4});
  EXPECT_LT(p.arena_floats, size_t(50 + 400 + 300 + 400 + 20));
}

TEST(BufferPlan, RandomGraphsNeverShareLiveTensors) {
  uint32_t seed = 7;
  auto rnd = [&](int n) { seed = seed * 1664525u + 1013904223u; return int((seed >> 8) % uint32_t(n)); };
  for (int trial = 0; trial < 200; ++trial) {
    Chain c;
    const int ops = 1 + rnd(30);
    c.floats.push_back(size_t(1 + rnd(1000)));
    for (int k = 0; k < ops; ++k) {
      std::vector<int> r;
      const int inputs = 1 + rnd(3);
      for (int i = 0; i < inputs; ++i) r.push_back(rnd(k + 1));  // any earlier tensor
      c.reads.push_back(r);
      c.writes.push_back(k + 1);
      c.floats.push_back(size_t(1 + rnd(1000)));
    }
    const std::vector<int> kept = {ops, 1 + rnd(ops)};
    const BufferPlan p = plan_buffers(c.floats, c.writes, c.reads, 0, kept);
    expect_valid(c, p, 0, kept);
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace dcnn
