// DCNN_HOST_DEVICE marks inline functions that both backends compile: __host__ __device__ under
// nvcc, nothing for the host compiler. Code written once this way runs in the CUDA kernels and
// in the CPU kernels or the CPU tests that check the CUDA arithmetic without a GPU.
#pragma once

#if defined(__CUDACC__)
#define DCNN_HOST_DEVICE __host__ __device__
#else
#define DCNN_HOST_DEVICE
#endif
