// An Add whose operand is a Resize that only the Add reads: the Resize moves to just before the
// Add, after the other operand's producer. Only the order changes, never a value. Why: the CPU
// executor fires such a sum from the Resize (Op::can_fire_residual_sum: interpolation plus the
// other operand's stored row, compared with the sum's map), which needs the other operand's map
// up to date when the Resize runs. MoveNet's FPN computes each upsampling before its lateral
// 1x1 conv.
#include <utility>

#include "engine/ir/passes.h"
#include "engine/ir/passes/graph_edit.h"

namespace dcnn::ir {

int place_resize_before_sum(Graph& graph) {
  int moved = 0;
  for (size_t a = 0; a < graph.nodes.size(); ++a) {
    if (graph.nodes[a].kind != OpKind::Add || graph.nodes[a].inputs.size() != 2) continue;
    for (int operand : graph.nodes[a].inputs) {
      const int r = passes::producer(graph, operand);
      if (r < 0 || size_t(r) + 1 >= a || graph.nodes[size_t(r)].kind != OpKind::Resize ||
          !passes::is_private(graph, operand))
        continue;
      // The nodes between read nothing the Resize writes (only the Add does), and the Resize's
      // own input comes from before it: the order stays topological. The Add keeps index a.
      Node resize = std::move(graph.nodes[size_t(r)]);
      graph.nodes.erase(graph.nodes.begin() + r);
      graph.nodes.insert(graph.nodes.begin() + std::ptrdiff_t(a - 1), std::move(resize));
      ++moved;
      break;
    }
  }
  return moved;
}

}  // namespace dcnn::ir
