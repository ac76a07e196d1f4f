// Pointwise nonlinearities and BatchNormalization (an Affine that the passes fold into the
// preceding conv).
#include <cmath>
#include <limits>
#include <string>

#include "engine/ir/onnx/import_ops.h"

namespace dcnn::ir::onnximport {

namespace {

float clip_bound(ImportContext& ctx, int index, const char* what, float fallback) {
  if (ctx.input(index).empty()) return fallback;
  const ConstTensor& t = ctx.constant_input(index, what);
  if (t.size() != 1) ctx.unsupported(std::string("Clip ") + what + " must be a scalar");
  return float(t.values[0]);
}

// An infinite or NaN slope or offset turns every output into inf or NaN: silent garbage.
void require_finite(ImportContext& ctx, const char* attribute, float value) {
  if (!std::isfinite(value))
    ctx.model_error(ctx.op() + " attribute '" + attribute + "' is " + std::to_string(value) +
                    "; expected a finite number");
}

Activation read_activation(ImportContext& ctx) {
  const std::string& op = ctx.op();
  // ONNX's Relu, Sigmoid, HardSwish, ... take exactly one input; a second one would be read
  // by nothing, and the node would compute something else than the model meant (a Clip whose
  // op type was changed to Relu: an unbounded ReLU).
  int given = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i) given += ctx.input(i).empty() ? 0 : 1;
  if (op != "Clip" && given != 1)
    ctx.model_error(op + " has " + std::to_string(given) + " inputs; expected exactly one");
  Activation a;
  if (op == "Relu") {
    ctx.allow_attributes({});
    a.kind = ActKind::Relu;
  } else if (op == "Clip") {
    const float inf = std::numeric_limits<float>::infinity();
    float lo = -inf, hi = inf;
    // Attribute form (opset < 11) or input form (opset >= 11). The attribute form is accepted
    // at any opset too: OpenCV 4.6 reads only that form, so OpenCV-compatible exports write it
    // into opset-13 models.
    ctx.allow_attributes({"min", "max"});
    const bool attribute_form = ctx.has_attr("min") || ctx.has_attr("max");
    if (attribute_form && ctx.num_inputs() > 1) {
      ctx.model_error("Clip has both min/max attributes and min/max inputs; expected one form");
    }
    if (attribute_form || ctx.opset() < 11) {
      lo = ctx.attr_float("min", -std::numeric_limits<float>::max());
      hi = ctx.attr_float("max", std::numeric_limits<float>::max());
    } else {
      lo = clip_bound(ctx, 1, "min", -inf);
      hi = clip_bound(ctx, 2, "max", inf);
    }
    if (!(lo <= hi)) ctx.model_error("Clip min " + std::to_string(lo) + " exceeds max " + std::to_string(hi));
    if (lo == 0.f && hi >= std::numeric_limits<float>::max()) {
      a.kind = ActKind::Relu;  // Clip(0, inf) is ReLU; the cheaper form for every backend
    } else {
      a.kind = ActKind::Clip;
      a.alpha = lo;
      a.beta = hi;
    }
  } else if (op == "LeakyRelu") {
    ctx.allow_attributes({"alpha"});
    a.kind = ActKind::LeakyRelu;
    a.alpha = ctx.attr_float("alpha", 0.01f);
    require_finite(ctx, "alpha", a.alpha);
  } else if (op == "Sigmoid") {
    ctx.allow_attributes({});
    a.kind = ActKind::Sigmoid;
  } else if (op == "HardSigmoid") {
    ctx.allow_attributes({"alpha", "beta"});
    a.kind = ActKind::HardSigmoid;
    a.alpha = ctx.attr_float("alpha", 0.2f);
    a.beta = ctx.attr_float("beta", 0.5f);
    require_finite(ctx, "alpha", a.alpha);
    require_finite(ctx, "beta", a.beta);
  } else if (op == "HardSwish") {
    ctx.allow_attributes({});
    a.kind = ActKind::HardSwish;
  } else {
    ctx.unsupported("not an activation");
  }
  return a;
}

}  // namespace

void import_activation(ImportContext& ctx) {
  const Activation act = read_activation(ctx);
  const int x = ctx.runtime_input(0);
  ctx.add_node(OpKind::Activation, {x}, ActivationParams{act});
}

void import_batch_norm(ImportContext& ctx) {
  ctx.allow_attributes({"epsilon", "momentum", "training_mode", "spatial", "is_test",
                        "consumed_inputs"});
  if (ctx.attr_int("training_mode", 0) != 0) {
    ctx.unsupported("training_mode=1; expected an inference graph (training_mode 0)");
  }
  if (ctx.attr_int("spatial", 1) != 1) ctx.unsupported("spatial=0 (per-pixel statistics)");
  const int x = ctx.runtime_input(0);
  const int c = ctx.graph().tensor(x).shape.c;
  const char* names[4] = {"scale", "bias (B)", "mean", "variance"};
  std::vector<float> params[4];
  for (int i = 0; i < 4; ++i) {
    const ConstTensor& t = ctx.finite_input(i + 1, names[i]);
    if (t.size() != c) {
      ctx.model_error(std::string(names[i]) + " has " + std::to_string(t.size()) +
                      " values; expected " + std::to_string(c) + " (the input's channels)");
    }
    params[i] = t.floats();
  }
  const float eps = ctx.attr_float("epsilon", 1e-5f);
  AffineParams p;
  p.scale.resize(size_t(c));
  p.shift.resize(size_t(c));
  for (size_t k = 0; k < size_t(c); ++k) {
    if (params[3][k] + eps <= 0.f) {
      ctx.model_error("variance + epsilon of channel " + std::to_string(k) + " is not positive");
    }
    // Computed in double: the folded conv weights then match the unfused model to ~1 ulp.
    const double s = double(params[0][k]) / std::sqrt(double(params[3][k]) + double(eps));
    p.scale[k] = float(s);
    p.shift[k] = float(double(params[1][k]) - double(params[2][k]) * s);
  }
  ctx.add_node(OpKind::Affine, {x}, std::move(p));
}

}  // namespace dcnn::ir::onnximport
