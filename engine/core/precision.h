// Arithmetic / storage precision of a compiled model (executor.h says what each backend does
// with it). Apart from executor.h so that the YAML config (model.precision) can name it.
#pragma once

namespace dcnn {

// F32: everything fp32. F16: activations stored in half precision on the CUDA backend
// (arithmetic, accumulators and heads fp32). BF16: the CPU backend's GEMM convs multiply in
// bfloat16 with fp32 sums (AVX-512 BF16; kernels/cpu/gather_gemm_bf16.h), dense and delta alike.
enum class Precision { F32, F16, BF16 };

}  // namespace dcnn
