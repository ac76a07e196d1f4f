#include "tests/common/onnx_builder.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

namespace dcnn::test {

// 0 when a dim is 0, saturated at INT64_MAX otherwise: tests build empty tensors with huge
// dims on purpose (import_errors_test), and a plain product would overflow (UB) before the 0.
int64_t element_count(const std::vector<int64_t>& dims) {
  for (int64_t d : dims)
    if (d == 0) return 0;
  int64_t n = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(n, d, &n)) return INT64_MAX;
  return n;
}

namespace {

void check_count(const std::string& name, const std::vector<int64_t>& dims, size_t values) {
  if (element_count(dims) != int64_t(values)) {
    throw std::invalid_argument("onnx_builder: tensor '" + name + "' has " +
                                std::to_string(values) + " values but its dims hold " +
                                std::to_string(element_count(dims)));
  }
}

void fill_float_tensor(onnx::TensorProto* t, const std::string& name,
                       const std::vector<int64_t>& dims, const std::vector<float>& values) {
  check_count(name, dims, values.size());
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  // raw_data is what PyTorch and onnx.numpy_helper write; float_data would be the other
  // legal form. Little-endian hosts only, like every machine this project targets.
  t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()),
                              values.size() * sizeof(float)));
}

void fill_int64_tensor(onnx::TensorProto* t, const std::string& name,
                       const std::vector<int64_t>& dims, const std::vector<int64_t>& values) {
  check_count(name, dims, values.size());
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : dims) t->add_dims(d);
  for (int64_t v : values) t->add_int64_data(v);
}

void set_value_info(onnx::ValueInfoProto* vi, const std::string& name,
                    const std::vector<int64_t>& dims, bool with_shape) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  if (!with_shape) return;
  auto* shape = tt->mutable_shape();
  int symbol = 0;
  for (int64_t d : dims) {
    auto* dim = shape->add_dim();
    if (d >= 0) dim->set_dim_value(d);
    else dim->set_dim_param(name + "_dim" + std::to_string(symbol++));
  }
}

}  // namespace

onnx::AttributeProto& NodeRef::add(const std::string& name,
                                   onnx::AttributeProto::AttributeType type) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(type);
  return *a;
}

NodeRef& NodeRef::i(const std::string& name, int64_t value) {
  add(name, onnx::AttributeProto::INT).set_i(value);
  return *this;
}

NodeRef& NodeRef::f(const std::string& name, float value) {
  add(name, onnx::AttributeProto::FLOAT).set_f(value);
  return *this;
}

NodeRef& NodeRef::s(const std::string& name, const std::string& value) {
  add(name, onnx::AttributeProto::STRING).set_s(value);
  return *this;
}

NodeRef& NodeRef::ints(const std::string& name, const std::vector<int64_t>& values) {
  auto& a = add(name, onnx::AttributeProto::INTS);
  for (int64_t v : values) a.add_ints(v);
  return *this;
}

NodeRef& NodeRef::floats(const std::string& name, const std::vector<float>& values) {
  auto& a = add(name, onnx::AttributeProto::FLOATS);
  for (float v : values) a.add_floats(v);
  return *this;
}

NodeRef& NodeRef::tensor(const std::string& name, const std::vector<int64_t>& dims,
                         const std::vector<float>& values) {
  auto& a = add(name, onnx::AttributeProto::TENSOR);
  fill_float_tensor(a.mutable_t(), name, dims, values);
  return *this;
}

OnnxBuilder::OnnxBuilder(int64_t opset, const std::string& graph_name) {
  model_.set_ir_version(7);  // ONNX 1.8+; read by OpenCV 4.6 and every onnx 1.12 tool
  model_.set_producer_name("deltacnn-tests");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_.mutable_graph()->set_name(graph_name);
}

OnnxBuilder& OnnxBuilder::input(const std::string& name, const std::vector<int64_t>& dims) {
  set_value_info(model_.mutable_graph()->add_input(), name, dims, true);
  return *this;
}

OnnxBuilder& OnnxBuilder::output(const std::string& name, const std::vector<int64_t>& dims) {
  set_value_info(model_.mutable_graph()->add_output(), name, dims, !dims.empty());
  return *this;
}

OnnxBuilder& OnnxBuilder::initializer(const std::string& name, const std::vector<int64_t>& dims,
                                      const std::vector<float>& values) {
  fill_float_tensor(model_.mutable_graph()->add_initializer(), name, dims, values);
  return *this;
}

OnnxBuilder& OnnxBuilder::int64_initializer(const std::string& name,
                                            const std::vector<int64_t>& dims,
                                            const std::vector<int64_t>& values) {
  fill_int64_tensor(model_.mutable_graph()->add_initializer(), name, dims, values);
  return *this;
}

NodeRef OnnxBuilder::constant(const std::string& name, const std::vector<int64_t>& dims,
                              const std::vector<float>& values) {
  NodeRef n = node("Constant", {}, {name}, name + "_const");
  auto* a = n.proto().add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  fill_float_tensor(a->mutable_t(), name, dims, values);
  return n;
}

NodeRef OnnxBuilder::int64_constant(const std::string& name, const std::vector<int64_t>& dims,
                                    const std::vector<int64_t>& values) {
  NodeRef n = node("Constant", {}, {name}, name + "_const");
  auto* a = n.proto().add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  fill_int64_tensor(a->mutable_t(), name, dims, values);
  return n;
}

NodeRef OnnxBuilder::node(const std::string& op_type, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name) {
  auto* graph = model_.mutable_graph();
  auto* n = graph->add_node();
  n->set_op_type(op_type);
  n->set_name(name.empty() ? op_type + "_" + std::to_string(graph->node_size() - 1) : name);
  for (const auto& in : inputs) n->add_input(in);
  for (const auto& out : outputs) n->add_output(out);
  return NodeRef(n);
}

std::string OnnxBuilder::bytes() const {
  std::string out;
  if (!model_.SerializeToString(&out)) {
    throw std::runtime_error("onnx_builder: ModelProto serialisation failed");
  }
  return out;
}

std::string OnnxBuilder::save(const std::string& path) const {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  const std::string data = bytes();
  f.write(data.data(), std::streamsize(data.size()));
  if (!f) throw std::runtime_error("onnx_builder: cannot write " + path);
  return path;
}

std::string OnnxBuilder::save_temp(const std::string& stem) const {
  const char* dir = std::getenv("TEST_TMPDIR");
  if (!dir || !*dir) dir = std::getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  std::string templ = std::string(dir) + "/" + stem + "-XXXXXX.onnx";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = mkstemps(buf.data(), 5);  // 5 = strlen(".onnx"), kept as the suffix
  if (fd < 0) throw std::runtime_error("onnx_builder: cannot create a temp file in " + std::string(dir));
  close(fd);
  return save(std::string(buf.data()));
}

std::vector<float> Rng::uniform(size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(engine_);
  return v;
}

std::vector<float> Rng::normal(size_t n, float mean, float stddev) {
  std::normal_distribution<float> dist(mean, stddev);
  std::vector<float> v(n);
  for (float& x : v) x = dist(engine_);
  return v;
}

float Rng::uniform1(float lo, float hi) {
  return std::uniform_real_distribution<float>(lo, hi)(engine_);
}

}  // namespace dcnn::test
