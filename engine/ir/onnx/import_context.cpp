#include "engine/ir/onnx/import_context.h"

#include <algorithm>
#include <cmath>

#include "engine/ir/shape_inference.h"

namespace dcnn::ir::onnximport {

ImportContext::ImportContext(std::string source, int64_t opset)
    : source_(std::move(source)), opset_(opset) {
  graph_.source = source_;
}

void ImportContext::begin_node(const onnx::NodeProto& node, const std::string& ir_name) {
  node_ = &node;
  node_name_ = ir_name;
}

void ImportContext::fail(ErrorKind kind, const std::string& what) const {
  std::string where = source_ + ": ";
  if (node_) where += "node '" + node_name_ + "' (" + node_->op_type() + "): ";
  throw Error(kind, where + what);
}

const ConstTensor& ImportContext::constant(const std::string& name) const {
  auto it = constants_.find(name);
  if (it == constants_.end()) model_error("'" + name + "' is not a constant");
  return it->second;
}

void ImportContext::set_constant(const std::string& name, ConstTensor value) {
  constants_[name] = std::move(value);
}

int ImportContext::runtime(const std::string& name) const {
  auto it = runtime_.find(name);
  if (it == runtime_.end()) model_error("'" + name + "' is not a feature map");
  return it->second;
}

std::vector<int64_t> ImportContext::runtime_dims(const std::string& name) const {
  const Shape& s = graph_.tensors.at(size_t(runtime(name))).shape;
  return {1, s.c, s.h, s.w};
}

std::string ImportContext::input(int i) const {
  return i < node_->input_size() ? node_->input(i) : std::string();
}

std::vector<int64_t> ImportContext::int_input(int i, const char* what) const {
  const ConstTensor& t = constant_input(i, what);
  for (double v : t.values) {
    if (std::isnan(v)) {
      model_error(std::string("the ") + what + " ('" + input(i) + "') holds NaN; expected integers");
    }
  }
  return t.ints();
}

const ConstTensor& ImportContext::constant_input(int i, const char* what) const {
  const std::string name = input(i);
  if (name.empty()) model_error(std::string("the ") + what + " input is missing");
  if (is_runtime(name)) {
    unsupported(std::string("the ") + what + " ('" + name +
                "') is computed at run time; expected a constant or initializer");
  }
  if (!is_constant(name)) {
    model_error("input '" + name + "' is not produced by any earlier node or initializer");
  }
  return constant(name);
}

const ConstTensor& ImportContext::finite_input(int i, const char* what) const {
  const ConstTensor& t = constant_input(i, what);
  require_finite(t, input(i), what);
  return t;
}

void ImportContext::require_finite(const ConstTensor& t, const std::string& name,
                                   const std::string& what) const {
  int64_t bad = 0, first = -1;
  for (size_t k = 0; k < t.values.size(); ++k) {
    if (std::isfinite(float(t.values[k]))) continue;
    if (bad++ == 0) first = int64_t(k);
  }
  if (bad == 0) return;
  model_error("the " + what + " '" + name + "' holds " + std::to_string(bad) + " of " +
              std::to_string(t.values.size()) + " values that are NaN or infinite as float (the first " +
              "at index " + std::to_string(first) + "); expected finite numbers (a broken export or a "
              "corrupted file)");
}

int ImportContext::runtime_input(int i) const {
  const std::string name = input(i);
  if (name.empty()) model_error("input " + std::to_string(i) + " is missing");
  if (is_constant(name)) {
    unsupported("input '" + name + "' is a constant; expected a feature map computed from the image");
  }
  if (!is_runtime(name)) {
    model_error("input '" + name + "' is not produced by any earlier node (graph not in "
                "topological order, or it is an unsupported secondary output)");
  }
  return runtime(name);
}

int ImportContext::add_node(OpKind kind, std::vector<int> inputs, NodeParams params) {
  if (node_->output_size() < 1 || node_->output(0).empty()) model_error("the node has no output");
  const std::string& out_name = node_->output(0);
  Node n;
  n.name = node_name_;
  n.onnx_op = node_->op_type();
  n.kind = kind;
  n.inputs = std::move(inputs);
  n.params = std::move(params);
  // Shapes are needed during import (auto_pad, Shape ops), so infer as we go.
  const Shape shape = infer_node_shape(graph_, n);
  if (kind == OpKind::Resize) {
    auto& p = n.as<ResizeParams>();
    p.out_h = shape.h;
    p.out_w = shape.w;
  }
  n.output = graph_.add_tensor(out_name, shape);
  graph_.nodes.push_back(std::move(n));
  runtime_[out_name] = graph_.nodes.back().output;
  constants_.erase(out_name);
  return graph_.nodes.back().output;
}

void ImportContext::allow_attributes(std::initializer_list<const char*> names) const {
  for (const auto& a : node_->attribute()) {
    bool known = std::any_of(names.begin(), names.end(),
                             [&](const char* n) { return a.name() == n; });
    if (!known) {
      std::string list;
      for (const char* n : names) list += std::string(list.empty() ? "" : ", ") + n;
      // The opset, because most attributes the importer does not know belong to operator
      // versions far older or newer than the exporters' usual 11-17 (BatchNormalization-1's
      // consumed_inputs, Resize-18's antialias).
      unsupported("attribute '" + a.name() + "' is not supported (the model imports ai.onnx opset " +
                  std::to_string(opset_) + "); supported attributes: " + (list.empty() ? "none" : list));
    }
  }
}

const onnx::AttributeProto* ImportContext::attr(const char* name) const {
  for (const auto& a : node_->attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

bool ImportContext::has_attr(const char* name) const { return attr(name) != nullptr; }

const onnx::AttributeProto* ImportContext::typed_attr(const char* name,
                                                      onnx::AttributeProto::AttributeType type,
                                                      const char* type_name) const {
  const onnx::AttributeProto* a = attr(name);
  if (!a) return nullptr;
  // Old exporters leave `type` unset (UNDEFINED); accept those and read the field.
  if (a->type() != type && a->type() != onnx::AttributeProto::UNDEFINED) {
    model_error(std::string("attribute '") + name + "' must be of type " + type_name);
  }
  return a;
}

int64_t ImportContext::attr_int(const char* name, int64_t fallback) const {
  const auto* a = typed_attr(name, onnx::AttributeProto::INT, "int");
  return a ? a->i() : fallback;
}

float ImportContext::attr_float(const char* name, float fallback) const {
  const auto* a = typed_attr(name, onnx::AttributeProto::FLOAT, "float");
  return a ? a->f() : fallback;
}

std::string ImportContext::attr_string(const char* name, const std::string& fallback) const {
  const auto* a = typed_attr(name, onnx::AttributeProto::STRING, "string");
  return a ? a->s() : fallback;
}

std::vector<int64_t> ImportContext::attr_ints(const char* name, std::vector<int64_t> fallback) const {
  const auto* a = typed_attr(name, onnx::AttributeProto::INTS, "ints");
  if (!a) return fallback;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::vector<float> ImportContext::attr_floats(const char* name, std::vector<float> fallback) const {
  const auto* a = typed_attr(name, onnx::AttributeProto::FLOATS, "floats");
  if (!a) return fallback;
  return std::vector<float>(a->floats().begin(), a->floats().end());
}

}  // namespace dcnn::ir::onnximport
