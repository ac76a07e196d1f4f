// Add / Sub / Mul / Div with at least one feature-map operand (all-constant ones are folded
// before we get here).
//   feature map (op) constant  -> Affine, when the constant is a scalar or per-channel
//   feature map (op) feature map -> Add with coefficients (Add, Sub) or Binary (Mul, Div)
#include <string>

#include "engine/ir/onnx/import_ops.h"

namespace dcnn::ir::onnximport {

namespace {

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

// Expands a constant that broadcasts (numpy rules, right-aligned) against the feature map's
// [1, C, H, W] into one value per channel. Anything that varies along H or W, or would change
// the feature map's shape, is refused: the IR's Affine is per channel.
std::vector<float> per_channel(ImportContext& ctx, const ConstTensor& k, const std::string& name,
                               const std::vector<int64_t>& fm) {
  if (k.rank() > 4) ctx.unsupported("constant '" + name + "' has rank " + std::to_string(k.rank()));
  const int64_t c = fm[1];
  int64_t channel_extent = 1;
  const int offset = 4 - k.rank();
  for (int i = 0; i < k.rank(); ++i) {
    const int axis = offset + i;  // NCHW axis this constant dim aligns with
    const int64_t d = k.dims[size_t(i)];
    if (d == 1) continue;
    if (axis != 1) {
      ctx.unsupported("constant '" + name + "' of shape " + dims_str(k.dims) +
                      " broadcasts along " + (axis == 0 ? "N" : axis == 2 ? "H" : "W") +
                      " of the feature map " + dims_str(fm) +
                      "; expected a scalar or a per-channel constant ([C,1,1] or [1,C,1,1])");
    }
    if (d != c) {
      ctx.model_error("constant '" + name + "' of shape " + dims_str(k.dims) +
                      " does not broadcast with the feature map " + dims_str(fm));
    }
    channel_extent = d;
  }
  if (k.size() == 0) ctx.model_error("constant '" + name + "' is empty");
  std::vector<float> out(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) out[size_t(i)] = float(k.values[size_t(channel_extent == 1 ? 0 : i)]);
  return out;
}

void import_with_constant(ImportContext& ctx, int fm_index) {
  const std::string& op = ctx.op();
  const int k_index = 1 - fm_index;
  const int x = ctx.runtime_input(fm_index);
  const std::vector<int64_t> fm = ctx.runtime_dims(ctx.input(fm_index));
  const ConstTensor& constant = ctx.constant(ctx.input(k_index));
  ctx.require_finite(constant, ctx.input(k_index), "constant operand");
  const std::vector<float> k = per_channel(ctx, constant, ctx.input(k_index), fm);
  const size_t c = k.size();
  AffineParams p;
  p.scale.assign(c, 1.f);
  p.shift.assign(c, 0.f);
  const bool constant_left = k_index == 0;
  for (size_t i = 0; i < c; ++i) {
    if (op == "Add") {
      p.shift[i] = k[i];
    } else if (op == "Sub") {
      if (constant_left) {  // k - x
        p.scale[i] = -1.f;
        p.shift[i] = k[i];
      } else {
        p.shift[i] = -k[i];
      }
    } else if (op == "Mul") {
      p.scale[i] = k[i];
    } else {  // Div
      if (constant_left) {
        ctx.unsupported("dividing a constant by a feature map (a reciprocal) is not supported");
      }
      if (k[i] == 0.f) ctx.model_error("division by a constant zero");
      p.scale[i] = 1.f / k[i];
    }
  }
  ctx.add_node(OpKind::Affine, {x}, std::move(p));
}

bool is_channel_vector(const Shape& s, int c) { return s.h == 1 && s.w == 1 && s.c == c; }

void import_two_maps(ImportContext& ctx) {
  const std::string& op = ctx.op();
  int a = ctx.runtime_input(0);
  int b = ctx.runtime_input(1);
  const Shape sa = ctx.graph().tensor(a).shape;
  const Shape sb = ctx.graph().tensor(b).shape;
  if (op == "Add" || op == "Sub") {
    AddParams p;
    p.coef_b = op == "Sub" ? -1.f : 1.f;
    if (sa != sb && is_channel_vector(sa, sb.c)) {
      // The IR broadcasts only its second operand: swap, keeping each coefficient with its value.
      std::swap(a, b);
      std::swap(p.coef_a, p.coef_b);
    } else if (sa != sb && !is_channel_vector(sb, sa.c)) {
      ctx.unsupported("operands " + sa.str() + " and " + sb.str() + " (HxWxC) differ; expected "
                      "equal shapes or one side 1x1xC");
    }
    ctx.add_node(OpKind::Add, {a, b}, p);
    return;
  }
  BinaryParams p;
  p.kind = op == "Mul" ? BinaryKind::Mul : BinaryKind::Div;
  ctx.add_node(OpKind::Binary, {a, b}, p);
}

}  // namespace

void import_elementwise(ImportContext& ctx) {
  ctx.allow_attributes({});
  if (ctx.num_inputs() != 2) ctx.model_error("expected 2 inputs");
  const bool a_map = ctx.is_runtime(ctx.input(0));
  const bool b_map = ctx.is_runtime(ctx.input(1));
  if (a_map && b_map) return import_two_maps(ctx);
  if (a_map && ctx.is_constant(ctx.input(1))) return import_with_constant(ctx, 0);
  if (b_map && ctx.is_constant(ctx.input(0))) return import_with_constant(ctx, 1);
  const std::string missing = (a_map || ctx.is_constant(ctx.input(0))) ? ctx.input(1) : ctx.input(0);
  ctx.model_error("input '" + missing + "' is not produced by any earlier node or initializer");
}

}  // namespace dcnn::ir::onnximport
