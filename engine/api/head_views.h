// The executor's output heads as decoders read them (HeadView), and which heads a decoder reads
// at a few cells only, so that the executor computes those there alone. Shared by the Stream
// facade and the benchmark, which runs executors directly.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/decode/decoder.h"
#include "engine/exec/executor.h"

namespace dcnn {

// An executor's heads as decoders read them: whole maps, or where output_at_cells_only, computed
// at the cells asked for, once per cell, into `cache` (cleared here; it must outlive the views,
// which are valid until the executor's next frame).
using HeadCellCache = std::vector<std::unordered_map<int64_t, std::vector<float>>>;
std::vector<HeadView> head_views(const Executor& executor, HeadCellCache& cache);

// Hands `executor` the outputs `decoder` reads at a few cells only (Decoder::cell_heads,
// Executor::set_queried_outputs), so that its delta frames compute them there alone. Off with
// DELTACNN_CELL_HEADS=0 (the ablation of docs/cpu-engine.md section 13).
void query_cell_heads(const Decoder& decoder, Executor& executor);

}  // namespace dcnn
