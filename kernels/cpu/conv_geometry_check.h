// Validation of conv geometries at pack time. Kernels cannot include engine headers, so they
// report bad geometry as std::invalid_argument with a message naming the field and the value;
// the engine wraps it into a dcnn::Error naming the ONNX node.
#pragma once

#include <string>

namespace dcnn::cpu {

// Throws std::invalid_argument("<what>: <field> = <value>, expected <expectation>") unless ok.
void require_geometry(bool ok, const char* what, const char* field, long long value,
                      const char* expectation);

// The checks every windowed geometry (ConvGeometry, ConvTransposeGeometry) shares: positive
// sizes, kernel, strides, dilations and groups, non-negative leading pads, channel counts that
// are multiples of groups. `w` names the geometry in the message.
template <typename Geometry>
void require_window_geometry(const Geometry& g, const char* w) {
  require_geometry(g.in_h > 0, w, "in_h", g.in_h, "> 0");
  require_geometry(g.in_w > 0, w, "in_w", g.in_w, "> 0");
  require_geometry(g.out_h > 0, w, "out_h", g.out_h, "> 0");
  require_geometry(g.out_w > 0, w, "out_w", g.out_w, "> 0");
  require_geometry(g.kh > 0, w, "kh", g.kh, "> 0");
  require_geometry(g.kw > 0, w, "kw", g.kw, "> 0");
  require_geometry(g.stride_h > 0, w, "stride_h", g.stride_h, "> 0");
  require_geometry(g.stride_w > 0, w, "stride_w", g.stride_w, "> 0");
  require_geometry(g.dil_h > 0, w, "dil_h", g.dil_h, "> 0");
  require_geometry(g.dil_w > 0, w, "dil_w", g.dil_w, "> 0");
  require_geometry(g.pad_top >= 0, w, "pad_top", g.pad_top, ">= 0");
  require_geometry(g.pad_left >= 0, w, "pad_left", g.pad_left, ">= 0");
  require_geometry(g.groups > 0, w, "groups", g.groups, "> 0");
  require_geometry(g.cin > 0 && g.cin % g.groups == 0, w, "cin", g.cin,
                   "a positive multiple of groups");
  require_geometry(g.cout > 0 && g.cout % g.groups == 0, w, "cout", g.cout,
                   "a positive multiple of groups");
}

}  // namespace dcnn::cpu
