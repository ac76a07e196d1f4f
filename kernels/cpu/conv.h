// CPU convolution kernels, NHWC float. Dense: im2col (skipped for 1x1 stride 1) + sgemm.
// Sparse: gather the receptive fields of a list of output pixels, one sgemm, scatter.
// Depthwise (groups == cin == cout): direct loops vectorised over channels.
// Kernels know nothing of graphs or masks beyond the pixel lists they are given.
// Errors: pack_* throw std::invalid_argument naming the geometry field and value at fault
// (kernels cannot include engine headers; the engine wraps it into a dcnn::Error naming the
// node); the sparse entry points throw std::out_of_range for a pixel index outside the map.
// Threads: OpenMP, at most omp_get_max_threads() of the calling thread (set it per engine
// thread with omp_set_num_threads); small problems run in the calling thread only.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/common/conv_transpose_geometry.h"
#include "kernels/cpu/aligned_floats.h"
#include "kernels/cpu/gather_gemm.h"

namespace dcnn::cpu {

struct ConvGeometry {
  int in_h = 0, in_w = 0, cin = 0;
  int out_h = 0, out_w = 0, cout = 0;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_top = 0, pad_left = 0;  // bottom/right padding is implied by out_h/out_w
  int groups = 1;
};

// Weights re-laid out once for the kernels (built at model load, shared by all streams).
struct PackedConv {
  ConvGeometry geometry;
  AlignedFloats weights;  // layout private to conv.cpp
  AlignedFloats bias;     // [cout]
  // One group, not depthwise, cout off the 16-column panels: the weights padded for
  // gather_gemm (gemm_b); empty otherwise, where the weights themselves are its B.
  AlignedFloats weights_padded;
  // A 1x1 conv with at most kNarrowOutputs outputs (MoveNet's centre and box heads): the
  // weights as cout rows of cin, for dot products along cin (pointwise_pair.cpp); else empty.
  AlignedFloats weights_by_output;
  // gemm_b's weights as bf16 pairs (gather_gemm_bf16.h) once use_bf16 ran (which frees the fp32
  // weights above); empty in fp32.
  AlignedWords weights_pairs;
};
constexpr int kNarrowOutputs = 4;

// The weights as gather_gemm's B (the recompute kernels' GEMM on rows where they lie) for a
// conv of one group that is not depthwise; ld 0 (none) for others.
GemmB gemm_b(const PackedConv& p);
// Runs this conv's GEMMs in bf16 from now on (precision bf16): every product of a conv with a
// gemm_b goes through gather_gemm_bf16, in dense passes as at candidates, so that threshold 0
// still reproduces dense exactly. Returns false, changing nothing, for a conv without gemm_b
// (depthwise and grouped convs stay fp32); its fp32 weights are freed. Needs cpu_has_bf16().
bool use_bf16(PackedConv& p);
// Whether p's GEMMs run in bf16.
inline bool runs_bf16(const PackedConv& p) { return !p.weights_pairs.empty(); }
// n rows of A (stride floats apart, k = gemm_b(p).k long) times p's weights into `out`, rows
// ld_out >= cout apart, no bias: sgemm in fp32, gather_gemm_bf16 in bf16. For the convs with a
// gemm_b (one group). Runs in the calling thread.
void gemm_rows(const PackedConv& p, const float* a, int64_t stride, int n, float* out, int ld_out);

// Which kernel a geometry takes (shared by the dense, sparse and recompute kernels).
// Depthwise: groups == cin == cout > 1, direct loops per channel.
bool is_depthwise(const ConvGeometry& g);
// A 1x1 stride-1 unpadded conv over the same map is a plain GEMM on the NHWC buffer: the input
// already is the im2col matrix.
bool is_pointwise_gemm(const ConvGeometry& g);
// Throws std::out_of_range naming `who`, the index and the value unless every listed output
// pixel lies in the out_h x out_w map. Called before any OpenMP region (nothing may throw in one).
void require_output_pixels(const char* who, const ConvGeometry& g, const int32_t* pixels, int n);

// The packed bias for kernels that take "bias or null" (fire_rows, activate_rows).
inline const float* bias_or_null(const PackedConv& p) { return p.bias.empty() ? nullptr : p.bias.data(); }

// weights_oihw: ONNX [cout][cin/groups][kh][kw]; bias may be null (zeros).
PackedConv pack_conv(const ConvGeometry& g, const float* weights_oihw, const float* bias);

// out[out_h*out_w*cout] = conv(in) (+ bias when add_bias). Every output pixel written.
void conv_dense(const PackedConv& p, const float* in, float* out, bool add_bias);

// For each of the n output pixels in out_pixels (index y*out_w+x), writes all cout channels of
// conv(in) without bias. `in` must hold 0 at every input pixel that is not active (the delta
// invariant), so inactive neighbours contribute nothing. Other output pixels are untouched.
// The list may be in any order; raster order with runs of consecutive pixels is fastest (runs
// are computed in place). Results do not depend on the thread count.
void conv_sparse(const PackedConv& p, const float* in, const int32_t* out_pixels, int n, float* out);

// Transposed convolution (ONNX ConvTranspose), weights ONNX [cin][cout/groups][kh][kw].
using ConvTransposeGeometry = kern::ConvTransposeGeometry;
struct PackedConvTranspose {
  ConvTransposeGeometry geometry;
  std::vector<float> weights;
  std::vector<float> bias;
};
PackedConvTranspose pack_conv_transpose(const ConvTransposeGeometry& g, const float* weights, const float* bias);
void conv_transpose_dense(const PackedConvTranspose& p, const float* in, float* out, bool add_bias);
// Adds the contributions of the n active input pixels in in_pixels to `out`, no bias. The caller
// zeroes `out` at every output pixel these inputs reach before calling. Each pixel must be listed at
// most once (a repeated pixel would be added twice).
void conv_transpose_sparse_accumulate(const PackedConvTranspose& p, const float* in,
                                      const int32_t* in_pixels, int n, float* out);

}  // namespace dcnn::cpu
