#include "tests/models/reference_data.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "tests/common/test_paths.h"

namespace dcnn::test {

const std::vector<ReferenceModel>& reference_models() {
  static const std::vector<ReferenceModel> models = {
      {"movenet-multipose", "configs/movenet-multipose.yaml"},
      {"movenet-lightning", "configs/movenet-lightning.yaml"},
      {"posenet", "configs/posenet.yaml"},
      {"centernet", "configs/centernet.yaml"},
  };
  return models;
}

const std::vector<int>& reference_frames() {
  static const std::vector<int> frames = {0, 200, 400};
  return frames;
}

std::string reference_path(const std::string& model, int frame) {
  return source_path("tests/data/reference/" + model + "/frame" + std::to_string(frame) + ".json");
}

namespace {

using nlohmann::json;

const json& member(const json& object, const std::string& key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) {
    throw std::runtime_error(where + ": key '" + key + "' is missing");
  }
  return object.at(key);
}

HeadReference parse_head(const std::string& name, const json& j, const std::string& where) {
  HeadReference h;
  h.name = name;
  const std::string at = where + ": heads." + name;
  h.shape = member(j, "shape", at).get<std::vector<int>>();
  h.max_abs = member(j, "max_abs", at).get<double>();
  h.indices = member(j, "indices", at).get<std::vector<int64_t>>();
  h.values = member(j, "values", at).get<std::vector<float>>();
  if (h.shape.size() != 4 || h.indices.size() != h.values.size() || h.indices.empty()) {
    throw std::runtime_error(at + ": expected a 4-D shape and as many indices as values");
  }
  return h;
}

}  // namespace

FrameReference load_frame_reference(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(missing_asset_message(path));
  json j;
  try {
    in >> j;
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
  FrameReference r;
  r.path = path;
  try {
    const json& meta = member(j, "meta", path);
    r.model = member(meta, "model", path + ": meta").get<std::string>();
    r.frame = member(meta, "frame", path + ": meta").get<int>();
    r.width = member(meta, "width", path + ": meta").get<int>();
    r.height = member(meta, "height", path + ": meta").get<int>();
    r.input_sum = member(meta, "input_sum", path + ": meta").get<int64_t>();
    const auto mean = member(meta, "mean", path + ": meta").get<std::vector<float>>();
    const auto stdv = member(meta, "std", path + ": meta").get<std::vector<float>>();
    if (mean.size() != 3 || stdv.size() != 3) {
      throw std::runtime_error(path + ": meta.mean/std: expected 3 values each");
    }
    for (int c = 0; c < 3; ++c) {
      r.mean[c] = mean[c];
      r.std[c] = stdv[c];
    }
    for (const auto& [name, head] : member(j, "heads", path).items()) {
      r.heads.push_back(parse_head(name, head, path));
    }
    if (j.contains("decoded")) {
      r.decoded_shape = member(j["decoded"], "shape", path + ": decoded").get<std::vector<int>>();
      r.decoded = member(j["decoded"], "values", path + ": decoded").get<std::vector<float>>();
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": unexpected content: " + e.what());
  }
  return r;
}

std::map<int, cv::Mat> read_video_frames(const std::string& path, const std::vector<int>& wanted) {
  if (!file_exists(path)) throw std::runtime_error(missing_asset_message(path));
  cv::VideoCapture cap(path);
  if (!cap.isOpened()) throw std::runtime_error(path + ": OpenCV cannot open the video");
  std::map<int, cv::Mat> frames;
  cv::Mat frame;
  for (int index = 0; frames.size() < wanted.size(); ++index) {
    if (!cap.read(frame)) {
      throw std::runtime_error(path + ": ended at frame " + std::to_string(index) +
                               " before all wanted frames were read");
    }
    for (int w : wanted) {
      if (w == index) frames[index] = frame.clone();
    }
  }
  return frames;
}

const std::map<int, cv::Mat>& vtest_frames() {
  static const std::map<int, cv::Mat> frames =
      read_video_frames(source_path("data/vtest.avi"), reference_frames());
  return frames;
}

cv::Mat model_input_rgb(const cv::Mat& bgr, int width, int height) {
  cv::Mat resized, rgb;
  cv::resize(bgr, resized, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
  cv::cvtColor(resized, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

std::string relative_error_text(const HeadAgreement& a, const HeadReference& ref) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2e", ref.max_abs > 0 ? a.max_error / ref.max_abs : a.max_error);
  return text;
}

int64_t pixel_sum(const cv::Mat& rgb) {
  const cv::Scalar s = cv::sum(rgb);
  return int64_t(s[0]) + int64_t(s[1]) + int64_t(s[2]);
}

}  // namespace dcnn::test
