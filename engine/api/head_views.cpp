#include "engine/api/head_views.h"

#include <algorithm>
#include <cstdlib>

namespace dcnn {

namespace {

// Computes the cells of `cells` that `store` does not hold yet, in one Executor::output_at call.
void compute_cells(const Executor& executor, int output, int channels, HeadCells& store, const int32_t* cells,
                   int n) {
  thread_local std::vector<int32_t> missing;
  thread_local std::vector<float> values;
  missing.clear();
  for (int j = 0; j < n; ++j) {
    const int32_t cell = cells[j];
    // Out-of-map cells go to output_at, which says what is wrong with them.
    if (cell < 0 || size_t(cell) >= store.computed.size()) {
      missing.push_back(cell);
      continue;
    }
    if (store.computed[size_t(cell)]) continue;
    store.computed[size_t(cell)] = 1;  // also marks repeats within this batch
    missing.push_back(cell);
  }
  if (missing.empty()) return;
  values.resize(missing.size() * size_t(channels));
  executor.output_at(output, missing.data(), int(missing.size()), values.data());
  for (size_t j = 0; j < missing.size(); ++j) {
    std::copy_n(values.data() + j * size_t(channels), channels,
                store.values.get() + int64_t{missing[j]} * channels);
    store.filled.push_back(missing[j]);
  }
}

}  // namespace

std::vector<HeadView> head_views(const Executor& executor, HeadCellCache& cache) {
  std::vector<HeadView> out;
  cache.resize(size_t(executor.num_outputs()));
  for (int i = 0; i < executor.num_outputs(); ++i) {
    HeadView h{executor.output_name(i), executor.output_shape(i), executor.output(i), {}, {}};
    HeadCells& store = cache[size_t(i)];
    for (const int32_t cell : store.filled) store.computed[size_t(cell)] = 0;
    store.filled.clear();
    if (executor.output_at_cells_only(i)) {
      const int c = h.shape.c;
      const size_t pixels = size_t(h.shape.pixels());
      if (store.computed.size() != pixels) {
        store.computed.assign(pixels, 0);
        store.values.reset(new float[pixels * size_t(c)]);  // uninitialised on purpose (HeadCells)
      }
      // The cache's room stays put until the output's size changes, so the pointers handed out
      // are valid until the next frame.
      h.prefetch = [&executor, &store, i, c](const int32_t* cells, int n) {
        compute_cells(executor, i, c, store, cells, n);
      };
      h.at = [&executor, &store, i, c](int64_t cell) -> const float* {
        const int32_t at = int32_t(cell);
        compute_cells(executor, i, c, store, &at, 1);
        return store.values.get() + cell * c;
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
