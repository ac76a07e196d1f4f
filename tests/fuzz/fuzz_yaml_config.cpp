// libFuzzer harness: the YAML deployment loader (engine/config) on arbitrary text.
//
// The input bytes are the YAML file's text, parsed by dcnn::parse_config exactly as load_config
// does after reading a file. Every outcome must be a DeploymentConfig or a dcnn::Error whose
// message names the file and what was expected: yaml-cpp exceptions, other exception types,
// crashes and sanitizer reports are bugs. Seeds: the shipped configs/
// (tests/fuzz/corpus/yaml_config/).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/config/config.h"
#include "engine/core/error.h"

namespace {

namespace fs = std::filesystem;

const char kSource[] = "fuzz.yaml";

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// A throw-away tree laid out like the repository (configs/ beside models/), so that the shipped
// configs in the seed corpus resolve "../models/<name>.onnx" and "labels/coco.txt" and parse to
// the end without the fetched models: the loader only checks that the model file exists.
struct Sandbox {
  fs::path root;
  fs::path configs;

  Sandbox() {
    char tmpl[] = "/tmp/deltacnn-fuzz-yaml-XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::perror("fuzz_yaml_config: mkdtemp");
      std::abort();
    }
    root = tmpl;
    configs = root / "configs";
    fs::create_directories(configs / "labels");
    fs::create_directories(root / "models");
    for (const char* model : {"centernet", "movenet-lightning", "movenet-multipose", "posenet"})
      write_file(root / "models" / (std::string(model) + ".onnx"), "placeholder");
    write_file(configs / "labels" / "coco.txt", "person\nbicycle\r\ncar  \n\nmotorcycle\n");
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

const Sandbox& sandbox() {
  static const Sandbox box;  // destroyed at exit: the tree does not outlive the process
  return box;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    dcnn::parse_config(text, kSource, sandbox().configs.string());
  } catch (const dcnn::Error& e) {
    // Expected for bad input, but the message must have the documented form
    // "<file>: <key.path>: <problem>; expected <what>": the file and what was expected.
    const std::string message = e.what();
    if (message.find(kSource) == std::string::npos || message.find("expected") == std::string::npos) {
      std::fprintf(stderr, "fuzz_yaml_config: message without the file or what is expected: %s\n",
                   e.what());
      std::abort();
    }
  }
  return 0;
}
