// Typed, validating access to yaml-cpp nodes for the deployment config: every failure becomes a
// dcnn::Error(Config) reading "<file>: <key.path>: <problem>; expected <what>".
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

namespace dcnn {

class YamlReader {
 public:
  explicit YamlReader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  [[noreturn]] void fail(const std::string& key, const std::string& problem,
                         const std::string& expected) const;

  // `section` is "" at the top level. Returns node[key] or fails with "missing required key".
  YAML::Node require(const YAML::Node& node, const std::string& section,
                     const std::string& key) const;
  void require_map(const YAML::Node& node, const std::string& key) const;
  // Unknown keys fail with the closest allowed name as a "did you mean" hint.
  void check_keys(const YAML::Node& node, const std::string& section,
                  const std::vector<std::string>& allowed) const;
  // yaml-cpp keeps every pair of a mapping and node[key] returns the first, so a key given twice
  // would silently lose its second value. Walks every mapping below `node` (inside lists too)
  // and fails on the first key that repeats within one mapping, naming both lines. Each
  // distinct node is walked once: aliases (*name) to a node already seen are not walked again,
  // so alias chains cannot make the walk exponential.
  void check_unique_keys(const YAML::Node& node, const std::string& path = "") const;

  std::string read_string(const YAML::Node& node, const std::string& key) const;
  bool read_bool(const YAML::Node& node, const std::string& key) const;
  // Numbers that parse but do not fit (1e300 for a float, 99999999999 for an int) are "out of
  // range" with the allowed range, not "not a number".
  int read_int(const YAML::Node& node, const std::string& key, int min, int max) const;
  float read_float(const YAML::Node& node, const std::string& key, float min, float max) const;
  // Three floats in [min, max]; strictly_positive additionally rejects 0.
  void read_float3(const YAML::Node& node, const std::string& key, float min, float max,
                   bool strictly_positive, float out[3]) const;
  std::vector<std::string> read_string_list(const YAML::Node& node, const std::string& key) const;

  // " (line N)" when yaml-cpp knows where `node` was written, else "".
  std::string where(const YAML::Node& node) const;
  // 1-based line of `node`, 0 when unknown.
  static int line(const YAML::Node& node) { return node.Mark().line < 0 ? 0 : node.Mark().line + 1; }

  template <typename Enum>
  Enum read_enum(const YAML::Node& node, const std::string& key,
                 const std::vector<std::pair<std::string, Enum>>& choices) const {
    const std::string value = read_string(node, key);
    for (const auto& c : choices)
      if (c.first == value) return c.second;
    std::string names;
    for (const auto& c : choices) names += (names.empty() ? "" : " | ") + c.first;
    fail(key, "unknown value '" + value + "'" + where(node), "one of " + names);
  }

 private:
  std::string source_;
};

// Levenshtein distance, for "did you mean" hints.
int edit_distance(const std::string& a, const std::string& b);

}  // namespace dcnn
