// A constant ONNX value known at import time: an initializer, a Constant node, or the folded
// result of shape arithmetic (Shape -> Gather -> Mul -> Concat -> Resize sizes, as PyTorch
// exports it). Values are kept as double whatever the ONNX type: exact for every int64 that
// occurs in shapes and for every float, and one code path for the folding ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace dcnn::ir::onnximport {

struct ConstTensor {
  std::vector<int64_t> dims;   // empty = scalar
  std::vector<double> values;  // row-major, size = product(dims)
  bool is_integer = false;     // int/bool element type: division truncates, Cast rounds

  int64_t size() const;
  int rank() const { return int(dims.size()); }
  std::vector<float> floats() const;
  // Saturating conversion: ONNX uses INT64_MAX / INT64_MIN as "to the end" in Slice. Inputs
  // read as integers go through ImportContext::int_input, which refuses NaN.
  std::vector<int64_t> ints() const;
};

int64_t dims_product(const std::vector<int64_t>& dims);

// Decodes a TensorProto (raw_data or the typed fields; float, float16, double, int8..int64,
// uint8, bool). Throws dcnn::Error(Model) naming `source` and the tensor on size mismatches,
// Unsupported for external data or other element types.
ConstTensor decode_tensor(const onnx::TensorProto& proto, const std::string& source);

}  // namespace dcnn::ir::onnximport
