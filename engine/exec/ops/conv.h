// Compiled conv op (see the .cpp for its delta semantics).
#pragma once

#include <memory>

#include "engine/exec/op.h"

namespace dcnn {

// bf16: the conv's GEMMs in bf16 (Precision::BF16), oneDNN's fp32 dense passes not used.
std::unique_ptr<Op> make_conv_op(const ir::Node& node, const ir::Graph& graph, bool bf16 = false);

}  // namespace dcnn
