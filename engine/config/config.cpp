// YAML deployment files (configs/*.yaml): one per model.
//
// Schema (every key except the four marked "required" is optional and defaults as shown):
//
//   model:
//     name: movenet-multipose        # required: free text, shown in metadata and logs
//     onnx: ../models/x.onnx         # required: path relative to this YAML file; must exist
//     precision: fp32                # fp32 | bf16 | fp16 (default fp32): bf16 = the CPU's GEMM
//                                    # convs in bfloat16 (AVX-512 BF16; fp32 on CPUs without it
//                                    # and on CUDA), fp16 = CUDA activations in half precision;
//                                    # the element's precision property overrides it
//   input:
//     width: 768                     # required: model input width in pixels, 1..8192
//     height: 576                    # required: model input height in pixels, 1..8192
//                                    # (Model::load also checks both against the decoder's
//                                    #  grid: engine/decode/input_size_rules.h)
//     color: rgb                     # rgb | bgr: channel order the model expects (default rgb)
//     mean: [0, 0, 0]                # per-channel mean, 0..255 units (default 0)
//     std: [1, 1, 1]                 # per-channel std, 0.001..1e6 (default 1); model sees (px-mean)/std
//     resize: stretch                # stretch | letterbox (one scale, centred) (default stretch)
//     pad_value: 0                   # letterbox border, 0..255 (default 0)
//   decoder:
//     type: movenet_multipose        # required: movenet_multipose | movenet_singlepose |
//                                    #           posenet | centernet
//     score_threshold: 0.3           # 0..1: objects below are dropped (default 0.3)
//     keypoint_threshold: 0.3        # 0..1: pose keypoints below are not drawn (default 0.3)
//     max_objects: 100               # 1..1000 (default 100); MultiPose: centres decoded (>= 6)
//     nms_iou: 0.5                   # 0..1, 0 disables NMS (default 0.5)
//     output_stride: 4               # 1..64: head stride relative to the model input (default 4)
//     labels: [person, bicycle]      # label_id -> name, inline ...
//     labels_file: coco.txt          # ... or one name per line, relative to this YAML (not both)
//   delta:
//     input_threshold: 8             # 0..255: max-over-channels pixel change that marks a
//                                    #         pixel active (default 8)
//     input_dilation: 0              # 0..32: grow the input mask by this many pixels (default 0)
//     input_block: 0                 # 0..64: tile size of the block-mean change test, 0 = off
//     input_block_threshold: 2       # 0..255: mean change over a tile that activates the tile
//     threshold: 0.05                # >= 0: default per-layer truncation threshold (default 0.05)
//     threshold_scale: 1.0           # >= 0: multiplies every layer threshold (default 1)
//     layer_thresholds:              # ONNX node name -> threshold >= 0 (before scaling)
//       conv_3: 0.1
//     keyframe_interval: 300         # >= 0: dense refresh every N frames, 0 = never (default 300)
//     keyframe_break_even: 1.0       # 0..1: a delta frame above this MAC-weighted active fraction
//                                    #       is followed by dense frames until the scene calms;
//                                    #       1 = never (default 1)
//     dense_break_even: 0.4          # 0..1: a layer runs dense above this active fraction
//     truncate_linear: false         # also truncate convs/adds without activation (default false)
//     head_dense_break_even: 0.25    # 0..1: heads run dense on their accumulated input above
//                                    #       this changed fraction; 1 = never (default 0.25)
//     form: propagate                # propagate | recompute: the CPU backend's delta state
//                                    #       (docs/cpu-engine.md; default propagate)
//     path_choice: break_even        # break_even | measured: recompute form, CPU: a layer runs
//                                    #       its dense form above dense_break_even, or by the
//                                    #       measured cost of both forms (default break_even)
//   tracker:                         # stable track ids with score hysteresis (engine/track)
//     enabled: true                  # false: previous-frame IoU ids, hard score cut-off (default true)
//     score_off: 0.15                # 0..decoder.score_threshold: a track continues on scores down
//                                    #       to this; it starts at decoder.score_threshold
//                                    #       (score_on) (default: score_on, no hysteresis)
//     min_hits: 1                    # 1..1000: frames in a row >= score_on before a track starts
//     max_misses: 3                  # 0..100000: missed frames a track survives, keeping its id
//     hold_missed: false             # also publish a track on those frames, as last seen
//     min_iou: 0.3                   # 0..1: least box overlap to continue a track
//     predict_motion: true           # link against the track's box moved by its velocity (default true)
//     keypoint_weight: 0.5           # 0..1: share of the keypoint similarity in the link score (poses)
//     birth_rank: 0                  # 0..1000: tracks start only from a frame's N best candidates (0: any)
//     refine_margin: 0               # 0..0.5: a delta frame whose track decisions change when every
//                                    #       score moves by this much runs again dense (0: off)
//   stabilize:                       # shaking / flickering cameras (engine/stabilize, docs/stabilize.md)
//     shift: off                     # auto | off: run delta on the frame moved back into the
//                                    #       reference's geometry (default off)
//     exposure: off                  # auto | off: map global brightness changes back (default off)
//     max_offset: 24                 # model pixels > 0: a larger shift starts a new reference (keyframe)
//     min_confidence: 0.05           # [0, 1): a less certain shift starts a new reference
//     max_gain_change: 0.3           # (0, 1): gains beyond 1 +- this are real changes, not compensated
//     exposure_settle: 16            # 0..100000 frames after a reference averaged into the exposure
//                                    #   the network sees, which then follows slow changes (0: the
//                                    #   reference frame's exposure throughout)
//     subpixel: true                 # move by the sub-pixel shift (bilinear); false: whole pixels
//   zones:                           # named regions; objects' metadata and events name the zones
//     - name: crossing               #   they are in (engine/zones). required: [A-Za-z0-9_.-]{1,64}, unique
//       polygon: [[0, 300], [768, 300], [768, 576], [0, 576]]   # required: >= 3 corners in order,
//                                    #   not crossing itself, inside the frame
//       units: pixels                # pixels (source frame) | normalized (0..1) (default pixels)
//       anchor: bottom_center        # bottom_center | center: the box point tested (default bottom_center)
//       labels: [person]             # only these labels are placed in the zone (default: all)
//       inertia: 3                   # 1..1000: frames in a row inside to enter / outside to leave (default 3)
//   masks:                           # regions the input change test ignores (delta never fires there)
//     - polygon: [[512, 0], [768, 0], [768, 576], [512, 576]]  # required, as for zones
//       units: pixels                # (default pixels)
//       name: street                 # optional, for messages
//       drop_objects: false          # also drop objects whose box bottom centre is inside (default false)
//
// Errors read "<file>: <key.path>: <problem>; expected <what>" (dcnn::Error kind Config, or
// NotFound for a missing model / labels file). YAML syntax errors carry line and column. A key
// given twice in one section (or a section given twice) is an error naming both lines.
#include "engine/config/config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/config/yaml_document.h"
#include "engine/config/yaml_reader.h"
#include "engine/config/zones_config.h"
#include "engine/core/error.h"
#include "engine/core/file_check.h"
#include "engine/core/utf8.h"

namespace dcnn {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTopKeys = {"model", "input", "decoder", "delta", "tracker", "stabilize",
                                           "zones", "masks"};
const std::vector<std::string> kStabilizeKeys = {"shift", "exposure", "max_offset", "min_confidence",
                                                 "max_gain_change", "subpixel",
                                                 "exposure_settle"};
const std::vector<std::string> kModelKeys = {"name", "onnx", "precision"};
const std::vector<std::string> kInputKeys = {"width", "height", "color", "mean",
                                             "std", "resize", "pad_value"};
const std::vector<std::string> kDecoderKeys = {
    "type",    "score_threshold", "keypoint_threshold", "max_objects",
    "nms_iou", "output_stride",   "labels",             "labels_file"};
const std::vector<std::string> kDeltaKeys = {
    "input_threshold",  "input_dilation",    "threshold",       "threshold_scale",
    "layer_thresholds", "keyframe_interval", "dense_break_even", "truncate_linear",
    "input_block",      "input_block_threshold", "head_dense_break_even", "keyframe_break_even", "path_choice",
    "form"};
const std::vector<std::string> kTrackerKeys = {"enabled",  "score_off", "min_hits",
                                               "max_misses", "hold_missed", "min_iou",
                                               "predict_motion", "keypoint_weight", "birth_rank",
                                               "refine_margin"};

// Resolves `relative` against the YAML's folder and insists that the file exists, so a typo in
// a path is reported at load time with the key that holds it, not later by the ONNX importer.
std::string resolve_existing(const YamlReader& reader, const std::string& key,
                             const std::string& relative, const std::string& base_dir) {
  fs::path p(relative);
  if (p.is_relative() && !base_dir.empty()) p = fs::path(base_dir) / p;
  p = p.lexically_normal();
  require_regular_file(p.string(), reader.source() + ": " + key + ": file",
                       std::string("a readable file path relative to the YAML file") +
                           (key == "model.onnx"
                                ? " (run ./scripts/setup.sh to fetch and convert the models)"
                                : ""));
  return p.string();
}

std::vector<std::string> read_labels_file(const YamlReader& reader, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorKind::NotFound, reader.source() + ": decoder.labels_file: cannot read '" +
                                         path + "'; expected a readable text file");
  }
  std::vector<std::string> labels;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    // Tolerate CRLF files and trailing blanks; blank lines carry no label.
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    // Labels go into JSON, MQTT and GStreamer structures, which need UTF-8 (a Latin-1 label
    // file would load here and stop the pipeline at its first event).
    const size_t bad = invalid_utf8_offset(line);
    if (bad != std::string::npos) {
      throw Error(ErrorKind::Config, reader.source() + ": decoder.labels_file: '" + path + "' line " +
                                         std::to_string(line_number) + ": '" + line +
                                         "' is not UTF-8 text (byte " + std::to_string(bad + 1) +
                                         "); expected one UTF-8 label name per line (save the file as UTF-8)");
    }
    if (!line.empty()) labels.push_back(line);
  }
  if (labels.empty()) {
    throw Error(ErrorKind::Config, reader.source() + ": decoder.labels_file: '" + path +
                                       "' holds no labels; expected one label name per line");
  }
  return labels;
}

void parse_model(const YamlReader& r, const YAML::Node& node, const std::string& base_dir,
                 DeploymentConfig& cfg) {
  r.require_map(node, "model");
  r.check_keys(node, "model", kModelKeys);
  cfg.name = r.read_string(r.require(node, "model", "name"), "model.name");
  if (cfg.name.empty()) r.fail("model.name", "is empty", "a non-empty model name");
  const std::string onnx = r.read_string(r.require(node, "model", "onnx"), "model.onnx");
  if (onnx.empty()) r.fail("model.onnx", "is empty", "a path to the model's .onnx file");
  cfg.model_path = resolve_existing(r, "model.onnx", onnx, base_dir);
  if (node["precision"])
    cfg.precision = r.read_enum<Precision>(node["precision"], "model.precision",
                                           {{"fp32", Precision::F32}, {"fp16", Precision::F16}, {"bf16", Precision::BF16}});
}

void parse_input(const YamlReader& r, const YAML::Node& node, InputConfig& in) {
  r.require_map(node, "input");
  r.check_keys(node, "input", kInputKeys);
  in.width = r.read_int(r.require(node, "input", "width"), "input.width", 1, 8192);
  in.height = r.read_int(r.require(node, "input", "height"), "input.height", 1, 8192);
  if (node["color"]) {
    in.color = r.read_enum<ColorOrder>(node["color"], "input.color",
                                       {{"rgb", ColorOrder::RGB}, {"bgr", ColorOrder::BGR}});
  }
  if (node["mean"]) r.read_float3(node["mean"], "input.mean", 0.f, 255.f, false, in.mean);
  // At least 1e-3 (pixels 0..255): a std of 1e-30 turned the input into values of 1e32 and
  // inf, which ran without a sign of it.
  if (node["std"]) r.read_float3(node["std"], "input.std", 1e-3f, 1e6f, true, in.std);
  if (node["resize"]) {
    in.resize = r.read_enum<ResizeKind>(
        node["resize"], "input.resize",
        {{"stretch", ResizeKind::Stretch}, {"letterbox", ResizeKind::Letterbox}});
  }
  if (node["pad_value"]) in.pad_value = r.read_float(node["pad_value"], "input.pad_value", 0.f, 255.f);
}

void parse_decoder(const YamlReader& r, const YAML::Node& node, const std::string& base_dir,
                   DecoderConfig& dec) {
  r.require_map(node, "decoder");
  r.check_keys(node, "decoder", kDecoderKeys);
  dec.kind = r.read_enum<DecoderKind>(r.require(node, "decoder", "type"), "decoder.type",
                                      {{"movenet_multipose", DecoderKind::MoveNetMultiPose},
                                       {"movenet_singlepose", DecoderKind::MoveNetSinglePose},
                                       {"posenet", DecoderKind::PoseNet},
                                       {"centernet", DecoderKind::CenterNet}});
  if (node["score_threshold"])
    dec.score_threshold = r.read_float(node["score_threshold"], "decoder.score_threshold", 0.f, 1.f);
  if (node["keypoint_threshold"])
    dec.keypoint_threshold =
        r.read_float(node["keypoint_threshold"], "decoder.keypoint_threshold", 0.f, 1.f);
  if (node["max_objects"])
    dec.max_objects = r.read_int(node["max_objects"], "decoder.max_objects", 1, 1000);
  if (node["nms_iou"]) dec.nms_iou = r.read_float(node["nms_iou"], "decoder.nms_iou", 0.f, 1.f);
  if (node["output_stride"])
    dec.output_stride = r.read_int(node["output_stride"], "decoder.output_stride", 1, 64);
  if (node["labels"] && node["labels_file"]) {
    r.fail("decoder.labels", "is given together with decoder.labels_file",
           "either an inline list 'labels' or a 'labels_file', not both");
  }
  if (node["labels"]) dec.labels = r.read_string_list(node["labels"], "decoder.labels");
  if (node["labels_file"]) {
    const std::string rel = r.read_string(node["labels_file"], "decoder.labels_file");
    dec.labels = read_labels_file(r, resolve_existing(r, "decoder.labels_file", rel, base_dir));
  }
}

// 0.2f as "0.2", not YAML::Dump's "0.200000003": what the user wrote, for messages.
std::string shortest_text(float value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

void parse_delta(const YamlReader& r, const YAML::Node& node, DeltaConfig& d) {
  r.require_map(node, "delta");
  r.check_keys(node, "delta", kDeltaKeys);
  if (node["input_threshold"])
    d.input_threshold = r.read_float(node["input_threshold"], "delta.input_threshold", 0.f, 255.f);
  if (node["input_dilation"])
    d.input_dilation = r.read_int(node["input_dilation"], "delta.input_dilation", 0, 32);
  if (node["threshold"]) d.threshold = r.read_float(node["threshold"], "delta.threshold", 0.f, 1e6f);
  if (node["threshold_scale"])
    d.threshold_scale = r.read_float(node["threshold_scale"], "delta.threshold_scale", 0.f, 1e6f);
  if (node["layer_thresholds"]) {
    const YAML::Node lt = node["layer_thresholds"];
    r.require_map(lt, "delta.layer_thresholds");
    for (const auto& kv : lt) {
      if (!kv.first.IsScalar())  // `[a]: 0.1` or `{a: b}: 0.1`: as<std::string> would throw bare
        r.fail("delta.layer_thresholds",
               "has a key that is a list or a map (line " + std::to_string(kv.first.Mark().line + 1) + ")",
               "ONNX node names as keys, e.g. model/block_3_add/add: 0.05");
      const std::string name = kv.first.as<std::string>();
      const std::string key = "delta.layer_thresholds." + name;
      d.layer_thresholds[name] = r.read_float(kv.second, key, 0.f, 1e6f);
    }
  }
  if (node["keyframe_interval"])
    d.keyframe_interval =
        r.read_int(node["keyframe_interval"], "delta.keyframe_interval", 0, 1000000000);
  if (node["keyframe_break_even"])
    d.keyframe_break_even =
        r.read_float(node["keyframe_break_even"], "delta.keyframe_break_even", 0.f, 1.f);
  if (node["dense_break_even"])
    d.dense_break_even = r.read_float(node["dense_break_even"], "delta.dense_break_even", 0.f, 1.f);
  if (node["truncate_linear"])
    d.truncate_linear = r.read_bool(node["truncate_linear"], "delta.truncate_linear");
  if (node["input_block"]) d.input_block = r.read_int(node["input_block"], "delta.input_block", 0, 64);
  if (node["input_block_threshold"])
    d.input_block_threshold =
        r.read_float(node["input_block_threshold"], "delta.input_block_threshold", 0.f, 255.f);
  if (node["head_dense_break_even"])
    d.head_dense_break_even =
        r.read_float(node["head_dense_break_even"], "delta.head_dense_break_even", 0.f, 1.f);
  if (node["form"])
    d.recompute = r.read_enum<bool>(node["form"], "delta.form", {{"propagate", false}, {"recompute", true}});
  if (node["path_choice"])
    d.measured_path_choice =
        r.read_enum<bool>(node["path_choice"], "delta.path_choice", {{"break_even", false}, {"measured", true}});
  if (d.measured_path_choice && !d.recompute)
    r.fail("delta.path_choice", "is 'measured' with delta.form propagate",
           "delta.form: recompute (the propagate form has no per-layer choice to measure)");
}

// After the decoder: the tracker's score_on and keypoint_score are the decoder's thresholds.
void parse_tracker(const YamlReader& r, const YAML::Node& node, const DecoderConfig& dec,
                   TrackerSettings& t) {
  t.score_on = dec.score_threshold;
  t.score_off = dec.score_threshold;
  t.keypoint_score = dec.keypoint_threshold;
  if (!node) return;
  r.require_map(node, "tracker");
  r.check_keys(node, "tracker", kTrackerKeys);
  if (node["enabled"]) t.enabled = r.read_bool(node["enabled"], "tracker.enabled");
  // Above score_on the hysteresis would run backwards: a track would end before it could start.
  if (node["score_off"]) {
    t.score_off = r.read_float(node["score_off"], "tracker.score_off", 0.f, 1.f);
    if (t.score_off > dec.score_threshold)
      r.fail("tracker.score_off",
             "value " + node["score_off"].Scalar() + " is above decoder.score_threshold (" +
                 shortest_text(dec.score_threshold) + ", where tracks start)",
             "a number in [0, decoder.score_threshold]");
  }
  if (node["min_hits"]) t.min_hits = r.read_int(node["min_hits"], "tracker.min_hits", 1, 1000);
  if (node["max_misses"])
    t.max_misses = r.read_int(node["max_misses"], "tracker.max_misses", 0, 100000);
  if (node["hold_missed"]) t.hold_missed = r.read_bool(node["hold_missed"], "tracker.hold_missed");
  if (node["min_iou"]) t.min_iou = r.read_float(node["min_iou"], "tracker.min_iou", 0.f, 1.f);
  if (node["predict_motion"]) t.predict_motion = r.read_bool(node["predict_motion"], "tracker.predict_motion");
  if (node["keypoint_weight"])
    t.keypoint_weight = r.read_float(node["keypoint_weight"], "tracker.keypoint_weight", 0.f, 1.f);
  if (node["birth_rank"]) t.birth_rank = r.read_int(node["birth_rank"], "tracker.birth_rank", 0, 1000);
  if (node["refine_margin"])
    t.refine_margin = r.read_float(node["refine_margin"], "tracker.refine_margin", 0.f, 0.5f);
}

void parse_stabilize(const YamlReader& r, const YAML::Node& node, StabilizeSettings& s) {
  r.require_map(node, "stabilize");
  r.check_keys(node, "stabilize", kStabilizeKeys);
  const std::vector<std::pair<std::string, bool>> auto_off = {{"auto", true}, {"off", false}};
  if (node["shift"]) s.shift = r.read_enum<bool>(node["shift"], "stabilize.shift", auto_off);
  if (node["exposure"]) s.exposure = r.read_enum<bool>(node["exposure"], "stabilize.exposure", auto_off);
  s.only_where_supported = true;  // `auto`: where the backend runs a stabiliser
  if (node["max_offset"]) s.max_offset = r.read_float(node["max_offset"], "stabilize.max_offset", 0.5f, 1e4f);
  if (node["min_confidence"])
    s.min_confidence = r.read_float(node["min_confidence"], "stabilize.min_confidence", 0.f, 0.99f);
  if (node["subpixel"]) s.subpixel = r.read_bool(node["subpixel"], "stabilize.subpixel");
  if (node["max_gain_change"])
    s.max_gain_change = r.read_float(node["max_gain_change"], "stabilize.max_gain_change", 0.01f, 0.99f);
  if (node["exposure_settle"])
    s.exposure_settle = r.read_int(node["exposure_settle"], "stabilize.exposure_settle", 0, 100000);
}

}  // namespace

DeploymentConfig parse_config(const std::string& yaml_text, const std::string& source_name,
                              const std::string& base_dir) {
  const YAML::Node root = load_single_yaml_document(yaml_text, source_name);
  const YamlReader r(source_name);
  if (!root.IsMap()) {
    r.fail("(top level)", root.IsNull() ? "the document is empty" : "is not a mapping",
           "a mapping with the sections model, input, decoder and optionally delta, tracker, "
           "stabilize, zones and masks");
  }
  r.check_unique_keys(root);
  r.check_keys(root, "", kTopKeys);

  DeploymentConfig cfg;
  cfg.source = source_name;
  try {
    parse_model(r, r.require(root, "", "model"), base_dir, cfg);
    parse_input(r, r.require(root, "", "input"), cfg.input);
    parse_decoder(r, r.require(root, "", "decoder"), base_dir, cfg.decoder);
    if (root["delta"]) parse_delta(r, root["delta"], cfg.delta);
    parse_tracker(r, root["tracker"], cfg.decoder, cfg.tracker);
    if (root["stabilize"]) parse_stabilize(r, root["stabilize"], cfg.stabilize);
    parse_zones(r, root["zones"], root["masks"], cfg.decoder, cfg.zones);
  } catch (const YAML::Exception& e) {
    // Should not happen (the reader checks node types first), but never let a bare yaml-cpp
    // exception escape the engine.
    throw Error(ErrorKind::Config, source_name + ":" + std::to_string(e.mark.line + 1) +
                                       ": " + e.msg + "; expected a valid deployment file");
  }
  return cfg;
}

DeploymentConfig load_config(const std::string& yaml_path) {
  std::error_code ec;
  const fs::path path = fs::absolute(fs::path(yaml_path), ec).lexically_normal();
  const std::string problem = ec ? "does not exist" : file_problem(path.string());
  if (!problem.empty()) {
    throw Error(ErrorKind::NotFound, yaml_path + ": config file " + problem +
                                         "; expected the path of a deployment YAML file (see configs/)");
  }
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorKind::NotFound,
                yaml_path + ": cannot read the config file; expected a readable YAML file");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.string(), path.parent_path().string());
}

}  // namespace dcnn
