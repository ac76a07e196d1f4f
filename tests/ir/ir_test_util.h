// Helpers shared by the IR test binaries: import a builder's model from memory, find nodes,
// and check that a call throws dcnn::Error of a kind with a message naming what it should.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "engine/ir/graph.h"
#include "engine/ir/onnx_import.h"
#include "tests/common/onnx_builder.h"

namespace dcnn::test {

inline ir::Graph import_model(const OnnxBuilder& b, const ir::ImportOptions& options = {}) {
  return ir::import_onnx_from_memory(b.bytes(), "test.onnx", options);
}

// Indices of the nodes of one kind, in graph order.
inline std::vector<const ir::Node*> nodes_of(const ir::Graph& g, ir::OpKind kind) {
  std::vector<const ir::Node*> out;
  for (const auto& n : g.nodes) {
    if (n.kind == kind) out.push_back(&n);
  }
  return out;
}

inline const ir::Node& only_node(const ir::Graph& g) {
  EXPECT_EQ(g.nodes.size(), 1u);
  if (g.nodes.empty()) throw std::runtime_error("graph has no nodes");
  return g.nodes.front();
}

inline Shape out_shape(const ir::Graph& g, size_t output = 0) {
  return g.tensors.at(size_t(g.outputs.at(output))).shape;
}

// Runs fn; passes when it throws dcnn::Error of `kind` whose message contains every fragment.
inline ::testing::AssertionResult throws_error(const std::function<void()>& fn, ErrorKind kind,
                                               std::initializer_list<std::string> fragments) {
  try {
    fn();
  } catch (const Error& e) {
    if (e.kind() != kind) {
      return ::testing::AssertionFailure() << "wrong kind " << to_string(e.kind()) << " (wanted "
                                           << to_string(kind) << "): " << e.what();
    }
    const std::string msg = e.what();
    for (const auto& f : fragments) {
      if (msg.find(f) == std::string::npos) {
        return ::testing::AssertionFailure() << "message lacks '" << f << "': " << msg;
      }
    }
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-dcnn exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

}  // namespace dcnn::test
