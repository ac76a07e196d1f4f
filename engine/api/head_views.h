// The executor's output heads as decoders read them (HeadView), and which heads a decoder reads
// at a few cells only, so that the executor computes those there alone. Shared by the Stream
// facade and the benchmark, which runs executors directly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/decode/decoder.h"
#include "engine/exec/executor.h"

namespace dcnn {

// The cells of one output computed so far this frame: a whole map's room (allocated on the
// first frame that needs it and kept, left uninitialised so that only the pages of cells ever
// computed become resident: a few hundred KB of the 3.8 MB of a 34-channel head read at 102
// cells), which cells hold values, and which to forget next frame.
struct HeadCells {
  std::unique_ptr<float[]> values;
  std::vector<uint8_t> computed;
  std::vector<int32_t> filled;
};
using HeadCellCache = std::vector<HeadCells>;

// An executor's heads as decoders read them: whole maps, or where output_at_cells_only, computed
// at the cells asked for (one by one through HeadView::at, in batches through need()), once per
// cell, into `cache` (reset here; it must outlive the views, which are valid until the
// executor's next frame).
std::vector<HeadView> head_views(const Executor& executor, HeadCellCache& cache);

// Hands `executor` the outputs `decoder` reads at a few cells only (Decoder::cell_heads,
// Executor::set_queried_outputs), so that its delta frames compute them there alone. Off with
// DELTACNN_CELL_HEADS=0 (the ablation of docs/cpu-engine.md section 13).
void query_cell_heads(const Decoder& decoder, Executor& executor);

}  // namespace dcnn
