// Compiled binary op (see the .cpp for its delta semantics).
#pragma once

#include <memory>

#include "engine/exec/op.h"

namespace dcnn {

std::unique_ptr<Op> make_binary_op(const ir::Node& node, const ir::Graph& graph);

}  // namespace dcnn
