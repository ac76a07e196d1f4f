// ConvTranspose. Linear like Conv: an output pixel is active iff an active input pixel writes to
// it. Sparse form: scatter-accumulate the active inputs into the (all-zero) output; dense form on
// the whole delta map when many outputs are active. Both are exact.
#include "engine/exec/ops/conv_transpose.h"

#include <stdexcept>

#include "engine/core/error.h"
#include "engine/exec/op_checks.h"
#include "engine/exec/ops/activation_step.h"
#include "kernels/cpu/conv.h"
#include "kernels/cpu/mask.h"

namespace dcnn {
namespace {

class ConvTransposeOp : public Op {
 public:
  ConvTransposeOp(const ir::Node& node, const ir::Graph& graph)
      : Op(node, graph), act_(node.as<ir::ConvTransposeParams>().act) {
    const auto& p = node.as<ir::ConvTransposeParams>();
    check_conv_io(*this, p.cin, p.cout);
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    check_conv_transpose_weights(*this, p);
    const cpu::ConvTransposeGeometry g = conv_transpose_geometry(*this, p);
    try {
      packed_ = cpu::pack_conv_transpose(g, p.weights.data(), p.bias.empty() ? nullptr : p.bias.data());
    } catch (const std::invalid_argument& e) {
      throw Error(ErrorKind::Unsupported, where() + e.what());
    }
    rows_ = cpu::transposed_footprint(is.h, os.h, p.kh, p.stride_h, p.dil_h, p.pad_top);
    cols_ = cpu::transposed_footprint(is.w, os.w, p.kw, p.stride_w, p.dil_w, p.pad_left);
    macs_ = is.size() * int64_t(p.cout / p.groups) * p.kh * p.kw;
  }

  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options);
  }
  bool can_truncate_linear() const override { return !act_.enabled(); }
  int64_t macs() const override { return macs_; }
  size_t mask_scratch_bytes() const override { return size_t(input_shape(0).h) * size_t(output_shape().w); }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    cpu::conv_transpose_dense(packed_, in(ctx, 0).values(), o.values(), true);
    act_.dense(o, ctx);
  }

  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_, cols_, ctx.mask_scratch, o.mask());
    o.list_from_mask();
    if (o.active_fraction() > ctx.dense_break_even) {
      cpu::conv_transpose_dense(packed_, i.values(), o.values_for_full_write(), false);
      if (ctx.stat) ctx.stat->dense = true;
    } else {
      // The cleared output is zero wherever these inputs reach: accumulate straight into it.
      cpu::conv_transpose_sparse_accumulate(packed_, i.values(), i.list(), i.active(), o.values());
    }
    act_.delta(o, ctx);
  }

 private:
  ActivationStep act_;
  cpu::PackedConvTranspose packed_;
  cpu::Footprint1D rows_, cols_;
  int64_t macs_ = 0;
};

}  // namespace

std::unique_ptr<Op> make_conv_transpose_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<ConvTransposeOp>(node, graph);
}

}  // namespace dcnn
