// Shared storage for the tensors of a dense pass. A dense pass needs a tensor only from the op
// that writes it to the last op that reads it, so tensors whose lifetimes do not overlap can
// use the same memory (as every dense runtime does). All tensors live in one arena at planned
// offsets: largest first, each at the lowest offset that no lifetime-overlapping tensor holds
// (the greedy-by-size placement of TFLite's arena planner). For MoveNet MultiPose at 768x576
// this takes the activations of a dense stream from ~450 MB to about the peak live set.
//
// Delta mode keeps one buffer per tensor: its values, mask and list must survive from the
// frame's write to the next frame's clear (tensor_buffer.h), and the activations' state is
// per stream anyway.
#pragma once

#include <cstddef>
#include <vector>

namespace dcnn {

struct BufferPlan {
  static constexpr size_t kAlignFloats = 16;  // 64-byte aligned offsets
  std::vector<size_t> offset_of_tensor;       // in floats; kUnused for a tensor the pass never touches
  size_t arena_floats = 0;
  static constexpr size_t kUnused = size_t(-1);
};

// tensor_floats: the size of every tensor. writes[k] / reads[k]: what op k writes and reads, in
// execution order. `first_written` is written before op 0 (the graph input); `kept` tensors (the
// graph outputs) live until after the last op. An op's output never overlaps its inputs.
BufferPlan plan_buffers(const std::vector<size_t>& tensor_floats, const std::vector<int>& writes,
                        const std::vector<std::vector<int>>& reads, int first_written,
                        const std::vector<int>& kept);

}  // namespace dcnn
