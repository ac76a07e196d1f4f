// CUDA device discovery. Never throws: callers (the engine's backend choice) turn a failure
// into an engine error that says why the GPU cannot be used.
#pragma once

#include <string>

namespace dcnn::cuda {

// Number of usable CUDA devices; 0 with a reason in *why_not (driver missing, no device, ...).
int device_count(std::string* why_not);
// "NVIDIA H100 80GB HBM3, sm_90, driver 13.0, runtime 13.0" for logs and benchmark notes.
std::string describe_device(int device_id);

}  // namespace dcnn::cuda
