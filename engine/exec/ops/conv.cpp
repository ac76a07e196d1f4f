// Conv / depthwise / grouped conv. Linear: out_delta = W * in_delta without bias. An output pixel
// is active iff its receptive field holds an active input pixel. Per frame the op picks the
// cheaper exact form: a dense conv over the whole delta map (inactive inputs are 0, so inactive
// outputs come out 0) when many outputs are active, else the sparse conv over the active list.
// Dense passes run through oneDNN (kernels/cpu/conv_onednn.h) where it has the geometry: with
// the activation fused when no delta state is kept, bias only when the pre-activation must be
// kept, neither on delta maps. DELTACNN_CPU_DENSE_CONV=blas keeps im2col + OpenBLAS everywhere
// (the ablation baseline of docs/cpu-engine.md).
#include "engine/exec/ops/conv.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "engine/core/error.h"
#include "engine/exec/op_checks.h"
#include "engine/exec/ops/activation_step.h"
#include "kernels/cpu/activation.h"
#include "kernels/cpu/conv.h"
#include "kernels/cpu/conv_onednn.h"
#include "kernels/cpu/conv_recompute.h"
#include "kernels/cpu/expand_depthwise.h"
#include "kernels/cpu/mask.h"
#include "kernels/cpu/pointwise_pair.h"
#include "kernels/cpu/scratch.h"

namespace dcnn {
namespace {

class ConvOp : public Op {
 public:
  ConvOp(const ir::Node& node, const ir::Graph& graph, bool bf16)
      : Op(node, graph), act_(node.as<ir::ConvParams>().act) {
    const auto& p = node.as<ir::ConvParams>();
    check_conv_io(*this, p.cin, p.cout);
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    cpu::ConvGeometry g;
    g.in_h = is.h; g.in_w = is.w; g.cin = is.c;
    g.out_h = os.h; g.out_w = os.w; g.cout = os.c;
    g.kh = p.kh; g.kw = p.kw;
    g.stride_h = p.stride_h; g.stride_w = p.stride_w;
    g.dil_h = p.dil_h; g.dil_w = p.dil_w;
    g.pad_top = p.pad_top; g.pad_left = p.pad_left;
    g.groups = p.groups;
    check_conv_weights(*this, p);
    try {
      packed_ = cpu::pack_conv(g, p.weights.data(), p.bias.empty() ? nullptr : p.bias.data());
    } catch (const std::invalid_argument& e) {
      throw Error(ErrorKind::Unsupported, where() + e.what());
    }
    // In bf16 every pass of a GEMM conv multiplies in bf16 (dense ones through our kernels, not
    // oneDNN's fp32), so that threshold 0 reproduces dense; depthwise convs stay fp32.
    gemm_in_bf16_ = bf16 && cpu::use_bf16(packed_);
    if (use_onednn() && !gemm_in_bf16_) {
      const float* bias = p.bias.empty() ? nullptr : p.bias.data();
      try {
        biased_ = std::make_unique<cpu::OnednnConv>(g, p.weights.data(), bias, kern::ActSpec{});
        if (act_.enabled() && fuses_exactly(act_.spec()))
          fused_ = std::make_unique<cpu::OnednnConv>(g, p.weights.data(), bias, act_.spec(), biased_.get());
        plain_ = std::make_unique<cpu::OnednnConv>(g, p.weights.data(), nullptr, kern::ActSpec{}, biased_.get());
      } catch (const std::invalid_argument&) {
        biased_.reset();  // oneDNN lacks this geometry: our kernels run every pass
        fused_.reset();
        plain_.reset();
      }
      make_rows_conv(g, p);
    }
    rows_ = cpu::window_footprint(is.h, os.h, p.kh, p.stride_h, p.dil_h, p.pad_top);
    cols_ = cpu::window_footprint(is.w, os.w, p.kw, p.stride_w, p.dil_w, p.pad_left);
    macs_ = os.size() * int64_t(p.cin / p.groups) * p.kh * p.kw;
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
    if (ctx.output_unstored) return;  // the consumer computes it in its own dense pass
    if (ctx.input_producer) {  // the inner tensors in cache, never a whole map of them
      run_fused_dense(chain(ctx), o.values_for_full_write());
      return;
    }
    const float* x = in(ctx, 0).values();
    if (fused_ && !ctx.keep_state) {  // no pre-activation to keep: activation in the epilogue
      fused_->run(x, o.values_for_full_write());
      return;
    }
    if (biased_)
      biased_->run(x, o.values_for_full_write());
    else
      cpu::conv_dense(packed_, x, o.values(), true);
    act_.dense(o, ctx);
  }

  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_, cols_, ctx.mask_scratch, o.mask());
    o.list_from_mask();
    if (o.active_fraction() > ctx.dense_break_even) {
      if (plain_)
        plain_->run(i.values(), o.values_for_full_write());
      else
        cpu::conv_dense(packed_, i.values(), o.values_for_full_write(), false);
      if (ctx.stat) ctx.stat->dense = true;
    } else {
      cpu::conv_sparse(packed_, i.values(), o.list(), o.active(), o.values());
    }
    act_.delta(o, ctx);
  }

  bool can_recompute() const override { return true; }
  // A depthwise conv computes its input from the pointwise expand conv before it
  // (kernels/cpu/expand_depthwise.h): MobileNetV2's expanded tensors need no stored map. A
  // pointwise conv computes its input from a pointwise conv with an activation before it
  // (kernels/cpu/pointwise_pair.h): the wide middle layer of MoveNet's heads. A linear first
  // conv (a block's projection) is left alone: its output is the next block's expand input,
  // which the expand -> depthwise pair needs stored.
  bool can_compute_input_from(const Op& producer) const override {
    const auto* first = dynamic_cast<const ConvOp*>(&producer);
    if (!first || producer.output() != inputs()[0]) return false;
    if (cpu::expand_depthwise_fits(first->packed_.geometry, packed_.geometry))
      return fuses_at_any_size() ||
             cpu::expand_depthwise_recompute_pays(input_shape(0).size() * int64_t(sizeof(float)));
    return first->act_.enabled() && cpu::pointwise_pair_fits(first->packed_.geometry, packed_.geometry);
  }
  // MoveNet's heads: depthwise -> pointwise (activated) -> pointwise, neither inner tensor held.
  bool can_compute_input_from_chain(const Op& head, const Op& producer) const override {
    const auto* dw = dynamic_cast<const ConvOp*>(&head);
    const auto* first = dynamic_cast<const ConvOp*>(&producer);
    return dw && first && producer.inputs()[0] == head.output() && first->act_.enabled() &&
           cpu::pointwise_pair_fits(first->packed_.geometry, packed_.geometry) &&
           cpu::leading_depthwise_fits(dw->packed_.geometry, first->packed_.geometry);
  }
  // MobileNetV2's inverted-residual blocks in recompute passes: expand -> depthwise -> this
  // 1x1 projection (kernels/cpu/expand_depthwise.h), the pair's depthwise output not held either.
  bool can_compute_input_from_pair(const Op& head, const Op& producer) const override {
    const auto* expand = dynamic_cast<const ConvOp*>(&head);
    const auto* dw = dynamic_cast<const ConvOp*>(&producer);
    return expand && dw && producer.inputs()[0] == head.output() && producer.output() == inputs()[0] &&
           cpu::expand_depthwise_project_fits(expand->packed_.geometry, dw->packed_.geometry, packed_.geometry) &&
           (fuses_at_any_size() ||
            cpu::expand_depthwise_project_pays(producer.output_shape().size() * int64_t(sizeof(float))));
  }
  // MobileNetV2's first block and the FPN's separable convs: depthwise -> 1x1, the depthwise
  // output computed at the 1x1 conv's candidates (kernels/cpu/pointwise_pair.h).
  bool can_compute_input_from_after_chains(const Op& producer) const override {
    const auto* dw = dynamic_cast<const ConvOp*>(&producer);
    return dw && producer.output() == inputs()[0] &&
           cpu::depthwise_pointwise_fits(dw->packed_.geometry, packed_.geometry);
  }
  bool fuses_dense_pass_with(const Op& producer) const override {
    const auto* first = dynamic_cast<const ConvOp*>(&producer);
    if (!first || producer.output() != inputs()[0]) return false;
    if (cpu::expand_depthwise_fits(first->packed_.geometry, packed_.geometry))
      return cpu::expand_depthwise_dense_pays(input_shape(0).size() * 4);
    return fuse_pointwise_dense() && can_compute_input_from(producer);
  }
  // A block's linear 1x1 projection, whole block (expand -> depthwise -> this) or depthwise ->
  // this pair: the kernels those run (and their dense forms) add the residual in the fire step.
  bool can_fire_residual_sum(const Op* producer, const Op* head) const override {
    const auto* first = dynamic_cast<const ConvOp*>(producer);
    if (act_.enabled() || !cpu::is_pointwise_gemm(packed_.geometry) || !first || !cpu::is_depthwise(first->packed_.geometry))
      return false;
    const auto* expand = dynamic_cast<const ConvOp*>(head);
    return head ? expand && !cpu::is_depthwise(expand->packed_.geometry) : true;
  }
  // MoveNet's heads: the chain depthwise -> 1x1 -> 1x1 (or a plain pointwise pair) at any pixels.
  bool computes_rows_at(const OpContext& ctx) const override {
    if (!ctx.input_producer) return false;
    const Chain c = chain(ctx);
    return !c.block_expand && cpu::pointwise_pair_fits(c.first.packed_.geometry, packed_.geometry);
  }
  void rows_at(const OpContext& ctx, const int32_t* pixels, int n, float* rows) const override {
    const Chain c = chain(ctx);
    cpu::pointwise_pair_rows(c.first.packed_, c.first.act_.spec(), packed_, act_.spec(), c.x, pixels, n, rows,
                             c.lead);
  }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    // With a residual (ctx.residual) its fired pixels change the sum even where this conv's
    // input did not fire.
    if (i.active() == 0 && !residual_fired(ctx)) return;
    if (ctx.output_unstored) {  // the consumer computes the values; candidates pass on
      if (packed_.geometry.kh == 1 && packed_.geometry.kw == 1 && packed_.geometry.stride_h == 1 &&
          packed_.geometry.stride_w == 1) {
        o.copy_mask_from(i);
      } else {  // a chain's leading depthwise conv: its footprint
        cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_, cols_, ctx.mask_scratch, o.mask());
        o.list_from_mask();
      }
      return;
    }
    if (ctx.input_producer) return run_recompute_from_producer(ctx);
    // Candidates: the footprint of the fired inputs; then the mask is rebuilt as "fired".
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_, cols_, ctx.mask_scratch, o.mask());
    const float eps = act_.runs(ctx) ? ctx.eps : 0.f;
    const int candidates = recompute_candidates(ctx, eps);
    if (candidates < 0) return;
    cpu::conv_recompute(packed_, act_.spec(), i.values(), o.list(), candidates, eps, o.values(), o.mask());
    o.compact_list();
  }

 private:
  // A pointwise conv that may run as the expand of a fused dense pass (expand_depthwise_dense)
  // gets a oneDNN conv over a few whole rows (about 256 KiB of output), with bias and the
  // activation fused where oneDNN computes it bit for bit as ours does.
  void make_rows_conv(const cpu::ConvGeometry& g, const ir::ConvParams& p) {
    if (!biased_ || !cpu::is_pointwise_gemm(g) || (act_.enabled() && !fuses_exactly(act_.spec())) ||
        !cpu::expand_depthwise_dense_pays(output_shape().size() * 4))
      return;  // (its own copy of the weights is only worth it where the fused pass runs)
    const int64_t row_bytes = int64_t{g.out_w} * g.cout * int64_t(sizeof(float));
    cpu::ConvGeometry rows = g;
    rows.in_h = rows.out_h = int(std::clamp<int64_t>((int64_t{1} << 18) / row_bytes, 1, g.out_h));
    try {
      rows_conv_ = std::make_unique<cpu::OnednnConv>(rows, p.weights.data(), p.bias.empty() ? nullptr : p.bias.data(),
                                                     act_.enabled() ? act_.spec() : kern::ActSpec{}, biased_.get());
      rows_conv_rows_ = rows.out_h;
    } catch (const std::invalid_argument&) {
      rows_conv_.reset();  // sgemm does the rows
    }
  }

  // Recompute with no stored input map (expand -> depthwise or pointwise -> pointwise): the
  // candidates are the footprint of the first conv's input pixels that fired; the pair's dense
  // form, where it has one, runs both convs over the whole map (run_pair_dense).
  void run_recompute_from_producer(OpContext& ctx) const {
    const Chain c = chain(ctx);
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_, cols_, ctx.mask_scratch, o.mask());
    // The sum also changes where the residual fired (a block whose expand runs apart, with its
    // own threshold, may not have fired there).
    mark_residual_candidates(ctx);
    const float eps = act_.runs(ctx) ? ctx.eps : 0.f;
    const int candidates = o.take_candidates();
    if (has_pair_dense_form(c) && takes_dense_form(ctx, o, candidates)) {
      if (fires_in_tiles(c)) {
        run_depthwise_then_fire(ctx, c, candidates, eps);
        if (ctx.stat) ctx.stat->dense = true;
        return;
      }
      run_pair_dense(ctx, c);
      fire_candidates(ctx, kern::ActSpec{}, ctx.map_scratch, candidates, eps);
      if (ctx.stat) ctx.stat->dense = true;
      return;
    }
    if (c.block_expand)
      cpu::expand_depthwise_project_recompute(c.block_expand->packed_, c.block_expand->act_.spec(), c.first.packed_,
                                              c.first.act_.spec(), packed_, act_.spec(), c.x, o.list(), candidates,
                                              eps, o.values(), o.mask(), residual_values(ctx));
    else if (cpu::is_depthwise(packed_.geometry))
      cpu::expand_depthwise_recompute(c.first.packed_, c.first.act_.spec(), packed_, act_.spec(), c.x, o.list(),
                                      candidates, eps, o.values(), o.mask());
    else if (cpu::is_depthwise(c.first.packed_.geometry))
      cpu::depthwise_pointwise_recompute(c.first.packed_, c.first.act_.spec(), packed_, act_.spec(), c.x, o.list(),
                                         candidates, eps, o.values(), o.mask(), residual_values(ctx));
    else
      cpu::pointwise_pair_recompute(c.first.packed_, c.first.act_.spec(), packed_, act_.spec(), c.x, o.list(),
                                    candidates, eps, o.values(), o.mask(), c.lead);
    o.compact_list();
  }

  // What this op computes its input from: the producer (`first`), the chain's leading
  // depthwise conv or a whole block's expand conv when there is one, and the map they start
  // from.
  struct Chain {
    const ConvOp& first;
    cpu::LeadingDepthwise lead;
    const ConvOp* block_expand = nullptr;
    const float* x;
  };
  static Chain chain(const OpContext& ctx) {
    const auto& first = static_cast<const ConvOp&>(*ctx.input_producer);
    if (!ctx.chain_head) return {first, {}, nullptr, ctx.tensors[size_t(first.inputs()[0])].values()};
    const auto& head = static_cast<const ConvOp&>(*ctx.chain_head);
    const float* x = ctx.tensors[size_t(head.inputs()[0])].values();
    if (!cpu::is_depthwise(head.packed_.geometry)) return {first, {}, &head, x};
    return {first, {&head.packed_, head.act_.spec()}, nullptr, x};
  }

  // The dense form of a recompute pass of the pair (the expanded tensor has no map): the
  // depthwise output into ctx.map_scratch. Pairs whose dense passes run apart run apart here
  // too, as two oneDNN convs with the expanded tensor after the output in the scratch (the
  // executor sizes it for both): on the small maps that is 1.5-3x faster than the fused rows.
  bool runs_pair_apart(const Chain& c) const {
    return !c.lead.conv && !fuses_dense_pass_with(c.first) && c.first.runs_whole_pass() && runs_whole_pass();
  }
  bool has_pair_dense_form(const Chain& c) const {
    return c.block_expand || cpu::is_depthwise(packed_.geometry) || c.lead.conv || fuses_dense_pass_with(c.first) ||
           runs_pair_apart(c);
  }
  // The dense form of a depthwise -> 1x1 pair (the FPN's separable convs) in bf16: the depthwise
  // conv over the whole map (its oneDNN pass, as a dense frame runs it), then the 1x1 conv at the
  // candidates only, each block of rows fired while in cache, instead of the 1x1 conv over the
  // whole map into a scratch map, an activation pass over it and the fire step reading it back:
  // three passes over a map of 2.6 MB (MultiPose's 144x192x24) that the dense layer writes once.
  // The same bits as a dense frame: a bf16 row does not depend on the rows around it, and the
  // bias is added in the epilogue and the activation in the fire step, as a dense pass does.
  // (cout whole vectors of 8: gather_gemm then writes the tile's rows without padding.)
  bool fires_in_tiles(const Chain& c) const {
    return !c.block_expand && !c.lead.conv && cpu::is_depthwise(c.first.packed_.geometry) &&
           c.first.runs_whole_pass() && gemm_in_bf16_ && cpu::is_pointwise_gemm(packed_.geometry) &&
           packed_.geometry.cout % 8 == 0;
  }
  void run_depthwise_then_fire(OpContext& ctx, const Chain& c, int candidates, float eps) const {
    float* inner = ctx.map_scratch + output_shape().size();  // where the pair's apart form puts it
    c.first.run_whole_pass(c.x, inner);
    const cpu::GemmB b = cpu::gemm_b(packed_);
    const float* bias = cpu::bias_or_null(packed_);
    const int cin = packed_.geometry.cin, cout = packed_.geometry.cout;
    fire_computed_candidates(ctx, act_.spec(), candidates, eps, [&](const int32_t* pixels, int m, float* rows) {
      cpu::GemmEpilogue to_rows;
      to_rows.bias = bias;
      to_rows.dst = rows;
      to_rows.ld_dst = cout;
      float* partial = cpu::scratch_floats(cpu::ScratchSlot::Partial, size_t(m) * size_t(b.ld));
      cpu::gather_gemm(inner, cin, pixels, m, b, partial, b.ld, &to_rows);
    });
  }
  void run_pair_dense(OpContext& ctx, const Chain& c) const {
    if (c.block_expand) return run_block_dense(ctx, c);
    pair_dense_into(c, ctx.map_scratch, ctx.map_scratch + output_shape().size());
  }
  // The pair's dense form into `out`: apart (the inner tensor into `inner`) or fused.
  void pair_dense_into(const Chain& c, float* out, float* inner) const {
    if (runs_pair_apart(c)) {
      c.first.run_whole_pass(c.x, inner);
      run_whole_pass(inner, out);
      return;
    }
    run_fused_dense(c, out);
  }
  // A whole block's dense form into ctx.map_scratch, its inner tensors after the output (as the
  // executor's unstored_offset places them): the expand -> depthwise pair as its dense passes
  // run it (fused, or apart through oneDNN), then this projection.
  void run_block_dense(OpContext& ctx, const Chain& c) const {
    const ConvOp& dw = c.first;
    float* depthwise_out = ctx.map_scratch + output_shape().size();
    dw.pair_dense_into({*c.block_expand, {}, nullptr, c.x}, depthwise_out, depthwise_out + dw.output_shape().size());
    run_whole_pass(depthwise_out, ctx.map_scratch);
  }
  // The pair's or chain's fused dense kernel over the whole map into `out`.
  void run_fused_dense(const Chain& c, float* out) const {
    if (cpu::is_depthwise(packed_.geometry))
      cpu::expand_depthwise_dense(c.first.packed_, c.first.act_.spec(), packed_, act_.spec(), c.x, out,
                                  {c.first.rows_conv_.get(), c.first.rows_conv_rows_});
    else
      cpu::pointwise_pair_dense(c.first.packed_, c.first.act_.spec(), packed_, act_.spec(), c.x, out, c.lead);
  }
  // Whether one call computes this conv's activated output (bias and activation fused): oneDNN's
  // in fp32, ours in bf16 (the pass a dense stream runs for this op, so that a pair's dense form
  // in a delta frame computes the bits a dense frame would).
  bool runs_whole_pass() const { return gemm_in_bf16_ || (act_.enabled() ? bool(fused_) : bool(biased_)); }
  // The activated output over the whole map: that one call, or, without one (bf16; a whole
  // block's projection whose activation oneDNN does not fuse exactly), our conv, then the
  // activation.
  void run_whole_pass(const float* x, float* y) const {
    if (const auto& onednn = act_.enabled() ? fused_ : biased_) return onednn->run(x, y);
    cpu::conv_dense(packed_, x, y, true);
    if (act_.enabled())
      cpu::activate_rows(act_.spec(), y, nullptr, output_shape().pixels(), output_shape().c, nullptr, y);
  }

  // Activations oneDNN's epilogue computes bit for bit as kernels/common/activation.h does
  // (comparisons and one multiply), so a keyframe of a delta stream (conv, then our activation,
  // keeping the pre-activation) equals a dense stream's fused pass exactly. oneDNN evaluates
  // sigmoid and hard-swish with other roundings; those stay a separate pass.
  static bool fuses_exactly(const kern::ActSpec& a) {
    return a.fn == kern::ActFn::Relu || a.fn == kern::ActFn::Clip || a.fn == kern::ActFn::LeakyRelu;
  }
  // DELTACNN_CPU_FUSE_POINTWISE_DENSE=1: plain 1x1 pairs fused in dense passes too (the
  // ablation of docs/cpu-engine.md section 9). Read once: recompute passes ask per frame.
  static bool fuse_pointwise_dense() {
    static const bool on = [] {
      const char* v = std::getenv("DELTACNN_CPU_FUSE_POINTWISE_DENSE");
      return v && std::strcmp(v, "1") == 0;
    }();
    return on;
  }
  // DELTACNN_CPU_BLOCKS=all: expand -> depthwise pairs and whole blocks wherever they fit, not
  // only where they pay (so that tests at small input sizes run them; =0, the executor pairs no
  // block).
  static bool fuses_at_any_size() {
    static const bool on = [] {
      const char* v = std::getenv("DELTACNN_CPU_BLOCKS");
      return v && std::strcmp(v, "all") == 0;
    }();
    return on;
  }
  static bool use_onednn() {
    const char* v = std::getenv("DELTACNN_CPU_DENSE_CONV");
    return !(v && std::strcmp(v, "blas") == 0);
  }

  ActivationStep act_;
  cpu::PackedConv packed_;
  bool gemm_in_bf16_ = false;  // precision bf16 and a conv with a GEMM (cpu::use_bf16)
  // oneDNN dense passes (null where oneDNN lacks the geometry): bias + activation, bias only,
  // and neither (on delta maps).
  std::unique_ptr<cpu::OnednnConv> fused_, biased_, plain_;
  std::unique_ptr<cpu::OnednnConv> rows_conv_;  // make_rows_conv
  int rows_conv_rows_ = 0;
  cpu::Footprint1D rows_, cols_;
  int64_t macs_ = 0;
};

}  // namespace

std::unique_ptr<Op> make_conv_op(const ir::Node& node, const ir::Graph& graph, bool bf16) {
  return std::make_unique<ConvOp>(node, graph, bf16);
}

}  // namespace dcnn
