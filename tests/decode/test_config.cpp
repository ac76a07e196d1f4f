// Deployment YAML: defaults, every validation path with its message, and the shipped configs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <unistd.h>

#include "engine/config/config.h"
#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace fs = std::filesystem;
using dcnn::DeploymentConfig;
using dcnn::Error;
using dcnn::ErrorKind;

namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("dcnn-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    write("model.onnx", "not really onnx; the config only checks that the file exists");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  DeploymentConfig parse(const std::string& yaml) {
    return dcnn::parse_config(yaml, "test.yaml", dir_.string());
  }
  // Parses, expects an Error of `kind`, returns its message.
  std::string error_of(const std::string& yaml, ErrorKind kind = ErrorKind::Config) {
    try {
      parse(yaml);
    } catch (const Error& e) {
      EXPECT_EQ(int(e.kind()), int(kind)) << e.what();
      // Messages carry " (line N)" where yaml-cpp knows the line; the checks below match the
      // rest of the message exactly, so drop it here (LineNumbersAreReported checks it).
      return std::regex_replace(std::string(e.what()), std::regex(" \\(line [0-9]+\\)"), "");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a dcnn::Error: " << e.what();
      return "";
    }
    ADD_FAILURE() << "no error for:\n" << yaml;
    return "";
  }

  fs::path dir_;
};

const char* kMinimal =
    "model: {name: m, onnx: model.onnx}\n"
    "input: {width: 64, height: 32}\n"
    "decoder: {type: centernet}\n";

std::string with(const std::string& extra) { return std::string(kMinimal) + extra; }

TEST_F(ConfigTest, MinimalFileGetsTheStructDefaults) {
  const DeploymentConfig c = parse(kMinimal);
  EXPECT_EQ(c.name, "m");
  EXPECT_EQ(fs::path(c.model_path), (dir_ / "model.onnx").lexically_normal());
  EXPECT_EQ(c.input.width, 64);
  EXPECT_EQ(c.input.height, 32);
  EXPECT_EQ(c.input.color, dcnn::ColorOrder::RGB);
  EXPECT_EQ(c.input.resize, dcnn::ResizeKind::Stretch);
  EXPECT_EQ(c.decoder.kind, dcnn::DecoderKind::CenterNet);
  const dcnn::DecoderConfig dd;
  EXPECT_FLOAT_EQ(c.decoder.score_threshold, dd.score_threshold);
  EXPECT_EQ(c.decoder.max_objects, dd.max_objects);
  const dcnn::DeltaConfig d;
  EXPECT_FLOAT_EQ(c.delta.input_threshold, d.input_threshold);
  EXPECT_EQ(c.delta.keyframe_interval, d.keyframe_interval);
  EXPECT_TRUE(c.delta.layer_thresholds.empty());
}

TEST_F(ConfigTest, FullFileParsesEveryKey) {
  write("labels.txt", "person\r\ncar\n\n");
  const DeploymentConfig c = parse(
      "model: {name: full, onnx: ./model.onnx}\n"
      "input:\n  width: 768\n  height: 576\n  color: bgr\n  mean: [1, 2, 3.5]\n"
      "  std: [127.5, 127.5, 2]\n  resize: letterbox\n  pad_value: 114\n"
      "decoder:\n  type: movenet_multipose\n  score_threshold: 0.25\n  keypoint_threshold: 0.2\n"
      "  max_objects: 6\n  nms_iou: 0\n  output_stride: 8\n  labels_file: labels.txt\n"
      "delta:\n  input_threshold: 12\n  input_dilation: 2\n  threshold: 0.1\n"
      "  threshold_scale: 2\n  layer_thresholds: {conv_3: 0.2, head/x: 0}\n"
      "  keyframe_interval: 0\n  dense_break_even: 0.6\n  keyframe_break_even: 0.7\n");
  EXPECT_EQ(c.input.color, dcnn::ColorOrder::BGR);
  EXPECT_FLOAT_EQ(c.input.mean[2], 3.5f);
  EXPECT_FLOAT_EQ(c.input.std[0], 127.5f);
  EXPECT_EQ(c.input.resize, dcnn::ResizeKind::Letterbox);
  EXPECT_FLOAT_EQ(c.input.pad_value, 114.f);
  EXPECT_EQ(c.decoder.kind, dcnn::DecoderKind::MoveNetMultiPose);
  EXPECT_FLOAT_EQ(c.decoder.score_threshold, 0.25f);
  EXPECT_FLOAT_EQ(c.decoder.keypoint_threshold, 0.2f);
  EXPECT_EQ(c.decoder.max_objects, 6);
  EXPECT_FLOAT_EQ(c.decoder.nms_iou, 0.f);
  EXPECT_EQ(c.decoder.output_stride, 8);
  EXPECT_EQ(c.decoder.labels, (std::vector<std::string>{"person", "car"}));
  EXPECT_FLOAT_EQ(c.delta.input_threshold, 12.f);
  EXPECT_EQ(c.delta.input_dilation, 2);
  EXPECT_FLOAT_EQ(c.delta.threshold, 0.1f);
  EXPECT_FLOAT_EQ(c.delta.threshold_scale, 2.f);
  ASSERT_EQ(c.delta.layer_thresholds.size(), 2u);
  EXPECT_FLOAT_EQ(c.delta.layer_thresholds.at("conv_3"), 0.2f);
  EXPECT_EQ(c.delta.keyframe_interval, 0);
  EXPECT_FLOAT_EQ(c.delta.dense_break_even, 0.6f);
  EXPECT_FLOAT_EQ(c.delta.keyframe_break_even, 0.7f);
}

TEST_F(ConfigTest, InlineLabels) {
  const auto c = parse("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
                       "decoder: {type: centernet, labels: [a, b, c]}\n");
  EXPECT_EQ(c.decoder.labels, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(ConfigTest, UnknownKeySuggestsTheClosestName) {
  const std::string m = error_of(with("delta: {treshold: 0.1}\n"));
  EXPECT_NE(m.find("test.yaml: delta.treshold: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'threshold'"), std::string::npos) << m;
  EXPECT_NE(m.find("; expected one of input_threshold"), std::string::npos) << m;
  const std::string top = error_of(with("decodr: {}\n"));
  EXPECT_NE(top.find("test.yaml: decodr: unknown key"), std::string::npos) << top;
  EXPECT_NE(top.find("did you mean 'decoder'"), std::string::npos) << top;
  const std::string far = error_of(with("delta: {zzzzzzzzzzzz: 1}\n"));
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
}

TEST_F(ConfigTest, MissingRequiredKeys) {
  EXPECT_NE(error_of("input: {width: 1, height: 1}\ndecoder: {type: posenet}\n")
                .find("test.yaml: model: missing required key"),
            std::string::npos);
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 1}\ndecoder: {type: posenet}\n")
                .find("test.yaml: input.height: missing required key"),
            std::string::npos);
  EXPECT_NE(error_of("model: {name: m}\ninput: {width: 1, height: 1}\ndecoder: {type: posenet}\n")
                .find("test.yaml: model.onnx: missing required key"),
            std::string::npos);
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 1, height: 1}\ndecoder: {}\n")
                .find("test.yaml: decoder.type: missing required key"),
            std::string::npos);
}

TEST_F(ConfigTest, WrongTypes) {
  std::string m = error_of(with("delta: {keyframe_interval: 2.5}\n"));
  EXPECT_NE(m.find("delta.keyframe_interval: '2.5' is not an integer"), std::string::npos) << m;
  EXPECT_NE(m.find("expected an integer in [0,"), std::string::npos) << m;
  m = error_of(with("delta: {threshold: high}\n"));
  EXPECT_NE(m.find("delta.threshold: 'high' is not a number"), std::string::npos) << m;
  m = error_of(with("delta: {threshold: [1]}\n"));
  EXPECT_NE(m.find("delta.threshold: is not a scalar"), std::string::npos) << m;
  m = error_of(std::string(kMinimal).replace(std::string(kMinimal).find("{width: 64"), 10, "{width: [64]"));
  EXPECT_NE(m.find("input.width: is not a scalar"), std::string::npos) << m;
  m = error_of(with("delta: 3\n"));
  EXPECT_NE(m.find("test.yaml: delta: is not a mapping"), std::string::npos) << m;
  m = error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 1, height: 1, mean: [1, 2]}\n"
               "decoder: {type: posenet}\n");
  EXPECT_NE(m.find("input.mean: is not a list of 3 numbers"), std::string::npos) << m;
  m = error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 1, height: 1, color: rbg}\n"
               "decoder: {type: posenet}\n");
  EXPECT_NE(m.find("input.color: unknown value 'rbg'; expected one of rgb | bgr"), std::string::npos) << m;
  m = error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 1, height: 1}\n"
               "decoder: {type: yolo}\n");
  EXPECT_NE(m.find("decoder.type: unknown value 'yolo'; expected one of movenet_multipose"),
            std::string::npos) << m;
}

TEST_F(ConfigTest, OutOfRangeValues) {
  struct Case {
    std::string yaml, key;
  } cases[] = {
      {"decoder: {type: centernet, score_threshold: 1.5}", "decoder.score_threshold: value 1.5 is out of range; expected a number in [0, 1]"},
      {"decoder: {type: centernet, max_objects: 0}", "decoder.max_objects: value 0 is out of range; expected an integer in [1, 1000]"},
      {"decoder: {type: centernet, max_objects: 1001}", "decoder.max_objects: value 1001 is out of range"},
      {"decoder: {type: centernet, output_stride: 65}", "decoder.output_stride: value 65 is out of range"},
      {"decoder: {type: centernet, nms_iou: -0.1}", "decoder.nms_iou: value -0.1 is out of range"},
  };
  for (const auto& c : cases) {
    const std::string yaml = "model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n" + c.yaml + "\n";
    const std::string m = error_of(yaml);
    EXPECT_NE(m.find("test.yaml: " + c.key), std::string::npos) << m;
  }
  EXPECT_NE(error_of(with("delta: {input_threshold: 256}\n")).find("delta.input_threshold: value 256 is out of range"), std::string::npos);
  EXPECT_NE(error_of(with("delta: {input_dilation: 33}\n")).find("delta.input_dilation: value 33 is out of range"), std::string::npos);
  EXPECT_NE(error_of(with("delta: {threshold: -1}\n")).find("delta.threshold: value -1 is out of range"), std::string::npos);
  EXPECT_NE(error_of(with("delta: {dense_break_even: 2}\n")).find("delta.dense_break_even: value 2 is out of range"), std::string::npos);
  EXPECT_NE(error_of(with("delta: {keyframe_break_even: 1.5}\n")).find("delta.keyframe_break_even: value 1.5 is out of range"), std::string::npos);
  EXPECT_NE(error_of(with("delta: {layer_thresholds: {conv_3: -0.5}}\n"))
                .find("delta.layer_thresholds.conv_3: value -0.5 is out of range"), std::string::npos);
  // (error_of drops the line number; yaml-cpp threw a bare "bad conversion" here before)
  EXPECT_NE(error_of(with("delta:\n  layer_thresholds:\n    [a]: 0.1\n"))
                .find("delta.layer_thresholds: has a key that is a list or a map; expected ONNX node names"),
            std::string::npos);
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 0, height: 8}\ndecoder: {type: posenet}\n")
                .find("input.width: value 0 is out of range; expected an integer in [1, 8192]"), std::string::npos);
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8, std: [1, 0, 1]}\ndecoder: {type: posenet}\n")
                .find("input.std[1]: value 0 is out of range"), std::string::npos);
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8, std: [1, 1e-30, 1]}\ndecoder: {type: posenet}\n")
                .find("input.std[1]: value 1e-30 is out of range"), std::string::npos);
  // A second document (two files pasted together) is not silently dropped.
  EXPECT_NE(error_of(std::string(kMinimal) + "---\nmodel: {name: other, onnx: other.onnx}\n")
                .find("(top level): holds 2 YAML documents (separated by ---); expected one document"),
            std::string::npos);
  // A token that starts no value: yaml-cpp's LoadAll looped on it for ever (found by the fuzzer).
  EXPECT_NE(error_of(",").find("test.yaml:1:1: YAML syntax error: ',' starts no value here"),
            std::string::npos)
      << error_of(",");
  EXPECT_NE(error_of("- a\n,").find("test.yaml:2:1: YAML syntax error: ',' starts no value here"),
            std::string::npos)
      << error_of("- a\n,");
  EXPECT_NE(error_of(std::string(kMinimal) + ",\n").find("test.yaml:4:1: YAML syntax error"), std::string::npos)
      << error_of(std::string(kMinimal) + ",\n");
  const std::string above = error_of(
      "model: {name: m, onnx: model.onnx}\ninput: {width: 64, height: 32}\n"
      "decoder: {type: centernet, score_threshold: 0.2}\ntracker: {score_off: 0.3}\n");
  EXPECT_NE(above.find("is above decoder.score_threshold (0.2, where tracks start)"), std::string::npos)
      << above;
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8, pad_value: 300}\ndecoder: {type: posenet}\n")
                .find("input.pad_value: value 300 is out of range"), std::string::npos);
}

TEST_F(ConfigTest, LineNumbersAreReported) {
  try {
    parse(with("delta:\n  threshold: 0.1\n  keyframe_interval: -3\n"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("delta.keyframe_interval: value -3 is out of range (line 6)"),
              std::string::npos) << e.what();
  }
}

// yaml-cpp accepts a repeated key and node[key] returns the first: the second value would be
// ignored without a word. Each repeat is an error naming the key and both lines.
// Found while fuzzing the loader (tests/fuzz/regressions/yaml_config/alias-bomb-*.yaml): the
// duplicate-key walk followed every alias, and 12 levels of lists (or maps) of 8 aliases to
// the level below made it visit 8^12 nodes: a file of under 1 KB hung the loader. Each node is
// walked once now, so these parse at once (without the fix this test runs into meson's
// timeout), and a duplicate key inside an aliased map is still reported, at its first place.
TEST_F(ConfigTest, AliasChainsAreWalkedOnceNotExponentially) {
  std::string lists = "l0: &l0 [x, x, x, x, x, x, x, x]\n";
  std::string maps = "m0: &m0 {a: 1, b: 2}\n";
  for (int i = 1; i <= 12; ++i) {
    const std::string prev = std::to_string(i - 1), cur = std::to_string(i);
    lists += "l" + cur + ": &l" + cur + " [";
    maps += "m" + cur + ": &m" + cur + " {";
    for (int j = 0; j < 8; ++j) {
      lists += std::string(j ? ", " : "") + "*l" + prev;
      maps += std::string(j ? ", " : "") + "k" + std::to_string(j) + ": *m" + prev;
    }
    lists += "]\n";
    maps += "}\n";
  }
  // The walk finishes; then the top-level keys are what is wrong.
  EXPECT_NE(error_of(with(lists)).find("test.yaml: l0: unknown key"), std::string::npos);
  EXPECT_NE(error_of(with(maps)).find("test.yaml: m0: unknown key"), std::string::npos);
  // An aliased free-form map with a duplicate key: reported once, under the anchor's path.
  const std::string m = error_of(with("delta:\n  layer_thresholds: &t {c: 0.1, c: 0.2}\n"
                                      "decoder_copy: *t\n"));
  EXPECT_NE(m.find("test.yaml: delta.layer_thresholds.c: is given twice"), std::string::npos) << m;
}

// Found by fuzz_yaml_config (tests/fuzz/regressions/yaml_config/nul-bytes-cut-the-syntax-error-
// message.yaml): messages quote the input, and a NUL byte in it cut what() short before the
// "; expected ..." part. Control bytes are now written as \xNN, so the whole message arrives.
// Writing this test showed that the number readers stopped at a NUL too ("1\0" read as 1), and
// strings with a NUL would reach open() cut short: both are errors now.
TEST_F(ConfigTest, ControlBytesInTheInputDoNotCutTheMessage) {
  // A NUL inside a plain scalar: yaml-cpp's syntax error quotes it.
  const std::string nul_in_key =
      "model: {name: m, onnx: model.onnx}\ninput: {wid" + std::string(3, '\0') + "th: 64}\n";
  std::string m = error_of(nul_in_key);
  EXPECT_NE(m.find("; expected a valid YAML document"), std::string::npos) << m;
  // A NUL (double-quoted escape) and an ANSI escape in values the reader quotes.
  m = error_of(with("delta: {input_dilation: \"1\\0\"}\n"));
  EXPECT_NE(m.find("test.yaml: delta.input_dilation: '1\\x00' is not an integer; expected an integer"),
            std::string::npos)
      << m;
  m = error_of(with("delta: {threshold: \"0.5\\0junk\"}\n"));
  EXPECT_NE(m.find("test.yaml: delta.threshold: '0.5\\x00junk' is not a number"), std::string::npos) << m;
  m = error_of("model: {name: m, onnx: \"model.onnx\\0.txt\"}\ninput: {width: 64, height: 32}\n"
               "decoder: {type: centernet}\n");
  EXPECT_NE(m.find("test.yaml: model.onnx: 'model.onnx\\x00.txt' holds a NUL byte; expected a "
                   "string without NUL bytes"),
            std::string::npos)
      << m;
  m = error_of(with("delta: {form: \"\\e[31mred\"}\n"));
  EXPECT_NE(m.find("unknown value '\\x1b[31mred'; expected one of propagate | recompute"),
            std::string::npos)
      << m;
}

// Found by an adversarial review (session 30): a Latin-1 label file or model name loaded, then
// the first track event stopped the pipeline (nlohmann::json refuses invalid UTF-8) and the EOS
// handler aborted the process. Text from files is checked where it is read; error messages that
// quote it escape the bytes that are not UTF-8.
TEST_F(ConfigTest, TextThatIsNotUtf8IsRefusedWhereItIsRead) {
  std::string m = error_of("model: {name: \"caf\xe9\", onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
                           "decoder: {type: centernet}\n");
  EXPECT_NE(m.find("test.yaml: model.name: 'caf\\xe9' is not UTF-8 text (byte 4)"),
            std::string::npos) << m;
  EXPECT_NE(m.find("expected UTF-8 text"), std::string::npos) << m;
  write("latin1.txt", "person\nFu\xdfg\xe4nger\n");
  m = error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
               "decoder: {type: centernet, labels_file: latin1.txt}\n");
  EXPECT_NE(m.find("decoder.labels_file: '" + (dir_ / "latin1.txt").string() +
                   "' line 2: 'Fu\\xdfg\\xe4nger' is not UTF-8 text (byte 3)"),
            std::string::npos) << m;
  // Well-formed UTF-8 loads, and stays as it is in the labels.
  write("utf8.txt", "person\nFu\xc3\x9fg\xc3\xa4nger\n");
  const DeploymentConfig c = parse("model: {name: \"caf\xc3\xa9\", onnx: model.onnx}\n"
                                   "input: {width: 8, height: 8}\n"
                                   "decoder: {type: centernet, labels_file: utf8.txt}\n");
  EXPECT_EQ(c.name, "caf\xc3\xa9");
  ASSERT_EQ(c.decoder.labels.size(), 2u);
  EXPECT_EQ(c.decoder.labels[1], "Fu\xc3\x9fg\xc3\xa4nger");
}

TEST(Utf8, MalformedSequencesAreFoundAndEscapedInMessages) {
  EXPECT_EQ(dcnn::invalid_utf8_offset("plain ascii"), std::string::npos);
  EXPECT_EQ(dcnn::invalid_utf8_offset("\xe2\x82\xac \xf0\x9f\x98\x80"), std::string::npos);  // euro, emoji
  EXPECT_EQ(dcnn::invalid_utf8_offset("ab\xe9"), 2u);             // Latin-1
  EXPECT_EQ(dcnn::invalid_utf8_offset("a\xc3"), 1u);              // cut short
  EXPECT_EQ(dcnn::invalid_utf8_offset("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(dcnn::invalid_utf8_offset("\xed\xa0\x80"), 0u);     // surrogate
  EXPECT_EQ(dcnn::invalid_utf8_offset("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(dcnn::invalid_utf8_offset("x\x80"), 1u);              // stray continuation
  EXPECT_EQ(dcnn::printable_message("caf\xe9 \xe2\x82\xac\n"), "caf\\xe9 \xe2\x82\xac\\x0a");
}

TEST_F(ConfigTest, ModelPrecision) {
  EXPECT_EQ(parse(kMinimal).precision, dcnn::Precision::F32);
  const char* head = "model: {name: m, onnx: model.onnx, precision: ";
  const std::string rest = "}\ninput: {width: 64, height: 32}\ndecoder: {type: centernet}\n";
  EXPECT_EQ(parse(head + std::string("bf16") + rest).precision, dcnn::Precision::BF16);
  EXPECT_EQ(parse(head + std::string("fp16") + rest).precision, dcnn::Precision::F16);
  EXPECT_EQ(parse(head + std::string("fp32") + rest).precision, dcnn::Precision::F32);
  const std::string m = error_of(head + std::string("int8") + rest);
  EXPECT_NE(m.find("test.yaml: model.precision:"), std::string::npos) << m;
  EXPECT_NE(m.find("expected one of fp32 | fp16 | bf16"), std::string::npos) << m;
}

TEST_F(ConfigTest, PathChoiceIsMeasuredOnlyInTheRecomputeForm) {
  EXPECT_FALSE(parse(kMinimal).delta.measured_path_choice);
  const DeploymentConfig c = parse(with("delta: {form: recompute, path_choice: measured}\n"));
  EXPECT_TRUE(c.delta.measured_path_choice);
  EXPECT_FALSE(parse(with("delta: {form: recompute, path_choice: break_even}\n")).delta.measured_path_choice);
  std::string m = error_of(with("delta: {path_choice: measured}\n"));
  EXPECT_NE(m.find("test.yaml: delta.path_choice: is 'measured' with delta.form propagate; expected "
                   "delta.form: recompute"),
            std::string::npos) << m;
  m = error_of(with("delta: {form: recompute, path_choice: auto}\n"));
  EXPECT_NE(m.find("expected one of break_even | measured"), std::string::npos) << m;
}

TEST_F(ConfigTest, DuplicateKeysNameBothLines) {
  std::string m = error_of(with("delta:\n  input_threshold: 200\n  threshold: 0.1\n  input_threshold: 10\n"));
  EXPECT_NE(m.find("test.yaml: delta.input_threshold: is given twice (line 5 and line 7)"),
            std::string::npos) << m;
  EXPECT_NE(m.find("; expected each key once per section"), std::string::npos) << m;
  // A whole section given twice.
  m = error_of(with("delta:\n  threshold: 0.1\ndelta:\n  threshold: 0.2\n"));
  EXPECT_NE(m.find("test.yaml: delta: is given twice (line 4 and line 6)"), std::string::npos) << m;
  // In a flow map both keys share a line: the columns tell them apart.
  m = error_of("model: {name: m, onnx: model.onnx, name: n}\ninput: {width: 8, height: 8}\n"
               "decoder: {type: posenet}\n");
  EXPECT_NE(m.find("test.yaml: model.name: is given twice (line 1 column 9 and line 1 column 36)"),
            std::string::npos) << m;
  // Free-form maps too: a layer threshold given twice.
  m = error_of(with("delta:\n  layer_thresholds:\n    conv_3: 0.1\n    conv_3: 0.2\n"));
  EXPECT_NE(m.find("test.yaml: delta.layer_thresholds.conv_3: is given twice (line 6 and line 7)"),
            std::string::npos) << m;
  // The same key in two different sections is fine.
  const DeploymentConfig c = parse(with("delta: {threshold: 0.1, input_threshold: 9}\n"));
  EXPECT_FLOAT_EQ(c.delta.input_threshold, 9.f);
}

// A number that parses but does not fit the type is out of range (with the range), not "not a
// number".
TEST_F(ConfigTest, NumbersBeyondTheTypeAreOutOfRange) {
  std::string m = error_of(with("delta: {threshold: 1e300}\n"));
  EXPECT_NE(m.find("test.yaml: delta.threshold: value 1e300 is out of range; expected a number in [0, 1000000]"),
            std::string::npos) << m;
  m = error_of(with("delta: {threshold: 1e400}\n"));
  EXPECT_NE(m.find("delta.threshold: value 1e400 is out of range; expected a number in [0, 1000000]"),
            std::string::npos) << m;
  m = error_of(with("delta: {threshold: -1e300}\n"));
  EXPECT_NE(m.find("delta.threshold: value -1e300 is out of range"), std::string::npos) << m;
  m = error_of(with("delta: {threshold: .inf}\n"));
  EXPECT_NE(m.find("delta.threshold: value .inf is out of range"), std::string::npos) << m;
  m = error_of(with("delta: {layer_thresholds: {conv_3: 3.5e38}}\n"));
  EXPECT_NE(m.find("delta.layer_thresholds.conv_3: value 3.5e38 is out of range"), std::string::npos) << m;
  m = error_of(with("delta: {keyframe_interval: 99999999999999999999}\n"));
  EXPECT_NE(m.find("delta.keyframe_interval: value 99999999999999999999 is out of range; "
                   "expected an integer in [0, 1000000000]"), std::string::npos) << m;
  m = error_of(with("delta: {threshold: nan}\n"));
  EXPECT_NE(m.find("delta.threshold: 'nan' is not a number"), std::string::npos) << m;
  // An underflow is a tiny number, in range: it rounds towards 0.
  EXPECT_LE(parse(with("delta: {threshold: 1e-300}\n")).delta.threshold, 1e-30f);
}

TEST_F(ConfigTest, MissingFilesAreNotFound) {
  std::string m = error_of("model: {name: m, onnx: nope.onnx}\ninput: {width: 8, height: 8}\ndecoder: {type: posenet}\n",
                           ErrorKind::NotFound);
  EXPECT_NE(m.find("test.yaml: model.onnx: file '"), std::string::npos) << m;
  EXPECT_NE(m.find("nope.onnx' does not exist"), std::string::npos) << m;
  m = error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
               "decoder: {type: centernet, labels_file: coco.txt}\n", ErrorKind::NotFound);
  EXPECT_NE(m.find("test.yaml: decoder.labels_file: file '"), std::string::npos) << m;
  try {
    dcnn::load_config((dir_ / "absent.yaml").string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("absent.yaml: config file does not exist"), std::string::npos);
  }
}

// "models/" in place of "models/x.onnx" is a directory, not a missing file.
TEST_F(ConfigTest, DirectoriesAreNotFiles) {
  fs::create_directories(dir_ / "models");
  std::string m = error_of("model: {name: m, onnx: models}\ninput: {width: 8, height: 8}\n"
                           "decoder: {type: posenet}\n", ErrorKind::NotFound);
  EXPECT_NE(m.find("test.yaml: model.onnx: file '" + (dir_ / "models").string() +
                   "' is a directory, expected a file"), std::string::npos) << m;
  m = error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
               "decoder: {type: centernet, labels_file: models}\n", ErrorKind::NotFound);
  EXPECT_NE(m.find("decoder.labels_file: file '" + (dir_ / "models").string() +
                   "' is a directory, expected a file"), std::string::npos) << m;
  try {
    dcnn::load_config((dir_ / "models").string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("models: config file is a directory, expected a file"),
              std::string::npos) << e.what();
  }
}

TEST_F(ConfigTest, LabelsAndLabelsFileConflict) {
  write("l.txt", "a\n");
  const std::string m = error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
                                 "decoder: {type: centernet, labels: [a], labels_file: l.txt}\n");
  EXPECT_NE(m.find("test.yaml: decoder.labels: is given together with decoder.labels_file; expected either"),
            std::string::npos) << m;
  write("empty.txt", "\n\n");
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
                     "decoder: {type: centernet, labels_file: empty.txt}\n")
                .find("holds no labels"), std::string::npos);
  EXPECT_NE(error_of("model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
                     "decoder: {type: centernet, labels: []}\n")
                .find("decoder.labels: is not a non-empty list"), std::string::npos);
}

TEST_F(ConfigTest, SyntaxErrorsCarryLineAndColumn) {
  const std::string m = error_of("model: {name: m, onnx: model.onnx}\ninput: [width: 8\n");
  EXPECT_NE(m.find("test.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("YAML syntax error"), std::string::npos) << m;
  // "test.yaml:<line>:<column>:" with 1-based numbers.
  EXPECT_TRUE(m.find("test.yaml:2:") == 0 || m.find("test.yaml:3:") == 0) << m;
  EXPECT_NE(error_of("").find("the document is empty"), std::string::npos);
  EXPECT_NE(error_of("- a\n- b\n").find("is not a mapping"), std::string::npos);
  // The expectation lists every section the schema has.
  EXPECT_NE(error_of("").find("expected a mapping with the sections model, input, decoder and optionally "
                              "delta, tracker, stabilize, zones and masks"),
            std::string::npos);
}

TEST_F(ConfigTest, LoadConfigResolvesPathsAgainstTheYamlFolder) {
  fs::create_directories(dir_ / "sub");
  write("sub/x.yaml", "model: {name: m, onnx: ../model.onnx}\ninput: {width: 8, height: 8}\n"
                      "decoder: {type: posenet}\n");
  const auto c = dcnn::load_config((dir_ / "sub" / "x.yaml").string());
  EXPECT_EQ(fs::path(c.model_path), (dir_ / "model.onnx").lexically_normal());
  EXPECT_EQ(fs::path(c.source), (dir_ / "sub" / "x.yaml").lexically_normal());
}

// The tracker block: defaults tie score_on and keypoint_score to the decoder's thresholds.
TEST_F(ConfigTest, TrackerDefaultsFollowTheDecoder) {
  const DeploymentConfig c = parse(
      "model: {name: m, onnx: model.onnx}\ninput: {width: 8, height: 8}\n"
      "decoder: {type: posenet, score_threshold: 0.4, keypoint_threshold: 0.2}\n");
  const dcnn::TrackerSettings defaults;
  EXPECT_EQ(c.tracker.enabled, defaults.enabled);
  EXPECT_FLOAT_EQ(c.tracker.score_on, 0.4f);
  EXPECT_FLOAT_EQ(c.tracker.score_off, 0.4f) << "no hysteresis unless asked for";
  EXPECT_FLOAT_EQ(c.tracker.keypoint_score, 0.2f);
  EXPECT_EQ(c.tracker.min_hits, defaults.min_hits);
  EXPECT_EQ(c.tracker.max_misses, defaults.max_misses);
  EXPECT_EQ(c.tracker.hold_missed, defaults.hold_missed);
  EXPECT_FLOAT_EQ(c.tracker.min_iou, defaults.min_iou);
  EXPECT_EQ(c.tracker.predict_motion, defaults.predict_motion);
  EXPECT_TRUE(defaults.predict_motion);
  EXPECT_FLOAT_EQ(c.tracker.keypoint_weight, defaults.keypoint_weight);
  EXPECT_EQ(c.tracker.birth_rank, 0) << "any candidate may start a track unless asked";
  EXPECT_EQ(c.tracker.refine_margin, 0.f) << "no frame runs again dense unless asked";
}

TEST_F(ConfigTest, TrackerBlockParsesEveryKey) {
  const DeploymentConfig c = parse(with(
      "tracker:\n  enabled: false\n  score_off: 0.1\n  min_hits: 3\n  max_misses: 7\n"
      "  hold_missed: true\n  min_iou: 0.2\n  predict_motion: false\n  keypoint_weight: 0.25\n"
      "  birth_rank: 6\n  refine_margin: 0.03\n"));
  EXPECT_EQ(c.tracker.birth_rank, 6);
  EXPECT_FLOAT_EQ(c.tracker.refine_margin, 0.03f);
  EXPECT_TRUE(c.tracker.hold_missed);
  EXPECT_FALSE(c.tracker.predict_motion);
  EXPECT_FALSE(c.tracker.enabled);
  EXPECT_FLOAT_EQ(c.tracker.score_off, 0.1f);
  EXPECT_EQ(c.tracker.min_hits, 3);
  EXPECT_EQ(c.tracker.max_misses, 7);
  EXPECT_FLOAT_EQ(c.tracker.min_iou, 0.2f);
  EXPECT_FLOAT_EQ(c.tracker.keypoint_weight, 0.25f);
}

TEST_F(ConfigTest, TrackerBlockErrorsNameTheKey) {
  std::string m = error_of(with("tracker: {score_of: 0.1}\n"));
  EXPECT_NE(m.find("test.yaml: tracker.score_of: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'score_off'"), std::string::npos) << m;
  // The default decoder.score_threshold is 0.3: a score_off above it would end tracks before
  // they could start.
  m = error_of(with("tracker: {score_off: 0.35}\n"));
  EXPECT_NE(m.find("test.yaml: tracker.score_off: value 0.35 is above decoder.score_threshold (0.3"),
            std::string::npos) << m;
  EXPECT_NE(m.find("expected a number in [0, decoder.score_threshold]"), std::string::npos) << m;
  const struct {
    std::string yaml, message;
  } cases[] = {
      {"tracker: {score_off: -0.1}", "tracker.score_off: value -0.1 is out of range; expected a number in [0, 1]"},
      {"tracker: {min_hits: 0}", "tracker.min_hits: value 0 is out of range; expected an integer in [1, 1000]"},
      {"tracker: {max_misses: -1}", "tracker.max_misses: value -1 is out of range; expected an integer in [0, 100000]"},
      {"tracker: {min_iou: 1.5}", "tracker.min_iou: value 1.5 is out of range; expected a number in [0, 1]"},
      {"tracker: {keypoint_weight: 2}", "tracker.keypoint_weight: value 2 is out of range"},
      {"tracker: {enabled: maybe}", "tracker.enabled: 'maybe' is not a boolean; expected true or false"},
      {"tracker: {hold_missed: 1}", "tracker.hold_missed: '1' is not a boolean"},
      {"tracker: {predict_motion: auto}", "tracker.predict_motion: 'auto' is not a boolean"},
      {"tracker: {min_hits: 2.5}", "tracker.min_hits: '2.5' is not an integer"},
      {"tracker: {birth_rank: -1}", "tracker.birth_rank: value -1 is out of range; expected an integer in [0, 1000]"},
      {"tracker: {refine_margin: 0.6}", "tracker.refine_margin: value 0.6 is out of range; expected a number in [0, 0.5]"},
      {"tracker: 3", "test.yaml: tracker: is not a mapping"},
  };
  for (const auto& c : cases) {
    m = error_of(with(c.yaml + "\n"));
    EXPECT_NE(m.find(c.message), std::string::npos) << c.yaml << " -> " << m;
  }
  m = error_of(with("tracker:\n  max_misses: 2\n  min_hits: 2\n  max_misses: 4\n"));
  EXPECT_NE(m.find("test.yaml: tracker.max_misses: is given twice (line 5 and line 7)"),
            std::string::npos) << m;
}

// The configs the project ships must parse (configs/examples/ too). Their models are fetched by
// setup.
TEST(ShippedConfigs, AllParse) {
  const char* root = std::getenv("DELTACNN_SOURCE_ROOT");
  ASSERT_NE(root, nullptr) << "DELTACNN_SOURCE_ROOT is not set (run through meson test)";
  const fs::path dir = fs::path(root) / "configs";
  int count = 0;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      ++count;
      try {
        const auto c = dcnn::load_config(entry.path().string());
        EXPECT_FALSE(c.name.empty()) << entry.path();
        EXPECT_GT(c.input.width, 0) << entry.path();
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::NotFound)
          FAIL() << entry.path() << ": " << e.what() << " (run ./scripts/setup.sh)";
        FAIL() << entry.path() << ": " << e.what();
      }
    }
  }
  EXPECT_GT(count, 0) << "no configs/*.yaml found in " << dir;
}

// The demo config follows shaking and flickering cameras (docs/stabilize.md, "The default"),
// only where the backend can (no warning on CUDA).
TEST(ShippedConfigs, MultiPoseStabilizesWhereTheBackendCan) {
  const char* root = std::getenv("DELTACNN_SOURCE_ROOT");
  ASSERT_NE(root, nullptr) << "DELTACNN_SOURCE_ROOT is not set (run through meson test)";
  const fs::path yaml = fs::path(root) / "configs" / "movenet-multipose.yaml";
  try {
    const auto c = dcnn::load_config(yaml.string());
    EXPECT_TRUE(c.stabilize.shift);
    EXPECT_TRUE(c.stabilize.exposure);
    EXPECT_TRUE(c.stabilize.only_where_supported);
  } catch (const Error& e) {
    FAIL() << yaml << ": " << e.what() << (e.kind() == ErrorKind::NotFound ? " (run ./scripts/setup.sh)" : "");
  }
}

}  // namespace

namespace {

// The stabilize block: off unless asked for; every key read; bad values name key and range.
TEST_F(ConfigTest, StabilizeBlock) {
  const DeploymentConfig off = parse(kMinimal);
  EXPECT_FALSE(off.stabilize.shift);
  EXPECT_FALSE(off.stabilize.exposure);
  const DeploymentConfig on = parse(std::string(kMinimal) +
                                    "stabilize: {shift: auto, exposure: auto, max_offset: 12, "
                                    "min_confidence: 0.2, max_gain_change: 0.25, subpixel: false, "
                                    "exposure_settle: 0}\n");
  EXPECT_TRUE(on.stabilize.shift);
  EXPECT_TRUE(on.stabilize.exposure);
  EXPECT_FALSE(on.stabilize.subpixel);
  EXPECT_TRUE(off.stabilize.subpixel);
  EXPECT_FLOAT_EQ(on.stabilize.max_offset, 12.f);
  EXPECT_FLOAT_EQ(on.stabilize.min_confidence, 0.2f);
  EXPECT_FLOAT_EQ(on.stabilize.max_gain_change, 0.25f);
  EXPECT_EQ(on.stabilize.exposure_settle, 0);
  EXPECT_EQ(off.stabilize.exposure_settle, 16);
  // The YAML's `auto` means "where the backend runs a stabiliser" (no warning on CUDA).
  EXPECT_TRUE(on.stabilize.only_where_supported);
  EXPECT_FALSE(off.stabilize.only_where_supported);
  EXPECT_NE(error_of(std::string(kMinimal) + "stabilize: {exposure_settle: -1}\n").find("stabilize.exposure_settle"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "stabilize: {shift: on}\n").find("stabilize.shift"), std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "stabilize: {shift: on}\n").find("auto | off"), std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "stabilize: {max_offset: 0}\n").find("stabilize.max_offset"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "stabilize: {shfit: auto}\n").find("shfit"), std::string::npos);
}

}  // namespace

// ---- zones: and masks: (engine/config/zones_config.cpp)

const char* kLabelled =
    "model: {name: m, onnx: model.onnx}\n"
    "input: {width: 64, height: 32}\n"
    "decoder: {type: centernet, labels: [person, car]}\n";

std::string zones_yaml(const std::string& extra) { return std::string(kLabelled) + extra; }

TEST_F(ConfigTest, ZonesAndMasksParseEveryKey) {
  const DeploymentConfig c = parse(zones_yaml(
      "zones:\n"
      "  - name: door\n"
      "    polygon: [[0, 300], [768, 300], [768, 576], [0, 576]]\n"
      "  - name: street.west-1\n"
      "    polygon: [[0, 0], [0.5, 0], [0.5, 1]]\n"
      "    units: normalized\n"
      "    anchor: center\n"
      "    labels: [car]\n"
      "    inertia: 1\n"
      "masks:\n"
      "  - polygon: [[512, 0], [768, 0], [768, 576], [512, 576]]\n"
      "  - {name: tree, polygon: [[0, 0], [0.1, 0], [0.1, 0.1]], units: normalized, fill: last, drop_objects: true}\n"));
  ASSERT_EQ(c.zones.zones.size(), 2u);
  const auto& door = c.zones.zones[0];
  EXPECT_EQ(door.name, "door");
  EXPECT_EQ(door.polygon.size(), 4u);
  EXPECT_EQ(door.units, dcnn::zones::Units::Pixels);
  EXPECT_EQ(door.anchor, dcnn::zones::Anchor::BottomCenter);
  EXPECT_TRUE(door.labels.empty());
  EXPECT_EQ(door.inertia, 3);
  EXPECT_EQ(door.line, 6);  // its polygon's line (the name is on 5)
  const auto& street = c.zones.zones[1];
  EXPECT_EQ(street.units, dcnn::zones::Units::Normalized);
  EXPECT_EQ(street.anchor, dcnn::zones::Anchor::Center);
  EXPECT_EQ(street.labels, std::vector<std::string>{"car"});
  EXPECT_EQ(street.inertia, 1);
  ASSERT_EQ(c.zones.masks.size(), 2u);
  EXPECT_FALSE(c.zones.masks[0].drop_objects);
  EXPECT_EQ(c.zones.masks[0].fill, dcnn::zones::MaskFill::Blank);
  EXPECT_EQ(c.zones.masks[1].fill, dcnn::zones::MaskFill::Last);
  EXPECT_EQ(c.zones.masks[1].name, "tree");
  EXPECT_TRUE(c.zones.masks[1].drop_objects);
  EXPECT_EQ(c.zones.source, "test.yaml");
  EXPECT_TRUE(parse(kLabelled).zones.empty());
  EXPECT_TRUE(parse(zones_yaml("zones: []\nmasks: []\n")).zones.empty());
}

TEST_F(ConfigTest, ZoneErrorsNameTheKeyAndWhatIsExpected) {
  const std::string square = "polygon: [[0, 0], [10, 0], [10, 10], [0, 10]]";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"zones: {door: 1}\n",
       "test.yaml: zones: is not a list; expected a list of zones, each {name: door, polygon: [[x, y], "
       "...]} (see README, \"Zones and masks\")"},
      {"zones: [{" + square + "}]\n", "test.yaml: zones[0].name: missing required key; expected a value for it"},
      {"zones: [{name: door}]\n", "test.yaml: zones[0].polygon: missing required key; expected a value for it"},
      {"zones: [{name: 'a b', " + square + "}]\n",
       "test.yaml: zones[0].name: 'a b' is not a valid zone name; expected 1 to 64 letters, digits, '_', "
       "'-' or '.'"},
      {"zones: [{name: door, polygon: [[0, 0], [10, 0]]}]\n",
       "test.yaml: zones[0].polygon: has 2 point(s); expected a list of at least 3 [x, y] points, e.g. "
       "[[0, 300], [768, 300], [768, 576]]"},
      {"zones: [{name: door, polygon: [[0, 0], [10, 0], [5]]}]\n",
       "test.yaml: zones[0].polygon[2]: is not an [x, y] pair; expected [x, y] in source-frame pixels "
       "(units: pixels)"},
      {"zones: [{name: door, polygon: [[0, 0], [-1, 0], [5, 5]]}]\n",
       "test.yaml: zones[0].polygon[1].x: value -1 is out of range; expected a number in [0, 65536]"},
      {"zones: [{name: door, units: normalized, polygon: [[0, 0], [1.5, 0], [1, 1]]}]\n",
       "test.yaml: zones[0].polygon[1].x: value 1.5 is out of range; expected a number in [0, 1]"},
      {"zones: [{name: door, polygon: [[0, 0], [10, 0], [10, 0], [0, 10]]}]\n",
       "test.yaml: zones[0].polygon[2]: repeats the point before it; expected distinct consecutive points"},
      {"zones: [{name: door, polygon: [[0, 0], [10, 0], [10, 10], [0, 0]]}]\n",
       "test.yaml: zones[0].polygon: ends on its first point; expected each corner once (the polygon "
       "closes itself from the last point to the first)"},
      {"zones: [{name: door, polygon: [[0, 0], [5, 5], [10, 10]]}]\n",
       "test.yaml: zones[0].polygon: has no area: its points lie on one line; expected a polygon that "
       "encloses a region"},
      // Four or more on one line also run back over each other: still "no area" (session 30).
      {"zones: [{name: door, polygon: [[0, 0], [100, 0], [200, 0], [300, 0]]}]\n",
       "test.yaml: zones[0].polygon: has no area: its points lie on one line; expected a polygon that "
       "encloses a region"},
      // And on a line that float does not hold exactly (x + y = 0.8).
      {"zones: [{name: door, units: normalized, polygon: [[0.1, 0.7], [0.3, 0.5], [0.7, 0.1], [0.45, 0.35]]}]\n",
       "test.yaml: zones[0].polygon: has no area: its points lie on one line; expected a polygon that "
       "encloses a region"},
      {"zones: [{name: door, units: normalized, polygon: [[0.1, 0.7], [0.3, 0.5], [0.7, 0.1]]}]\n",
       "test.yaml: zones[0].polygon: has no area: its points lie on one line; expected a polygon that "
       "encloses a region"},
      {"zones: [{name: door, units: normalized, polygon: [[0.90, 0.93], [0.91, 0.92], [0.93, 0.90]]}]\n",
       "test.yaml: zones[0].polygon: has no area: its points lie on one line; expected a polygon that "
       "encloses a region"},
      {"zones: [{name: door, polygon: [[0, 0], [10, 10], [10, 0], [0, 10]]}]\n",
       "test.yaml: zones[0].polygon: crosses itself: edge 0 (point 0 to 1) meets edge 2 (point 2 to 3); "
       "expected a simple polygon: list the corners in order around it"},
      {"zones: [{name: door, units: cm, " + square + "}]\n",
       "test.yaml: zones[0].units: unknown value 'cm'; expected one of pixels | normalized"},
      {"zones: [{name: door, anchor: top, " + square + "}]\n",
       "test.yaml: zones[0].anchor: unknown value 'top'; expected one of bottom_center | center"},
      {"zones: [{name: door, labels: [dog], " + square + "}]\n",
       "test.yaml: zones[0].labels[0]: 'dog' is not a label of this model; expected one of decoder.labels "
       "(e.g. 'person')"},
      {"zones: [{name: door, inertia: 0, " + square + "}]\n",
       "test.yaml: zones[0].inertia: value 0 is out of range; expected an integer in [1, 1000]"},
      {"zones: [{name: door, intertia: 2, " + square + "}]\n",
       "test.yaml: zones[0].intertia: unknown key (did you mean 'inertia'?); expected one of name, "
       "polygon, units, anchor, labels, inertia"},
      {"zones: [{name: door, " + square + "}, {name: door, " + square + "}]\n",
       "test.yaml: zones[1].name: zone 'door' is given twice (line 4 and line 4); expected a distinct "
       "name per zone (names go into metadata and events)"},
      {"masks: [{" + square + ", drop_objects: maybe}]\n",
       "test.yaml: masks[0].drop_objects: 'maybe' is not a boolean; expected true or false"},
      {"masks: [{name: tree}]\n", "test.yaml: masks[0].polygon: missing required key; expected a value for it"},
      {"masks: [{" + square + ", labels: [person]}]\n",
       "test.yaml: masks[0].labels: unknown key; expected one of name, polygon, units, fill, drop_objects"},
      {"masks: [{" + square + ", fill: grey}]\n",
       "test.yaml: masks[0].fill: unknown value 'grey'; expected one of blank | last"},
      {"masks: [3]\n", "test.yaml: masks[0]: is not a mapping; expected a mapping of keys to values"},
  };
  for (const auto& [yaml, message] : cases) EXPECT_EQ(error_of(zones_yaml(yaml)), message) << yaml;
}

TEST_F(ConfigTest, ZoneErrorsCarryTheirLine) {
  try {
    parse(zones_yaml("zones:\n  - name: door\n    polygon: [[0, 0], [10, 10], [10, 0], [0, 10]]\n"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(line 6)"), std::string::npos) << e.what();
  }
  // A zone given twice names both lines.
  const std::string twice = error_of(zones_yaml(
      "zones:\n  - {name: a, polygon: [[0, 0], [1, 0], [1, 1]]}\n  - {name: a, polygon: [[0, 0], [1, 0], [1, 1]]}\n"));
  EXPECT_NE(twice.find("given twice (line 5 and line 6)"), std::string::npos) << twice;
  // Duplicate keys inside a zone are caught by the loader's own check.
  const std::string dup = error_of(zones_yaml("zones:\n  - name: a\n    name: b\n    polygon: [[0, 0], [1, 0], [1, 1]]\n"));
  EXPECT_NE(dup.find("given twice"), std::string::npos) << dup;
}
