#include "kernels/cpu/conv_onednn.h"

#include <stdexcept>
#include <string>

#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>

namespace dcnn::cpu {

namespace {

using dnnl::memory;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Right padding that makes oneDNN's output size formula give out (ONNX pads may leave input
// rows unused at the end, which oneDNN expresses as a smaller right pad).
memory::dim right_pad(int in, int out, int k, int stride, int dil, int pad_l) {
  const long ext = long(k - 1) * dil + 1;
  long pr = long(out - 1) * stride + ext - in - pad_l;
  if (pr < 0) pr = 0;
  return pr;
}

void append_activation(dnnl::post_ops& po, const kern::ActSpec& a) {
  using kern::ActFn;
  using dnnl::algorithm;
  switch (a.fn) {
    case ActFn::Identity: return;
    case ActFn::Relu: po.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f); return;
    case ActFn::LeakyRelu: po.append_eltwise(1.f, algorithm::eltwise_relu, a.alpha, 0.f); return;
    case ActFn::Clip: po.append_eltwise(1.f, algorithm::eltwise_clip, a.alpha, a.beta); return;
    case ActFn::Sigmoid: po.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f); return;
    case ActFn::HardSigmoid:  // clamp(alpha * x + beta, 0, 1)
      po.append_eltwise(1.f, algorithm::eltwise_linear, a.alpha, a.beta);
      po.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 1.f);
      return;
    case ActFn::HardSwish: po.append_eltwise(1.f, algorithm::eltwise_hardswish, 0.f, 0.f); return;
  }
}

// One growing scratchpad per calling thread, shared by every primitive that thread runs.
struct ThreadScratchpad {
  void* data = nullptr;
  size_t bytes = 0;
  ~ThreadScratchpad() { std::free(data); }
  void* at_least(size_t want) {
    if (want <= bytes) return data;
    void* p = std::aligned_alloc(64, (want + 63) / 64 * 64);
    if (!p) throw std::bad_alloc();
    std::free(data);
    data = p;
    bytes = want;
    return data;
  }
};
thread_local ThreadScratchpad t_scratchpad;

}  // namespace

struct OnednnConv::Impl {
  dnnl::convolution_forward prim;
  memory::desc src_md, dst_md, scratch_md;
  memory weights, bias;
  bool has_bias = false;
  std::string impl_name;
};

OnednnConv::OnednnConv(const ConvGeometry& g, const float* weights_oihw, const float* bias,
                       const kern::ActSpec& act, const OnednnConv* same_weights)
    : impl_(std::make_unique<Impl>()) {
  if (!weights_oihw) throw std::invalid_argument("OnednnConv: weights pointer is null");
  using tag = memory::format_tag;
  using dt = memory::data_type;
  Impl& m = *impl_;
  dnnl::engine& eng = cpu_engine();
  try {
    m.src_md = memory::desc({1, g.cin, g.in_h, g.in_w}, dt::f32, tag::nhwc);
    m.dst_md = memory::desc({1, g.cout, g.out_h, g.out_w}, dt::f32, tag::nhwc);
    const bool grouped = g.groups > 1;
    const memory::dims wdims =
        grouped ? memory::dims{g.groups, g.cout / g.groups, g.cin / g.groups, g.kh, g.kw}
                : memory::dims{g.cout, g.cin, g.kh, g.kw};
    const memory::desc user_w(wdims, dt::f32, grouped ? tag::goihw : tag::oihw);
    const memory::desc any_w(wdims, dt::f32, tag::any);
    const memory::desc bias_md({g.cout}, dt::f32, tag::x);
    m.has_bias = bias != nullptr;
    const memory::dims strides{g.stride_h, g.stride_w};
    const memory::dims dil{g.dil_h - 1, g.dil_w - 1};
    const memory::dims pad_l{g.pad_top, g.pad_left};
    const memory::dims pad_r{right_pad(g.in_h, g.out_h, g.kh, g.stride_h, g.dil_h, g.pad_top),
                             right_pad(g.in_w, g.out_w, g.kw, g.stride_w, g.dil_w, g.pad_left)};
    auto desc = m.has_bias
                    ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                      dnnl::algorithm::convolution_direct, m.src_md, any_w,
                                                      bias_md, m.dst_md, strides, dil, pad_l, pad_r)
                    : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                      dnnl::algorithm::convolution_direct, m.src_md, any_w,
                                                      m.dst_md, strides, dil, pad_l, pad_r);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::post_ops po;
    append_activation(po, act);
    attr.set_post_ops(po);
    dnnl::convolution_forward::primitive_desc pd(desc, attr, eng);
    m.prim = dnnl::convolution_forward(pd);
    m.scratch_md = pd.scratchpad_desc();
    m.impl_name = pd.impl_info_str();
    dnnl::stream s(eng);
    if (same_weights && same_weights->impl_->weights.get_desc() == pd.weights_desc()) {
      m.weights = same_weights->impl_->weights;  // shared handle, one copy of the weights
    } else {
      // Weights re-laid out once into the blocked format the picked kernel wants.
      memory user_weights(user_w, eng, const_cast<float*>(weights_oihw));
      m.weights = memory(pd.weights_desc(), eng);
      dnnl::reorder(user_weights, m.weights).execute(s, user_weights, m.weights);
    }
    if (m.has_bias) {
      m.bias = memory(bias_md, eng);
      std::copy(bias, bias + g.cout, static_cast<float*>(m.bias.get_data_handle()));
    }
    s.wait();
  } catch (const dnnl::error& e) {
    throw std::invalid_argument(std::string("oneDNN has no convolution for this geometry: ") + e.what());
  }
}

OnednnConv::~OnednnConv() = default;
OnednnConv::OnednnConv(OnednnConv&&) noexcept = default;
OnednnConv& OnednnConv::operator=(OnednnConv&&) noexcept = default;

void OnednnConv::run(const float* in, float* out) const {
  const Impl& m = *impl_;
  dnnl::engine& eng = cpu_engine();
  try {
    // Streams are cheap handles; one per call keeps run() free of shared mutable state.
    dnnl::stream s(eng);
    memory src(m.src_md, eng, const_cast<float*>(in));
    memory dst(m.dst_md, eng, out);
    memory scratch(m.scratch_md, eng, t_scratchpad.at_least(m.scratch_md.get_size()));
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src},
                                         {DNNL_ARG_WEIGHTS, m.weights},
                                         {DNNL_ARG_DST, dst},
                                         {DNNL_ARG_SCRATCHPAD, scratch}};
    if (m.has_bias) args.emplace(DNNL_ARG_BIAS, m.bias);
    m.prim.execute(s, args);
    s.wait();
  } catch (const dnnl::error& e) {
    throw std::runtime_error(std::string("oneDNN convolution failed: ") + e.what());
  }
}

size_t OnednnConv::weight_bytes() const { return impl_->weights.get_desc().get_size(); }
size_t OnednnConv::scratchpad_bytes() const { return impl_->scratch_md.get_size(); }
const char* OnednnConv::implementation() const { return impl_->impl_name.c_str(); }


}  // namespace dcnn::cpu
