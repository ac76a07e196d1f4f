#include "engine/api/head_views.h"

#include <algorithm>
#include <cstdlib>

namespace dcnn {

std::vector<HeadView> head_views(const Executor& executor, HeadCellCache& cache) {
  std::vector<HeadView> out;
  cache.assign(size_t(executor.num_outputs()), {});
  for (int i = 0; i < executor.num_outputs(); ++i) {
    HeadView h{executor.output_name(i), executor.output_shape(i), executor.output(i), {}};
    if (executor.output_at_cells_only(i)) {
      // Computed on demand, once per cell; the cache's nodes (and so the pointers handed out)
      // stay put until the cache is cleared.
      h.at = [&executor, &cache, i, c = h.shape.c](int64_t cell) -> const float* {
        auto [it, fresh] = cache[size_t(i)].try_emplace(cell);
        if (fresh) {
          it->second.resize(size_t(c));
          const int32_t at = int32_t(cell);
          executor.output_at(i, &at, 1, it->second.data());
        }
        return it->second.data();
      };
    }
    out.push_back(std::move(h));
  }
  return out;
}

void query_cell_heads(const Decoder& decoder, Executor& executor) {
  if (const char* v = std::getenv("DELTACNN_CELL_HEADS"); v && std::string(v) == "0") return;
  const std::vector<std::string> names = decoder.cell_heads();
  std::vector<int> outputs;
  for (int i = 0; i < executor.num_outputs(); ++i)
    if (std::find(names.begin(), names.end(), executor.output_name(i)) != names.end()) outputs.push_back(i);
  if (!outputs.empty()) executor.set_queried_outputs(outputs);
}

}  // namespace dcnn
