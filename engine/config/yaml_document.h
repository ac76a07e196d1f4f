// Reading a deployment file's text into its one YAML document.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

namespace dcnn {

// The file's only document. Throws dcnn::Error (Config) naming `source_name`, the line and the
// column for a syntax error, for text that starts no value (yaml-cpp stops there without a
// word), and for a second document after a `---` (two files pasted together would otherwise
// have the second ignored).
YAML::Node load_single_yaml_document(const std::string& yaml_text, const std::string& source_name);

}  // namespace dcnn
