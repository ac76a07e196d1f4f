// Concat of feature maps along the channel axis (all-constant Concat is shape arithmetic and is
// folded before we get here).
#include <string>

#include "engine/ir/onnx/import_ops.h"

namespace dcnn::ir::onnximport {

void import_concat(ImportContext& ctx) {
  ctx.allow_attributes({"axis"});
  if (!ctx.has_attr("axis")) ctx.model_error("attribute 'axis' is required");
  int64_t axis = ctx.attr_int("axis", 1);
  if (axis < 0) axis += 4;  // feature maps are rank 4 (NCHW)
  if (axis != 1) {
    ctx.unsupported("axis " + std::to_string(ctx.attr_int("axis", 1)) +
                    "; only the channel axis (1 or -3 of NCHW) is supported");
  }
  std::vector<int> inputs;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const std::string name = ctx.input(i);
    if (ctx.is_constant(name)) {
      ctx.unsupported("input '" + name + "' is a constant; only feature maps can be concatenated "
                      "with feature maps");
    }
    inputs.push_back(ctx.runtime_input(i));
  }
  if (inputs.empty()) ctx.model_error("Concat has no inputs");
  ctx.add_node(OpKind::Concat, std::move(inputs), ConcatParams{});
}

}  // namespace dcnn::ir::onnximport
