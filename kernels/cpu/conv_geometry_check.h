// Validation of conv geometries at pack time. Kernels cannot include engine headers, so they
// report bad geometry as std::invalid_argument with a message naming the field and the value;
// the engine wraps it into a dcnn::Error naming the ONNX node.
#pragma once

#include <string>

namespace dcnn::cpu {

// Throws std::invalid_argument("<what>: <field> = <value>, expected <expectation>") unless ok.
void require_geometry(bool ok, const char* what, const char* field, long long value,
                      const char* expectation);

}  // namespace dcnn::cpu
