#include "engine/exec/buffer_plan.h"

#include <algorithm>
#include <numeric>

namespace dcnn {

BufferPlan plan_buffers(const std::vector<size_t>& tensor_floats, const std::vector<int>& writes,
                        const std::vector<std::vector<int>>& reads, int first_written,
                        const std::vector<int>& kept) {
  const size_t n = tensor_floats.size();
  const int end = int(writes.size());
  // Lifetime [born, dies] in op steps; the graph input is born at -1, kept tensors die at `end`.
  std::vector<int> born(n, 0), dies(n, -2);
  std::vector<bool> used(n, false);
  if (first_written >= 0) born[size_t(first_written)] = -1, dies[size_t(first_written)] = -1,
                          used[size_t(first_written)] = true;
  for (int k = 0; k < end; ++k) {
    const size_t w = size_t(writes[size_t(k)]);
    born[w] = k;
    dies[w] = std::max(dies[w], k);
    used[w] = true;
    for (int t : reads[size_t(k)]) dies[size_t(t)] = std::max(dies[size_t(t)], k), used[size_t(t)] = true;
  }
  for (int t : kept) dies[size_t(t)] = end, used[size_t(t)] = true;
  // Two tensors may share memory when one dies before the other is born. "Dies at k, born at
  // k" overlaps: op k reads the one while writing the other.
  auto overlap = [&](size_t a, size_t b) { return !(dies[a] < born[b] || dies[b] < born[a]); };
  auto rounded = [](size_t f) { return (f + BufferPlan::kAlignFloats - 1) / BufferPlan::kAlignFloats * BufferPlan::kAlignFloats; };

  std::vector<size_t> order;
  for (size_t t = 0; t < n; ++t)
    if (used[t]) order.push_back(t);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tensor_floats[a] > tensor_floats[b]; });

  BufferPlan plan;
  plan.offset_of_tensor.assign(n, BufferPlan::kUnused);
  std::vector<size_t> placed;
  for (size_t t : order) {
    const size_t size = rounded(tensor_floats[t]);
    // Ranges already taken by tensors alive at the same time, by offset.
    std::vector<std::pair<size_t, size_t>> taken;
    for (size_t p : placed)
      if (overlap(t, p)) taken.emplace_back(plan.offset_of_tensor[p], plan.offset_of_tensor[p] + rounded(tensor_floats[p]));
    std::sort(taken.begin(), taken.end());
    size_t offset = 0;
    for (const auto& r : taken) {
      if (offset + size <= r.first) break;  // fits in the gap before this range
      offset = std::max(offset, r.second);
    }
    plan.offset_of_tensor[t] = offset;
    plan.arena_floats = std::max(plan.arena_floats, offset + size);
    placed.push_back(t);
  }
  return plan;
}

}  // namespace dcnn
