#include "engine/ir/graph.h"

#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/ir/shape_inference.h"

namespace dcnn::ir {

int Graph::add_tensor(const std::string& name, Shape shape) {
  tensors.push_back(Tensor{name, shape});
  return int(tensors.size()) - 1;
}

int Graph::find_tensor(const std::string& name) const {
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].name == name) return int(i);
  }
  return -1;
}

std::vector<int> Graph::consumers(int tensor_id) const {
  std::vector<int> out;
  for (size_t n = 0; n < nodes.size(); ++n) {
    for (int in : nodes[n].inputs) {
      if (in == tensor_id) {
        out.push_back(int(n));
        break;  // a node reading the same tensor twice (x * x) is one consumer
      }
    }
  }
  return out;
}

namespace {

[[noreturn]] void broken(const Graph& g, const std::string& what) {
  throw Error(ErrorKind::Internal,
              "graph invariant broken" + (g.source.empty() ? std::string() : " in " + g.source) +
                  ": " + what);
}

}  // namespace

void Graph::validate() const {
  const int num_tensors = int(tensors.size());
  if (input < 0 || input >= num_tensors) broken(*this, "input tensor id out of range");
  // produced[t]: the tensor has a value at this point of the topological order.
  std::vector<char> produced(tensors.size(), 0);
  produced[size_t(input)] = 1;
  for (const Node& node : nodes) {
    const std::string where = "node '" + node.name + "' (" + to_string(node.kind) + ")";
    if (node.inputs.empty()) broken(*this, where + " has no inputs");
    for (int in : node.inputs) {
      if (in < 0 || in >= num_tensors) broken(*this, where + " reads a tensor id out of range");
      if (!produced[size_t(in)]) {
        broken(*this, where + " reads '" + tensors[size_t(in)].name +
                          "' before any node produces it (order broken)");
      }
    }
    if (node.output < 0 || node.output >= num_tensors) {
      broken(*this, where + " writes a tensor id out of range");
    }
    if (produced[size_t(node.output)]) {
      broken(*this, where + " writes '" + tensors[size_t(node.output)].name +
                        "', which already has a producer");
    }
    produced[size_t(node.output)] = 1;
    // Shapes are only checked once shape inference filled them.
    const Shape& have = tensors[size_t(node.output)].shape;
    if (have.size() > 0) {
      Shape want;
      try {
        want = infer_node_shape(*this, node);
      } catch (const Error& e) {
        broken(*this, where + ": " + e.what());
      }
      if (want != have) {
        broken(*this, where + " output '" + tensors[size_t(node.output)].name + "' is " +
                          have.str() + " but its inputs give " + want.str());
      }
    }
  }
  if (outputs.empty()) broken(*this, "the graph has no outputs");
  for (int out : outputs) {
    if (out < 0 || out >= num_tensors || !produced[size_t(out)]) {
      broken(*this, "a graph output is not produced by any node");
    }
  }
}

const char* to_string(OpKind kind) noexcept {
  switch (kind) {
    case OpKind::Conv: return "Conv";
    case OpKind::ConvTranspose: return "ConvTranspose";
    case OpKind::Activation: return "Activation";
    case OpKind::Affine: return "Affine";
    case OpKind::Add: return "Add";
    case OpKind::Binary: return "Binary";
    case OpKind::Concat: return "Concat";
    case OpKind::Pool: return "Pool";
    case OpKind::GlobalPool: return "GlobalPool";
    case OpKind::Resize: return "Resize";
  }
  return "?";
}

const char* to_string(ActKind kind) noexcept {
  switch (kind) {
    case ActKind::None: return "None";
    case ActKind::Relu: return "Relu";
    case ActKind::Clip: return "Clip";
    case ActKind::LeakyRelu: return "LeakyRelu";
    case ActKind::Sigmoid: return "Sigmoid";
    case ActKind::HardSigmoid: return "HardSigmoid";
    case ActKind::HardSwish: return "HardSwish";
  }
  return "?";
}

}  // namespace dcnn::ir
