// Dense convolution through oneDNN (Debian libdnnl 2.6): JIT-compiled AVX2 / AVX-512 kernels
// picked at run time for the machine's ISA, NHWC in and out, bias and the activation fused
// into the output tile while it is in cache. Beats im2col + OpenBLAS on every layer shape of
// the shipped models (docs/cpu-engine.md has the measurements).
//
// One OnednnConv is built per conv at model load and shared by every stream of the model.
// run() is safe to call from several threads at once: each calling thread has its own
// scratchpad (oneDNN's own per-primitive scratchpad would not be).
// Errors: the constructor throws std::invalid_argument when oneDNN has no implementation for
// the geometry (the caller keeps its own kernels then); run() throws std::runtime_error with
// oneDNN's status.
#pragma once

#include <memory>

#include "kernels/common/activation.h"
#include "kernels/cpu/conv.h"

namespace dcnn::cpu {

class OnednnConv {
 public:
  // weights_oihw: ONNX [cout][cin/groups][kh][kw]; bias may be null (no bias term).
  // act: applied after the bias (Identity for none). same_weights: another OnednnConv of the
  // same weights (other bias / activation); its blocked weights are shared when oneDNN picked
  // the same layout, so the variants of one conv do not each hold a copy.
  OnednnConv(const ConvGeometry& g, const float* weights_oihw, const float* bias, const kern::ActSpec& act,
             const OnednnConv* same_weights = nullptr);
  ~OnednnConv();
  OnednnConv(OnednnConv&&) noexcept;
  OnednnConv& operator=(OnednnConv&&) noexcept;

  // out[out_h*out_w*cout] = act(conv(in) + bias), NHWC. Every output pixel written.
  void run(const float* in, float* out) const;
  // Bytes of the weights in oneDNN's blocked layout (shared by every stream).
  size_t weight_bytes() const;
  // Bytes of scratchpad one calling thread needs (allocated once per thread, grown on demand).
  size_t scratchpad_bytes() const;
  // oneDNN's name of the implementation it picked (e.g. "jit:avx512_core"), for benchmarks.
  const char* implementation() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcnn::cpu
