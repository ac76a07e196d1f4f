// deltacnn-bench --backend cuda: the multi-stream part. For 1, 8 and 32 streams (N Executors
// sharing one CompiledModel, each on its own CUDA stream and host thread, all on the same
// frames) it measures, in ms per frame per stream (synchronised wall clock over the run):
//   - cuDNN dense: every Conv of the graph through cuDNN alone (no activations or other ops: a
//     lower bound of any cuDNN-based dense pipeline), one cuDNN sequence per stream;
//   - our dense: the CUDA executor in ExecMode::Dense;
//   - our delta: the CUDA executor in ExecMode::Delta with the given settings (CUDA graphs on),
//     and the same with cuda_graphs off (every kernel launched directly);
//   - delta stepped: the same delta streams stepped together from one host thread
//     (engine/exec/run_together.h: every stream's frame enqueued before any is waited for);
//   - eps=inf: delta with threshold_scale 1e30, so every activation truncates everything after
//     the input (the executor's fixed overhead: masks, compaction, launches).
// Only built with CUDA (DCNN_BENCH_CUDA).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/exec/executor.h"

namespace dcnn::bench {

// `frames`: pre-processed frames (HxWx3 floats, 0..255) cycled through; prints a table and
// returns the numbers as JSON (stream count -> timings).
nlohmann::json cuda_stream_report(const std::shared_ptr<const CompiledModel>& model,
                                  const DeltaSettings& settings,
                                  const std::vector<std::vector<float>>& frames, int frames_per_run);

}  // namespace dcnn::bench
