#include "tests/exec/delta_harness.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dcnn::test {

DeltaSettings exact_settings(float dense_break_even) {
  DeltaSettings s;
  s.input_threshold = 0.f;
  s.default_threshold = 0.f;
  s.keyframe_interval = 0;
  s.dense_break_even = dense_break_even;
  return s;
}

InputNormalization test_normalization() {
  InputNormalization n;
  for (int c = 0; c < 3; ++c) {
    n.mean[c] = 127.5f;
    n.std[c] = 64.f;
  }
  return n;
}

std::vector<FrameError> compare_dense_delta(const ir::Graph& graph, const DeltaSettings& settings,
                                            const SequenceOptions& sequence, int frames) {
  auto model = compile_model(graph, Backend::Cpu, test_normalization());
  Executor dense(model, ExecMode::Dense, settings);
  Executor delta(model, ExecMode::Delta, settings);
  SyntheticSequence seq(sequence);
  std::vector<FrameError> errors;
  for (int f = 0; f < frames; ++f) {
    const std::vector<float>& frame = seq.next();
    dense.run(frame.data());
    delta.run(frame.data());
    FrameError e;
    double sum = 0.0;
    int64_t count = 0;
    for (int h = 0; h < dense.num_outputs(); ++h) {
      const int64_t n = dense.output_shape(h).size();
      const float* a = dense.output(h);
      for (int64_t i = 0; i < n; ++i) e.scale = std::max(e.scale, std::fabs(a[i]));
    }
    e.scale = std::max(e.scale, 1e-3f);
    for (int h = 0; h < dense.num_outputs(); ++h) {
      const int64_t n = dense.output_shape(h).size();
      const float* a = dense.output(h);
      const float* b = delta.output(h);
      for (int64_t i = 0; i < n; ++i) {
        const float d = std::fabs(a[i] - b[i]);
        e.max_rel = std::max(e.max_rel, d / e.scale);
        sum += d;
      }
      count += n;
    }
    e.mean_rel = float(sum / double(std::max<int64_t>(count, 1)) / e.scale);
    e.input_active = delta.stats().input_active;
    e.mean_active = delta.stats().mean_active;
    e.keyframe = delta.stats().keyframe;
    errors.push_back(e);
  }
  return errors;
}

float worst(const std::vector<FrameError>& errors) {
  float w = 0.f;
  for (const auto& e : errors) w = std::max(w, e.max_rel);
  return w;
}

bool same_heads(const Executor& a, const Executor& b) {
  if (a.num_outputs() != b.num_outputs()) return false;
  for (int i = 0; i < a.num_outputs(); ++i)
    if (std::memcmp(a.output(i), b.output(i), size_t(a.output_shape(i).size()) * sizeof(float)) != 0)
      return false;
  return true;
}

}  // namespace dcnn::test
