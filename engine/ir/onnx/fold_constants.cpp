// Import-time evaluation of shape arithmetic. Exporters (PyTorch above all) compute Resize sizes
// as Shape(x) -> Gather -> Cast -> Mul -> Floor -> Concat ...; with the input size fixed at
// import every one of these is a constant, and the engine never sees them.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string>

#include "engine/ir/onnx/import_ops.h"

namespace dcnn::ir::onnximport {

namespace {

// Row-major strides. A tensor with a zero dimension is empty whatever its other dimensions
// are, so they may be huge (a fuzzed file had 0 x 1.7e18 x 117): the strides saturate instead of
// overflowing (undefined behaviour); an empty tensor's strides are never used to index.
std::vector<int64_t> strides_of(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (int i = int(dims.size()) - 2; i >= 0; --i)
    if (__builtin_mul_overflow(s[size_t(i) + 1], dims[size_t(i) + 1], &s[size_t(i)]))
      s[size_t(i)] = std::numeric_limits<int64_t>::max();
  return s;
}

int64_t normalise_axis(ImportContext& ctx, int64_t axis, int rank, const char* what) {
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= std::max(rank, 1)) {
    ctx.model_error(std::string(what) + " axis " + std::to_string(axis) + " is out of range for rank " +
                    std::to_string(rank));
  }
  return a;
}

ConstTensor from_attribute_tensor(ImportContext& ctx) {
  if (const auto* a = ctx.attr("value")) return decode_tensor(a->t(), ctx.source());
  ConstTensor t;
  if (const auto* a = ctx.attr("value_float")) {
    t.values = {double(a->f())};
  } else if (const auto* a = ctx.attr("value_int")) {
    t.values = {double(a->i())};
    t.is_integer = true;
  } else if (const auto* a = ctx.attr("value_floats")) {
    for (float v : a->floats()) t.values.push_back(v);
    t.dims = {int64_t(t.values.size())};
  } else if (const auto* a = ctx.attr("value_ints")) {
    for (int64_t v : a->ints()) t.values.push_back(double(v));
    t.dims = {int64_t(t.values.size())};
    t.is_integer = true;
  } else {
    ctx.unsupported("Constant without a value / value_float(s) / value_int(s) attribute");
  }
  return t;
}

// Numpy-style broadcasting of two constants.
ConstTensor elementwise(ImportContext& ctx, const ConstTensor& a, const ConstTensor& b) {
  const std::string& op = ctx.op();
  const size_t rank = std::max(a.dims.size(), b.dims.size());
  std::vector<int64_t> da(rank, 1), db(rank, 1), out(rank, 1);
  std::copy(a.dims.begin(), a.dims.end(), da.begin() + long(rank - a.dims.size()));
  std::copy(b.dims.begin(), b.dims.end(), db.begin() + long(rank - b.dims.size()));
  for (size_t i = 0; i < rank; ++i) {
    if (da[i] != db[i] && da[i] != 1 && db[i] != 1) ctx.model_error("constant operands do not broadcast");
    out[i] = da[i] == 1 ? db[i] : da[i];
  }
  ConstTensor r;
  r.dims = out;
  r.is_integer = a.is_integer && b.is_integer;
  const int64_t n = dims_product(out);
  if (n > (int64_t(1) << 24)) ctx.unsupported("constant arithmetic on more than 2^24 values");
  r.values.resize(size_t(n));
  const auto so = strides_of(out), sa = strides_of(da), sb = strides_of(db);
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = 0, ib = 0, rem = i;
    for (size_t d = 0; d < rank; ++d) {
      const int64_t idx = rem / so[d];
      rem %= so[d];
      if (da[d] != 1) ia += idx * sa[d];
      if (db[d] != 1) ib += idx * sb[d];
    }
    const double x = a.values[size_t(ia)], y = b.values[size_t(ib)];
    double v;
    if (op == "Add") v = x + y;
    else if (op == "Sub") v = x - y;
    else if (op == "Mul") v = x * y;
    else {
      if (r.is_integer) {
        if (y == 0) ctx.model_error("integer division by zero in constant arithmetic");
        v = std::trunc(x / y);
      } else {
        v = x / y;
      }
    }
    if (!r.is_integer) v = double(float(v));  // ONNX float arithmetic is float32
    r.values[size_t(i)] = v;
  }
  return r;
}

ConstTensor gather(ImportContext& ctx, const ConstTensor& data, const ConstTensor& indices,
                   const std::vector<int64_t>& idx) {
  if (data.rank() == 0) ctx.model_error("Gather on a scalar");
  const int64_t axis = normalise_axis(ctx, ctx.attr_int("axis", 0), data.rank(), "Gather");
  const int64_t extent = data.dims[size_t(axis)];
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= data.dims[size_t(i)];
  for (size_t i = size_t(axis) + 1; i < data.dims.size(); ++i) inner *= data.dims[i];
  ConstTensor r;
  r.is_integer = data.is_integer;
  r.dims.assign(data.dims.begin(), data.dims.begin() + axis);
  r.dims.insert(r.dims.end(), indices.dims.begin(), indices.dims.end());
  r.dims.insert(r.dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k : idx) {
      if (k < 0) k += extent;
      if (k < 0 || k >= extent) ctx.model_error("Gather index out of range");
      for (int64_t i = 0; i < inner; ++i) {
        r.values.push_back(data.values[size_t((o * extent + k) * inner + i)]);
      }
    }
  }
  return r;
}

ConstTensor slice(ImportContext& ctx, const ConstTensor& data) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.attr_ints("starts", {});
    ends = ctx.attr_ints("ends", {});
    axes = ctx.attr_ints("axes", {});
  } else {
    starts = ctx.int_input(1, "starts");
    ends = ctx.int_input(2, "ends");
    if (!ctx.input(3).empty()) axes = ctx.int_input(3, "axes");
    if (!ctx.input(4).empty()) steps = ctx.int_input(4, "steps");
  }
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    ctx.model_error("starts, ends, axes and steps differ in length");
  }
  const int rank = data.rank();
  // normalise_axis lets axis 0 through for rank 0 (Unsqueeze of a scalar needs that); a scalar
  // has no axis to slice (found by fuzz_onnx_import: dims[0] of a scalar was read).
  if (rank == 0) ctx.model_error("Slice of a scalar; expected a tensor of rank >= 1");
  std::vector<int64_t> begin(size_t(rank), 0), step(size_t(rank), 1), count(data.dims);
  for (size_t i = 0; i < starts.size(); ++i) {
    const size_t a = size_t(normalise_axis(ctx, axes[i], rank, "Slice"));
    const int64_t dim = data.dims[a];
    if (steps[i] == 0) ctx.model_error("Slice step 0");
    // A step longer than the axis takes the same single element as a step of the axis's
    // length; clamping keeps the count arithmetic below in range (a step of INT64_MIN or
    // INT64_MAX overflowed it: found with the fuzz_onnx_import harness).
    const int64_t longest = std::max<int64_t>(dim, 1);
    const int64_t s = std::clamp(steps[i], -longest, longest);
    auto clamp = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0) v += dim;  // ONNX: negative counts from the end (no overflow: dim > 0)
      return std::min(std::max(v, lo), hi);
    };
    int64_t b, e;
    if (s > 0) {
      b = clamp(starts[i], 0, dim);
      e = clamp(ends[i], 0, dim);
    } else {
      b = clamp(starts[i], -1, dim - 1);
      e = clamp(ends[i], -1, dim - 1);
    }
    begin[a] = b;
    step[a] = s;
    count[a] = s > 0 ? std::max<int64_t>(0, (e - b + s - 1) / s) : std::max<int64_t>(0, (b - e - s - 1) / -s);
  }
  ConstTensor r;
  r.is_integer = data.is_integer;
  r.dims = count;
  const int64_t n = dims_product(count);
  const auto sd = strides_of(data.dims), so = strides_of(count);
  for (int64_t i = 0; i < n; ++i) {
    int64_t src = 0, rem = i;
    for (size_t d = 0; d < size_t(rank); ++d) {
      const int64_t idx = rem / so[d];
      rem %= so[d];
      src += (begin[d] + idx * step[d]) * sd[d];
    }
    r.values.push_back(data.values[size_t(src)]);
  }
  return r;
}

ConstTensor concat(ImportContext& ctx) {
  std::vector<const ConstTensor*> parts;
  for (int i = 0; i < ctx.num_inputs(); ++i) parts.push_back(&ctx.constant(ctx.input(i)));
  if (parts.empty()) ctx.model_error("Concat has no inputs");
  const int rank = parts[0]->rank();
  if (rank == 0) ctx.model_error("Concat of scalars; expected tensors of rank >= 1");
  const int64_t axis = normalise_axis(ctx, ctx.attr_int("axis", 0), rank, "Concat");
  ConstTensor r;
  r.dims = parts[0]->dims;
  r.dims[size_t(axis)] = 0;
  r.is_integer = true;
  for (const ConstTensor* p : parts) {
    if (p->rank() != rank) ctx.model_error("Concat inputs differ in rank");
    for (int d = 0; d < rank; ++d) {
      if (d != axis && p->dims[size_t(d)] != parts[0]->dims[size_t(d)]) {
        ctx.model_error("Concat inputs differ off the concat axis");
      }
    }
    r.dims[size_t(axis)] += p->dims[size_t(axis)];
    r.is_integer = r.is_integer && p->is_integer;
  }
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= r.dims[size_t(d)];
  for (int64_t o = 0; o < outer; ++o) {
    for (const ConstTensor* p : parts) {
      const int64_t chunk = p->size() / std::max<int64_t>(outer, 1);
      r.values.insert(r.values.end(), p->values.begin() + long(o * chunk),
                      p->values.begin() + long((o + 1) * chunk));
    }
  }
  return r;
}

std::vector<int64_t> axes_argument(ImportContext& ctx) {
  if (ctx.has_attr("axes")) return ctx.attr_ints("axes", {});
  if (!ctx.input(1).empty()) return ctx.int_input(1, "axes");
  return {};
}

ConstTensor unsqueeze(ImportContext& ctx, ConstTensor t) {
  auto axes = axes_argument(ctx);
  const int out_rank = t.rank() + int(axes.size());
  for (int64_t& a : axes) a = normalise_axis(ctx, a, out_rank, "Unsqueeze");
  std::sort(axes.begin(), axes.end());
  // An axis named twice would insert past the end of dims (checked while fuzzing the importer).
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    ctx.model_error("Unsqueeze axes name an axis twice; expected distinct axes");
  for (int64_t a : axes) t.dims.insert(t.dims.begin() + a, 1);
  return t;
}

ConstTensor squeeze(ImportContext& ctx, ConstTensor t) {
  auto axes = axes_argument(ctx);
  std::vector<int64_t> dims;
  for (int d = 0; d < t.rank(); ++d) {
    bool drop = false;
    if (axes.empty()) {
      drop = t.dims[size_t(d)] == 1;
    } else {
      for (int64_t a : axes) {
        if (normalise_axis(ctx, a, t.rank(), "Squeeze") == d) drop = true;
      }
      if (drop && t.dims[size_t(d)] != 1) ctx.model_error("Squeeze of an axis whose size is not 1");
    }
    if (!drop) dims.push_back(t.dims[size_t(d)]);
  }
  t.dims = dims;
  return t;
}

ConstTensor reshape(ImportContext& ctx, ConstTensor t) {
  auto shape = ctx.int_input(1, "shape");
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && ctx.attr_int("allowzero", 0) == 0) {
      if (i >= t.dims.size()) ctx.model_error("Reshape copies a dimension the input lacks");
      shape[i] = t.dims[i];
    }
    if (shape[i] < -1 || shape[i] > t.size()) {
      ctx.model_error("Reshape target dim " + std::to_string(shape[i]) + " is out of range");
    }
    if (shape[i] == -1) {
      if (infer >= 0) ctx.model_error("Reshape has more than one -1");
      infer = int(i);
    } else {
      if (shape[i] > 0 && known > t.size() / shape[i]) ctx.model_error("Reshape changes the element count");
      known *= shape[i];
    }
  }
  if (infer >= 0) shape[size_t(infer)] = known ? t.size() / known : 0;
  if (dims_product(shape) != t.size()) ctx.model_error("Reshape changes the element count");
  t.dims = shape;
  return t;
}

ConstTensor cast(ImportContext& ctx, ConstTensor t) {
  const int64_t to = ctx.attr_int("to", onnx::TensorProto::FLOAT);
  const bool to_int = to != onnx::TensorProto::FLOAT && to != onnx::TensorProto::DOUBLE &&
                      to != onnx::TensorProto::FLOAT16;
  if (to == onnx::TensorProto::BOOL) {
    for (double& v : t.values) v = v != 0 ? 1 : 0;
  } else if (to_int) {
    for (double& v : t.values) v = std::trunc(v);
  } else if (to == onnx::TensorProto::FLOAT) {
    for (double& v : t.values) v = double(float(v));
  }
  t.is_integer = to_int;
  return t;
}

ConstTensor constant_of_shape(ImportContext& ctx) {
  ConstTensor r;
  r.dims = ctx.int_input(0, "shape");
  int64_t count = 1;
  for (int64_t d : r.dims) {
    if (d < 0 || d > (1 << 24)) ctx.model_error("ConstantOfShape dims must be in 0..2^24");
    count *= d;
    if (count > (1 << 24)) ctx.unsupported("ConstantOfShape of more than 2^24 values");
  }
  double value = 0;
  if (const auto* a = ctx.attr("value")) {
    const ConstTensor v = decode_tensor(a->t(), ctx.source());
    if (v.size() != 1) ctx.model_error("ConstantOfShape value must hold one element");
    value = v.values[0];
    r.is_integer = v.is_integer;
  }
  r.values.assign(size_t(r.size()), value);
  return r;
}

ConstTensor shape_of(ImportContext& ctx) {
  const std::string& x = ctx.input(0);
  std::vector<int64_t> dims = ctx.is_runtime(x) ? ctx.runtime_dims(x) : ctx.constant(x).dims;
  const int rank = int(dims.size());
  int64_t start = ctx.attr_int("start", 0), end = ctx.attr_int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::min<int64_t>(std::max<int64_t>(start, 0), rank);
  end = std::min<int64_t>(std::max<int64_t>(end, start), rank);
  ConstTensor r;
  r.is_integer = true;
  for (int64_t i = start; i < end; ++i) r.values.push_back(double(dims[size_t(i)]));
  r.dims = {end - start};
  return r;
}

bool all_inputs_constant(const ImportContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const std::string name = ctx.input(i);
    if (!name.empty() && !ctx.is_constant(name)) return false;
  }
  return true;
}

}  // namespace

bool try_fold_constant(ImportContext& ctx) {
  const std::string& op = ctx.op();
  const std::string out = ctx.node().output_size() > 0 ? ctx.node().output(0) : std::string();
  ConstTensor result;
  if (op == "Constant") {
    result = from_attribute_tensor(ctx);
  } else if (op == "Shape") {
    const std::string& x = ctx.input(0);
    if (!ctx.is_runtime(x) && !ctx.is_constant(x)) return false;  // caller reports the missing input
    result = shape_of(ctx);
  } else if (op == "ConstantOfShape") {
    if (!all_inputs_constant(ctx)) return false;
    result = constant_of_shape(ctx);
  } else {
    static const char* foldable[] = {"Gather", "Slice", "Concat", "Unsqueeze", "Squeeze", "Reshape",
                                     "Cast", "Identity", "Add", "Sub", "Mul", "Div", "Floor"};
    if (std::find(std::begin(foldable), std::end(foldable), op) == std::end(foldable)) return false;
    if (ctx.num_inputs() == 0 || !all_inputs_constant(ctx)) return false;
    const ConstTensor& x = ctx.constant(ctx.input(0));
    if (op == "Gather")
      result = gather(ctx, x, ctx.constant_input(1, "indices"), ctx.int_input(1, "indices"));
    else if (op == "Slice") result = slice(ctx, x);
    else if (op == "Concat") result = concat(ctx);
    else if (op == "Unsqueeze") result = unsqueeze(ctx, x);
    else if (op == "Squeeze") result = squeeze(ctx, x);
    else if (op == "Reshape") result = reshape(ctx, x);
    else if (op == "Cast") result = cast(ctx, x);
    else if (op == "Identity") result = x;
    else if (op == "Floor") {
      result = x;
      for (double& v : result.values) v = std::floor(v);
    } else {
      result = elementwise(ctx, x, ctx.constant_input(1, "second operand"));
    }
  }
  if (out.empty()) ctx.model_error("the node has no output");
  if (int64_t(result.values.size()) != result.size()) {
    throw Error(ErrorKind::Internal, ctx.source() + ": folding node '" + ctx.node_name() +
                                         "' produced an inconsistent constant");
  }
  ctx.set_constant(out, std::move(result));
  return true;
}

}  // namespace dcnn::ir::onnximport
