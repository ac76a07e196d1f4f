#include "engine/ir/onnx/const_tensor.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "engine/core/error.h"

namespace dcnn::ir::onnximport {

int64_t dims_product(const std::vector<int64_t>& dims) {
  // Saturates instead of overflowing (undefined behaviour): a product beyond int64 is never a
  // real tensor, and every caller rejects or cannot allocate a size that large. A zero
  // dimension anywhere makes the product 0 whatever the others are.
  for (int64_t d : dims)
    if (d == 0) return 0;
  int64_t n = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(n, d, &n)) return std::numeric_limits<int64_t>::max();
  return n;
}

int64_t ConstTensor::size() const { return dims_product(dims); }

std::vector<float> ConstTensor::floats() const {
  std::vector<float> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = float(values[i]);
  return out;
}

std::vector<int64_t> ConstTensor::ints() const {
  std::vector<int64_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (std::isnan(v)) out[i] = 0;  // ImportContext::int_input reports NaN first; never UB here
    else if (v >= 9.2e18) out[i] = std::numeric_limits<int64_t>::max();
    else if (v <= -9.2e18) out[i] = std::numeric_limits<int64_t>::min();
    else out[i] = int64_t(v);
  }
  return out;
}

namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h >> 15) << 31;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  float value;
  if (exp == 0) value = std::ldexp(float(mant), -24);  // zero / subnormal
  else if (exp == 31) value = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else value = std::ldexp(float(mant | 0x400), int(exp) - 25);
  return sign ? -value : value;
}

template <typename T>
void from_raw(const std::string& raw, std::vector<double>& out) {
  const size_t n = raw.size() / sizeof(T);
  out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out[i] = double(v);
  }
}

size_t element_bytes(int type) {
  switch (type) {
    case onnx::TensorProto::FLOAT: return 4;
    case onnx::TensorProto::DOUBLE: return 8;
    case onnx::TensorProto::FLOAT16: return 2;
    case onnx::TensorProto::INT64: return 8;
    case onnx::TensorProto::INT32: return 4;
    case onnx::TensorProto::INT16: return 2;
    case onnx::TensorProto::INT8: return 1;
    case onnx::TensorProto::UINT8: return 1;
    case onnx::TensorProto::BOOL: return 1;
    default: return 0;
  }
}

}  // namespace

ConstTensor decode_tensor(const onnx::TensorProto& proto, const std::string& source) {
  const std::string where = source + ": tensor '" + proto.name() + "'";
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    throw Error(ErrorKind::Unsupported,
                where + " stores its data in an external file; expected the data inside the .onnx "
                        "file (re-save it with onnx.save(..., save_as_external_data=False))");
  }
  const int type = proto.data_type();
  const size_t bytes = element_bytes(type);
  if (bytes == 0) {
    throw Error(ErrorKind::Unsupported,
                where + " has element type " + std::to_string(type) +
                    "; expected float, float16, double, int8/16/32/64, uint8 or bool");
  }
  ConstTensor t;
  int64_t count = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0) throw Error(ErrorKind::Model, where + " has a negative dimension");
    // Bound before multiplying: a corrupt dim must not overflow the element count.
    if (d > (int64_t(1) << 32) || (d > 0 && count > (int64_t(1) << 32) / d)) {
      throw Error(ErrorKind::Model, where + " has more than 2^32 elements (corrupt dims?)");
    }
    count *= d;
    t.dims.push_back(d);
  }
  t.is_integer = type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::DOUBLE &&
                 type != onnx::TensorProto::FLOAT16;
  const int64_t expected = t.size();
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != size_t(expected) * bytes) {
      throw Error(ErrorKind::Model, where + " has " + std::to_string(raw.size()) +
                                        " bytes of data but its dims need " +
                                        std::to_string(size_t(expected) * bytes) +
                                        " (truncated or corrupt file?)");
    }
    switch (type) {
      case onnx::TensorProto::FLOAT: from_raw<float>(raw, t.values); break;
      case onnx::TensorProto::DOUBLE: from_raw<double>(raw, t.values); break;
      case onnx::TensorProto::INT64: from_raw<int64_t>(raw, t.values); break;
      case onnx::TensorProto::INT32: from_raw<int32_t>(raw, t.values); break;
      case onnx::TensorProto::INT16: from_raw<int16_t>(raw, t.values); break;
      case onnx::TensorProto::INT8: from_raw<int8_t>(raw, t.values); break;
      case onnx::TensorProto::UINT8: from_raw<uint8_t>(raw, t.values); break;
      case onnx::TensorProto::BOOL: from_raw<uint8_t>(raw, t.values); break;
      case onnx::TensorProto::FLOAT16: {
        std::vector<double> bits;
        from_raw<uint16_t>(raw, bits);
        t.values.resize(bits.size());
        for (size_t i = 0; i < bits.size(); ++i) t.values[i] = half_to_float(uint16_t(bits[i]));
        break;
      }
      default: break;
    }
  } else {
    switch (type) {
      case onnx::TensorProto::FLOAT:
        for (float v : proto.float_data()) t.values.push_back(v);
        break;
      case onnx::TensorProto::DOUBLE:
        for (double v : proto.double_data()) t.values.push_back(v);
        break;
      case onnx::TensorProto::INT64:
        for (int64_t v : proto.int64_data()) t.values.push_back(double(v));
        break;
      case onnx::TensorProto::FLOAT16:
        for (int32_t v : proto.int32_data()) t.values.push_back(half_to_float(uint16_t(v)));
        break;
      default:  // int32, int16, int8, uint8, bool live in int32_data
        for (int32_t v : proto.int32_data()) t.values.push_back(double(v));
        break;
    }
    if (int64_t(t.values.size()) != expected) {
      throw Error(ErrorKind::Model, where + " has " + std::to_string(t.values.size()) +
                                        " values but its dims need " + std::to_string(expected));
    }
  }
  return t;
}

}  // namespace dcnn::ir::onnximport
