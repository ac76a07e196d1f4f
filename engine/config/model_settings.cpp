#include "engine/config/model_settings.h"

#include <sstream>
#include <vector>

#include "engine/decode/decoder.h"

namespace dcnn {
namespace {

template <typename T>
std::string shown(const T& v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string shown(const std::vector<std::string>& labels) {
  std::string s = "[";
  for (size_t i = 0; i < labels.size(); ++i) s += (i ? ", " : "") + labels[i];
  return s + "]";
}

// Collects the first difference, in the order the keys are checked.
class Difference {
 public:
  template <typename T>
  void check(const std::string& key, const T& a, const T& b) {
    if (text_.empty() && !(a == b)) text_ = key + " " + shown(a) + " against " + shown(b);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace

std::string model_settings_difference(const DeploymentConfig& a, const DeploymentConfig& b) {
  Difference d;
  d.check("model.onnx", a.model_path, b.model_path);
  const InputConfig &ia = a.input, &ib = b.input;
  d.check("input.width", ia.width, ib.width);
  d.check("input.height", ia.height, ib.height);
  auto color = [](ColorOrder c) { return std::string(c == ColorOrder::BGR ? "bgr" : "rgb"); };
  d.check("input.color", color(ia.color), color(ib.color));
  for (int c = 0; c < 3; ++c) {
    d.check("input.mean[" + std::to_string(c) + "]", ia.mean[c], ib.mean[c]);
    d.check("input.std[" + std::to_string(c) + "]", ia.std[c], ib.std[c]);
  }
  auto resize = [](ResizeKind r) { return std::string(r == ResizeKind::Letterbox ? "letterbox" : "stretch"); };
  d.check("input.resize", resize(ia.resize), resize(ib.resize));
  d.check("input.pad_value", ia.pad_value, ib.pad_value);
  // decoder.score_threshold is each stream's own (StreamOptions::score_threshold).
  const DecoderConfig &da = a.decoder, &db = b.decoder;
  d.check("decoder.type", std::string(decoder_name(da.kind)), std::string(decoder_name(db.kind)));
  d.check("decoder.keypoint_threshold", da.keypoint_threshold, db.keypoint_threshold);
  d.check("decoder.max_objects", da.max_objects, db.max_objects);
  d.check("decoder.nms_iou", da.nms_iou, db.nms_iou);
  d.check("decoder.output_stride", da.output_stride, db.output_stride);
  d.check("decoder.labels", da.labels, db.labels);
  return d.text();
}

}  // namespace dcnn
