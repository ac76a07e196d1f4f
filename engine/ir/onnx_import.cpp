#include "engine/ir/onnx_import.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <onnx/onnx_pb.h>

#include "engine/core/error.h"
#include "engine/core/file_check.h"
#include "engine/ir/onnx/import_context.h"
#include "engine/ir/onnx/import_ops.h"
#include "engine/ir/shape_inference.h"

namespace dcnn::ir {

using onnximport::ImportContext;

namespace onnximport {

const char* supported_ops_list() {
  return "Conv, ConvTranspose, BatchNormalization, Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid, "
         "HardSwish, Add, Sub, Mul, Div, Concat, MaxPool, AveragePool, GlobalAveragePool, "
         "ReduceMean, Resize, Upsample, Identity, Dropout; on constants only (shape arithmetic): "
         "Constant, Shape, Gather, Slice, Unsqueeze, Squeeze, Reshape, Cast, ConstantOfShape, "
         "Floor";
}

}  // namespace onnximport

namespace {

using Translator = void (*)(ImportContext&);

Translator find_translator(const std::string& op) {
  using namespace onnximport;
  static const std::pair<const char*, Translator> table[] = {
      {"Conv", import_conv},
      {"ConvTranspose", import_conv_transpose},
      {"BatchNormalization", import_batch_norm},
      {"Relu", import_activation},
      {"Clip", import_activation},
      {"LeakyRelu", import_activation},
      {"Sigmoid", import_activation},
      {"HardSigmoid", import_activation},
      {"HardSwish", import_activation},
      {"Add", import_elementwise},
      {"Sub", import_elementwise},
      {"Mul", import_elementwise},
      {"Div", import_elementwise},
      {"Concat", import_concat},
      {"MaxPool", import_pool},
      {"AveragePool", import_pool},
      {"GlobalAveragePool", import_global_pool},
      {"ReduceMean", import_global_pool},
      {"Resize", import_resize},
      {"Upsample", import_resize},
  };
  for (const auto& entry : table) {
    if (op == entry.first) return entry.second;
  }
  return nullptr;
}

bool is_constant_only_op(const std::string& op) {
  static const std::set<std::string> ops = {"Shape", "Gather", "Slice", "Unsqueeze", "Squeeze",
                                            "Reshape", "Cast", "ConstantOfShape", "Floor"};
  return ops.count(op) != 0;
}

int64_t default_opset(const onnx::ModelProto& model, const std::string& source) {
  for (const auto& op : model.opset_import()) {
    if (!(op.domain().empty() || op.domain() == "ai.onnx")) continue;
    // Opsets count from 1: 0 or less is a damaged file, not an old one.
    if (op.version() < 1)
      throw Error(ErrorKind::Model, source + ": imports ai.onnx opset " + std::to_string(op.version()) +
                                        "; expected an opset version of 1 or more (the file's "
                                        "opset_import is damaged)");
    return op.version();
  }
  if (model.opset_import_size() == 0) return 1;  // IR version 2 models carry no opset list
  throw Error(ErrorKind::Unsupported,
              source + ": the model imports no default-domain (ai.onnx) opset");
}

std::string dims_str(const onnx::TensorShapeProto& shape) {
  std::string s = "[";
  for (int i = 0; i < shape.dim_size(); ++i) {
    const auto& d = shape.dim(i);
    s += (i ? "," : "") + (d.has_dim_value() ? std::to_string(d.dim_value())
                                              : (d.dim_param().empty() ? std::string("?") : d.dim_param()));
  }
  return s + "]";
}

// The one graph input that is not an initializer: rank 4, float, N = 1, known C.
void add_graph_input(ImportContext& ctx, const onnx::GraphProto& g, const ImportOptions& options) {
  std::set<std::string> initializers;
  for (const auto& t : g.initializer()) initializers.insert(t.name());
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& in : g.input()) {
    if (!initializers.count(in.name())) inputs.push_back(&in);
  }
  const std::string& src = ctx.source();
  if (inputs.size() != 1) {
    std::string names;
    for (const auto* in : inputs) names += (names.empty() ? "" : ", ") + in->name();
    throw Error(ErrorKind::Unsupported, src + ": the model has " + std::to_string(inputs.size()) +
                                            " graph inputs (" + names +
                                            "); expected exactly one image input");
  }
  const onnx::ValueInfoProto& in = *inputs[0];
  const std::string where = src + ": input '" + in.name() + "'";
  if (!in.type().has_tensor_type()) throw Error(ErrorKind::Unsupported, where + " is not a tensor");
  const auto& tt = in.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT) {
    throw Error(ErrorKind::Unsupported, where + " has element type " + std::to_string(tt.elem_type()) +
                                            "; expected float (1)");
  }
  if (!tt.has_shape() || tt.shape().dim_size() != 4) {
    throw Error(ErrorKind::Model, where + " has shape " +
                                      (tt.has_shape() ? dims_str(tt.shape()) : std::string("(none)")) +
                                      "; expected rank 4 [1, C, H, W] (NCHW)");
  }
  const auto& shape = tt.shape();
  auto fixed = [&](int i) -> int64_t { return shape.dim(i).has_dim_value() ? shape.dim(i).dim_value() : -1; };
  if (fixed(0) != 1 && fixed(0) != -1) {
    throw Error(ErrorKind::Unsupported, where + " has batch " + std::to_string(fixed(0)) +
                                            "; expected 1 (streams are not batched)");
  }
  if (fixed(1) <= 0 || fixed(1) > 4096) {
    throw Error(ErrorKind::Model, where + " of shape " + dims_str(shape) +
                                      " has no fixed channel count; expected [1, C, H, W]");
  }
  // The declared size is the one it was exported at (the YAML's size runs, and is checked against
  // it): a side no input of this engine can have is a broken file, said as such rather than
  // reported back later, clamped, in a size warning.
  for (const int i : {2, 3})
    if (fixed(i) > 16384)
      throw Error(ErrorKind::Model, where + " of shape " + dims_str(shape) + " declares a " +
                                        (i == 2 ? "height" : "width") + " of " + std::to_string(fixed(i)) +
                                        "; expected the size it was exported at, at most 16384 (or a dynamic one)");
  int64_t h = options.input_height > 0 ? options.input_height : fixed(2);
  int64_t w = options.input_width > 0 ? options.input_width : fixed(3);
  if (options.input_height < 0 || options.input_width < 0) {
    throw Error(ErrorKind::Input, where + ": the requested input size must not be negative");
  }
  if (h <= 0 || w <= 0) {
    throw Error(ErrorKind::Model, where + " of shape " + dims_str(shape) +
                                      " has a dynamic height/width; give the input size "
                                      "(ImportOptions / the YAML input size)");
  }
  if (h > 16384 || w > 16384) throw Error(ErrorKind::Input, where + ": input size above 16384");
  Graph& graph = ctx.graph();
  graph.exported_height = int(std::clamp<int64_t>(fixed(2), 0, 1 << 30));  // -1: dynamic -> 0
  graph.exported_width = int(std::clamp<int64_t>(fixed(3), 0, 1 << 30));
  graph.input = graph.add_tensor(in.name(), Shape{int(h), int(w), int(fixed(1))});
  ctx.set_runtime(in.name(), graph.input);
}

std::string unique_node_name(const onnx::NodeProto& node, int index, std::set<std::string>& used) {
  std::string name = node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
  if (used.count(name)) name += "_" + std::to_string(index);  // names key per-layer thresholds
  used.insert(name);
  return name;
}

// Identity and Dropout (inference) pass their input through.
void import_passthrough(ImportContext& ctx) {
  const auto& node = ctx.node();
  if (node.op_type() == "Dropout") {
    ctx.allow_attributes({"ratio", "seed", "is_test"});
    // Opset 12+: training_mode input; true would make the output random.
    if (!ctx.input(2).empty()) {
      const auto& mode = ctx.constant_input(2, "training_mode");
      if (mode.size() != 1 || mode.values[0] != 0) ctx.unsupported("training_mode=true");
    }
    if (node.output_size() > 1 && !node.output(1).empty()) ctx.unsupported("the mask output");
  } else {
    ctx.allow_attributes({});
  }
  const std::string in = ctx.input(0);
  if (node.output_size() < 1) ctx.model_error("the node has no output");
  if (ctx.is_constant(in)) {
    ctx.set_constant(node.output(0), ctx.constant(in));
  } else {
    ctx.set_runtime(node.output(0), ctx.runtime_input(0));
  }
}

void import_node(ImportContext& ctx) {
  const onnx::NodeProto& node = ctx.node();
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    ctx.unsupported("op domain '" + node.domain() + "' is not supported; supported ops (ai.onnx): " +
                    onnximport::supported_ops_list());
  }
  const std::string& op = node.op_type();
  if (op == "Identity" || op == "Dropout") {
    if (op == "Identity" && onnximport::try_fold_constant(ctx)) return;
    return import_passthrough(ctx);
  }
  if (onnximport::try_fold_constant(ctx)) return;
  if (Translator t = find_translator(op)) return t(ctx);
  if (is_constant_only_op(op)) {
    ctx.unsupported("op '" + op + "' is supported only on constants (shape arithmetic), but it "
                    "reads a feature map or an unknown value; supported ops: " +
                    onnximport::supported_ops_list());
  }
  ctx.unsupported("op '" + op + "' is not supported; supported ops: " +
                  onnximport::supported_ops_list());
}

Graph import_model(const onnx::ModelProto& model, const std::string& source,
                   const ImportOptions& options) {
  if (!model.has_graph()) {
    throw Error(ErrorKind::Model, source + ": the file holds no graph (not an ONNX model?)");
  }
  const onnx::GraphProto& g = model.graph();
  ImportContext ctx(source, default_opset(model, source));
  for (const auto& init : g.initializer()) {
    ctx.set_constant(init.name(), onnximport::decode_tensor(init, source));
  }
  add_graph_input(ctx, g, options);
  std::set<std::string> used_names;
  for (int i = 0; i < g.node_size(); ++i) {
    ctx.begin_node(g.node(i), unique_node_name(g.node(i), i, used_names));
    import_node(ctx);
  }
  Graph graph = ctx.take_graph();
  if (g.output_size() == 0) throw Error(ErrorKind::Model, source + ": the graph has no outputs");
  for (const auto& out : g.output()) {
    const std::string& name = out.name();
    int id = -1;
    for (size_t t = 0; t < graph.tensors.size(); ++t) {
      if (graph.tensors[t].name == name) id = int(t);
    }
    if (id < 0) {
      if (ctx.is_runtime(name)) {
        // An Identity output: show it under the graph output's name (heads are found by name).
        id = ctx.runtime(name);
        graph.tensors[size_t(id)].name = name;
      } else if (ctx.is_constant(name)) {
        throw Error(ErrorKind::Unsupported, source + ": graph output '" + name +
                                                "' is a constant; expected a feature map");
      } else {
        throw Error(ErrorKind::Model, source + ": graph output '" + name +
                                          "' is not produced by any node (truncated file?)");
      }
    }
    if (id == graph.input) {
      throw Error(ErrorKind::Unsupported, source + ": graph output '" + name + "' is the input itself");
    }
    graph.outputs.push_back(id);
  }
  infer_shapes(graph);
  graph.validate();
  return graph;
}

}  // namespace

Graph import_onnx_from_memory(const std::string& bytes, const std::string& source_name,
                              const ImportOptions& options) {
  onnx::ModelProto model;
  static const char* const kExpected = "; expected an ONNX model file (tools/tfjs2onnx.py converts TF.js models)";
  if (bytes.empty()) throw Error(ErrorKind::Model, source_name + ": the file is empty" + kExpected);
  if (!model.ParseFromString(bytes)) {
    throw Error(ErrorKind::Model, source_name + ": not a valid ONNX model (corrupt or truncated "
                                                "protobuf, " + std::to_string(bytes.size()) + " bytes)" + kExpected);
  }
  return import_model(model, source_name, options);
}

Graph import_onnx(const std::string& path, const ImportOptions& options) {
  // A directory opens as an empty stream: without this it would read as "the file is empty".
  require_regular_file(path, "ONNX model", "the path of an .onnx file");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorKind::NotFound, path + ": cannot open the ONNX model (missing or unreadable)");
  std::ostringstream data;
  data << file.rdbuf();
  if (file.bad()) throw Error(ErrorKind::NotFound, path + ": read error");
  return import_onnx_from_memory(data.str(), path, options);
}

}  // namespace dcnn::ir
