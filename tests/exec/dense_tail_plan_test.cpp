// The backend-neutral tail planning (engine/exec/dense_tail_plan.h): the selection depends only
// on the graph and per-node MACs (so the CPU DenseTail and the CUDA stream pick the same nodes),
// and the per-frame rule.
#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "engine/exec/compiled_model.h"
#include "engine/exec/dense_tail.h"
#include "engine/exec/dense_tail_plan.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

TEST(DenseTailPlan, SelectionIsWhatTheCpuTailHolds) {
  auto model = compile_model(fpn_with_heads(48, 64), Backend::Cpu, test_normalization());
  const ir::Graph& g = model->graph();
  const DenseTailNodes nodes = select_dense_tail(g, model->node_macs(), 0.25f);
  DenseTail tail(*model, 0.25f);
  ASSERT_FALSE(nodes.empty());
  EXPECT_EQ(nodes.nodes, tail.ops());
  for (size_t k = 0; k < g.nodes.size(); ++k) EXPECT_EQ(bool(nodes.in_tail[k]), tail.contains(k)) << k;
  for (int t : nodes.frontier) {
    EXPECT_FALSE(nodes.produces(t));
    EXPECT_NE(t, g.input) << "a frontier tensor is the graph input";
  }
}

TEST(DenseTailPlan, NodeViewMatchesTheCpuOps) {
  auto model = compile_model(fpn_with_heads(48, 64), Backend::Cpu, test_normalization());
  ASSERT_EQ(model->nodes().size(), model->ops().size());
  int64_t total = 0;
  for (size_t k = 0; k < model->ops().size(); ++k) {
    const Op& op = *model->ops()[k];
    const NodeInfo& n = model->nodes()[k];
    EXPECT_EQ(n.name, op.name());
    EXPECT_EQ(n.kind, op.kind_name());
    EXPECT_EQ(n.output, op.output());
    EXPECT_EQ(n.macs, op.macs());
    EXPECT_EQ(n.has_threshold, op.has_threshold());
    EXPECT_EQ(n.can_truncate_linear, op.can_truncate_linear());
    total += n.macs;
  }
  EXPECT_EQ(total, model->total_macs());
}

TEST(DenseTailPlan, SelectionNeedsCheapTailAndBreakEvenBelowOne) {
  const ir::Graph g = fpn_with_heads(48, 64);
  std::vector<int64_t> macs(g.nodes.size(), 1);
  EXPECT_TRUE(select_dense_tail(g, macs, 1.f).empty());
  EXPECT_FALSE(select_dense_tail(g, macs, 0.f).empty());
  // All the work in the last node: it alone exceeds the MAC share, so nothing qualifies before it.
  std::vector<int64_t> heavy_last(g.nodes.size(), 0);
  heavy_last.back() = 1000;
  EXPECT_FALSE(select_dense_tail(g, heavy_last, 0.f).in_tail.back());
  EXPECT_THROW(select_dense_tail(g, std::vector<int64_t>(2, 1), 0.f), Error);
}

TEST(DenseTailPlan, PerFrameRule) {
  EXPECT_EQ(choose_tail_plan(0.f, 0.3f, true), TailPlan::Skip);
  EXPECT_EQ(choose_tail_plan(0.f, 0.3f, false), TailPlan::Skip);
  EXPECT_EQ(choose_tail_plan(0.5f, 0.3f, true), TailPlan::DenseStateless);
  EXPECT_EQ(choose_tail_plan(0.2f, 0.3f, true), TailPlan::Delta);
  EXPECT_EQ(choose_tail_plan(0.2f, 0.3f, false), TailPlan::DenseReinit);
  EXPECT_EQ(choose_tail_plan(0.01f, 0.f, true), TailPlan::DenseStateless);
  EXPECT_TRUE(runs_dense(TailPlan::DenseReinit));
  EXPECT_FALSE(runs_dense(TailPlan::Delta));
}

}  // namespace
}  // namespace dcnn::test
